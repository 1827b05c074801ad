import { mkdir, readFile } from 'node:fs/promises';
import type { IoHost } from '../../io/io-host.js';
import { writeFileAtomic } from '../../util/write-atomic.js';
import type { ContainerEngine } from '../container-engine/container-engine.js';
import { EPHEMERAL_LABEL, PROJECT_LABEL } from '../local-labels.js';
import type { RollbackLedger } from './rollback-ledger.js';
import type { RunPlan } from './run-plan.js';
import { MESSAGES } from '../../io/messages.js';

/**
 * What the containers need on the host before they start: files for inline configs, host
 * directories for binds, and the declared volumes (the ones this creates go in the ledger).
 */
export async function prepareHost(plan: RunPlan, engine: ContainerEngine, ledger: RollbackLedger, io: IoHost): Promise<void> {
  for (const f of plan.files) {
    const current = await readFile(f.path, 'utf8').catch(() => undefined);
    if (current !== f.content) await writeFileAtomic(f.path, f.content);
  }
  for (const d of plan.hostDirs) await mkdir(d, { recursive: true });
  for (const v of plan.volumes) {
    if (await engine.volumeExists(v.name)) continue;
    const ephemeral = v.options?.type === 'tmpfs';
    const labels = { [PROJECT_LABEL]: plan.project, ...(ephemeral ? { [EPHEMERAL_LABEL]: 'true' } : {}) };
    const keep = v.options && engine.volumeOptions ? { options: v.options } : {};
    if (v.options && !engine.volumeOptions) {
      io.notify(
        MESSAGES.LOCAL_WARNING.make(
          `${engine.name} cannot create volume ${v.name} with driver options; it is a plain volume${ephemeral ? ' that "modelstack local down" removes' : ''}`,
          {},
        ),
      );
    }
    await engine.createVolume(v.name, { labels, ...keep });
    // A data volume outlives a failed up: it may hold a download the retry would repeat.
    ledger.volumeWasCreated(v.name, { keep: !ephemeral });
    io.notify(MESSAGES.DEBUG.make(`volume ${v.name} created`, {}));
  }
}
