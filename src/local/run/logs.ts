import { ModelstackError } from '../../errors.js';
import type { ContainerEngine, LogLine } from '../container-engine/container-engine.js';
import { ps } from './ps.js';

export interface ProjectLogsOptions {
  readonly project: string;
  /** Only these services. @default all */
  readonly services?: readonly string[];
  readonly tail?: number;
  readonly follow?: boolean;
  /** Stops following. */
  readonly signal?: AbortSignal;
  readonly onLine: (service: string, line: LogLine) => void;
}

/**
 * The logs of the project's containers, one service after another (or all at once with
 * `follow`, until the containers stop or `signal` aborts).
 */
export async function projectLogs(engine: ContainerEngine, opts: ProjectLogsOptions): Promise<void> {
  const containers = await ps(engine, { project: opts.project, ...(opts.services ? { services: opts.services } : {}) });
  if (containers.length === 0) {
    const which = opts.services?.length ? `service ${opts.services.join(', ')} of ` : '';
    throw new ModelstackError('LOCAL', `no containers for ${which}project ${opts.project}`, { hint: 'start them with "modelstack local up"' });
  }
  const one = (c: (typeof containers)[number]): Promise<void> =>
    engine.logs(c.name, {
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      ...(opts.follow ? { follow: true } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onLine: (line) => opts.onLine(c.service ?? c.name, line),
    });
  if (opts.follow) {
    await Promise.all(containers.map(one));
    return;
  }
  for (const c of containers) await one(c);
}
