import { applyObserved } from '../../apply/apply-object.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { KubeObject } from '../../model/kube-object.js';
import { normalizeLive } from '../normalize.js';

export interface LiveSides {
  readonly before: KubeObject[];
  readonly after: KubeObject[];
}

export interface LiveDiffOptions {
  readonly fieldManager: string;
  /** Objects the stack owns in the cluster that the synth no longer has (shown as removals). */
  readonly pruneCandidates?: readonly KubeObject[];
}

/**
 * The two sides of a live diff. Before: each object as the cluster has it. After: what the
 * cluster would hold after `apply` — the server-side apply dry-run of the object. An object
 * whose namespace or CRD does not exist yet cannot be dry-run; it shows as a create of the
 * synthesized object.
 */
export async function liveSides(client: KubeClient, desired: readonly KubeObject[], opts: LiveDiffOptions): Promise<LiveSides> {
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  for (const o of desired) {
    // Forced in the dry run only, so a conflict with another manager still shows the change;
    // `apply` itself refuses conflicts unless --force-conflicts.
    const r = await applyObserved(client, o, { fieldManager: opts.fieldManager, dryRun: true, force: true });
    if (r.before) before.push(normalizeLive(r.before));
    after.push(r.after ? normalizeLive(r.after) : o);
  }
  for (const o of opts.pruneCandidates ?? []) before.push(normalizeLive(o));
  return { before, after };
}
