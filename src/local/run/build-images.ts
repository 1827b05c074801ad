import { isModelstackError, ModelstackError } from '../../errors.js';
import type { IoHost } from '../../io/io-host.js';
import { MESSAGES } from '../../io/messages.js';
import type { ContainerEngine } from '../container-engine/container-engine.js';
import { PROJECT_LABEL } from '../local-labels.js';
import type { ComposeProject } from './compose-model.js';
import type { RunPlan } from './run-plan.js';

export interface BuildImagesOptions {
  readonly io: IoHost;
  readonly signal: AbortSignal;
  /** When every build must be done (the deadline of `up`). */
  readonly deadline: number;
}

/**
 * Builds the image of every planned `build:` service, one after the other (builds are heavy),
 * before anything starts; a service run from another image (--image) is not built. Returns the
 * built image id per service. The build's output goes to `io` line by line.
 */
export async function buildImages(project: ComposeProject, plan: RunPlan, engine: ContainerEngine, opts: BuildImagesOptions): Promise<Record<string, string>> {
  const { io, signal, deadline } = opts;
  const ids: Record<string, string> = {};
  const planned = [...new Set(plan.services.map((s) => s.service))];
  for (const name of planned) {
    const s = project.services.find((x) => x.name === name)!;
    const runs = plan.services.find((p) => p.service === name)!.spec.image;
    if (!s.build || runs !== s.image) continue;
    signal.throwIfAborted();
    const left = deadline - Date.now();
    if (left <= 0) throw new ModelstackError('LOCAL', `service ${name}: no time left to build ${s.image}`, { hint: 'raise --timeout' });
    io.notify(MESSAGES.LOCAL_PROGRESS.make(`${name}: building ${s.image} with ${engine.name} from ${s.build.context}`, { service: name, step: 'building' }));
    const started = Date.now();
    try {
      ids[name] = await engine.build(
        {
          context: s.build.context,
          ...(s.build.dockerfile ? { dockerfile: s.build.dockerfile } : {}),
          ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}),
          ...(s.build.target ? { target: s.build.target } : {}),
          tag: s.image,
          labels: { [PROJECT_LABEL]: project.name },
        },
        {
          signal,
          timeoutMs: left,
          onLine: (line) => io.notify(MESSAGES.LOCAL_BUILD_OUTPUT.make(`${name} | ${line.text}`, { service: name, stream: line.stream })),
        },
      );
    } catch (e) {
      if (signal.aborted || !isModelstackError(e)) throw e;
      throw new ModelstackError(e.code, `service ${name}: ${e.message}`, {
        ...(e.hint ? { hint: e.hint } : {}),
        details: e.details,
        exitCode: e.exitCode,
        cause: e,
      });
    }
    const id = ids[name]!;
    io.notify(
      MESSAGES.LOCAL_PROGRESS.make(`${name}: built ${s.image} (${id.slice(0, 19)}) in ${((Date.now() - started) / 1000).toFixed(1)}s`, {
        service: name,
        step: 'built',
      }),
    );
  }
  return ids;
}
