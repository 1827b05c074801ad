import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerEngine } from '../container-engine/container-engine.js';
import { networkName } from './project-names.js';
import { EPHEMERAL_LABEL, PROJECT_LABEL } from '../local-labels.js';
import { ps } from './ps.js';

export interface DownResult {
  readonly project: string;
  /** Names of the containers removed. */
  readonly removed: readonly string[];
  /** The network removed, when there was one. */
  readonly network?: string;
  /** Ephemeral (tmpfs) volumes removed. */
  readonly volumes: readonly string[];
}

/**
 * Removes this project's containers (found by the project label, so nothing else is touched)
 * and its network, the volumes it declared as tmpfs, and (given `stateDir`) the config files
 * `up` wrote. Other volumes are kept (they hold downloaded models).
 */
export async function down(engine: ContainerEngine, opts: { readonly project: string; readonly stateDir?: string }): Promise<DownResult> {
  const containers = await ps(engine, { project: opts.project });
  await Promise.all(containers.map((c) => engine.remove(c.name)));
  const network = networkName(opts.project);
  const exists = await engine.networkExists(network);
  if (exists) await engine.removeNetwork(network);
  const volumes = await engine.listVolumes({ [PROJECT_LABEL]: opts.project, [EPHEMERAL_LABEL]: 'true' });
  for (const v of volumes) await engine.removeVolume(v);
  // Files `up` wrote for the project's inline configs.
  if (opts.stateDir) await rm(join(opts.stateDir, opts.project), { recursive: true, force: true });
  return { project: opts.project, removed: containers.map((c) => c.name), ...(exists ? { network } : {}), volumes };
}
