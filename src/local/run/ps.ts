import type { ContainerInfo, ContainerEngine } from '../container-engine/container-engine.js';
import { PROJECT_LABEL, SERVICE_LABEL } from '../local-labels.js';

export interface PsOptions {
  readonly project: string;
  /** Only these services. @default all */
  readonly services?: readonly string[];
}

/** The project's containers (found by label, running or not), by service name. */
export async function ps(engine: ContainerEngine, opts: PsOptions): Promise<ContainerInfo[]> {
  const all = await engine.list({ [PROJECT_LABEL]: opts.project }, SERVICE_LABEL);
  const wanted = opts.services && opts.services.length > 0 ? new Set(opts.services) : undefined;
  return all.filter((c) => !wanted || wanted.has(c.service ?? '')).sort((a, b) => (a.service ?? a.name).localeCompare(b.service ?? b.name));
}
