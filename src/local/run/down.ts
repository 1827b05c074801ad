import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerEngine } from '../container-engine/container-engine.js';
import { networkName } from './project-names.js';
import { EPHEMERAL_LABEL, PROJECT_LABEL } from '../local-labels.js';
import { ps } from './ps.js';

/** Something of the project's name (or label) that `down` left in place, and why. */
export interface KeptObject {
  readonly kind: 'network' | 'volume';
  readonly name: string;
  readonly reason: string;
}

export interface DownResult {
  readonly project: string;
  /** Names of the containers removed. */
  readonly removed: readonly string[];
  /** The network removed, when there was one. */
  readonly network?: string;
  /** Ephemeral (tmpfs) volumes removed. */
  readonly volumes: readonly string[];
  /** Data volumes (model caches, the HF cache) removed: only with the `volumes` option. */
  readonly dataVolumes?: readonly string[];
  /** What was left, and why: a network another tool made, one still in use, the data volumes. */
  readonly kept: readonly KeptObject[];
}

/**
 * Removes what local runs created for the project, and nothing else: its containers and
 * volumes are found by the project label, and the network `<project>_default` is removed only
 * when it carries that label (another tool's network of the same name is left, with a note).
 * Of the volumes only the ones declared as tmpfs go; the others hold downloaded models and are
 * listed as kept, unless `volumes` is set: then every volume labelled as the project's goes
 * (`local down --volumes`). Given `stateDir`, the config files `up` wrote are removed too.
 */
export async function down(
  engine: ContainerEngine,
  opts: { readonly project: string; readonly stateDir?: string; readonly volumes?: boolean },
): Promise<DownResult> {
  const kept: KeptObject[] = [];
  const containers = await ps(engine, { project: opts.project });
  await Promise.all(containers.map((c) => engine.remove(c.name)));

  const network = networkName(opts.project);
  const labels = await engine.networkLabels(network);
  let networkRemoved = false;
  if (labels && labels[PROJECT_LABEL] !== opts.project) {
    kept.push({ kind: 'network', name: network, reason: `not created by modelstack for project ${opts.project} (no label ${PROJECT_LABEL}=${opts.project})` });
  } else if (labels) {
    const outcome = await engine.removeNetwork(network);
    networkRemoved = outcome === 'removed';
    if (outcome === 'in-use') kept.push({ kind: 'network', name: network, reason: 'containers of other projects or tools are still attached to it' });
  }

  const ephemeral = await engine.listVolumes({ [PROJECT_LABEL]: opts.project, [EPHEMERAL_LABEL]: 'true' });
  for (const v of ephemeral) await engine.removeVolume(v);
  const data = (await engine.listVolumes({ [PROJECT_LABEL]: opts.project })).filter((v) => !ephemeral.includes(v));
  if (opts.volumes) for (const v of data) await engine.removeVolume(v);
  else for (const v of data) kept.push({ kind: 'volume', name: v, reason: 'it may hold downloaded models (remove it with "modelstack local down --volumes")' });
  // Files `up` wrote for the project's inline configs.
  if (opts.stateDir) await rm(join(opts.stateDir, opts.project), { recursive: true, force: true });
  return {
    project: opts.project,
    removed: containers.map((c) => c.name),
    ...(networkRemoved ? { network } : {}),
    volumes: ephemeral,
    ...(opts.volumes && data.length ? { dataVolumes: data } : {}),
    kept,
  };
}
