import { applyObserved } from '../../clusterapply/apply-object.js';
import { groupKind, stackApplySet } from '../../clusterapply/applyset.js';
import { FIELD_MANAGER } from '../../clusterapply/field-manager.js';
import { normalizeLive } from '../../clusterapply/normalize.js';
import { ownedObjects, pruneCandidates, readParent } from '../../clusterapply/owned-objects.js';
import type { KubeApi } from '../../kube/kube-api.js';
import type { KubeObject, StackManifest } from '../../model/kube-object.js';
import { type ChangeSet, diffObjects } from '../change-set.js';

export interface LiveSides {
  readonly before: KubeObject[];
  readonly after: KubeObject[];
}

export interface LiveSidesOptions {
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
export async function liveSides(kube: KubeApi, desired: readonly KubeObject[], opts: LiveSidesOptions): Promise<LiveSides> {
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  for (const o of desired) {
    // Forced in the dry run only, so a conflict with another manager still shows the change;
    // `apply` itself refuses conflicts unless --force-conflicts.
    const r = await applyObserved(kube, o, { fieldManager: opts.fieldManager, dryRun: true, force: true });
    if (r.before) before.push(normalizeLive(r.before));
    after.push(r.after ? normalizeLive(r.after) : o);
  }
  for (const o of opts.pruneCandidates ?? []) before.push(normalizeLive(o));
  return { before, after };
}

export interface LiveDiffOptions {
  /** Also show the objects each stack owns that `apply --prune` would delete. */
  readonly prune?: boolean;
  /** Namespace of each stack's ApplySet parent ConfigMap. @default "default" */
  readonly applySetNamespace?: string;
}

/**
 * The live diff of stacks, as `modelstack diff` shows it: the cluster as it is against a dry
 * run of `apply` (field manager "modelstack", ownership marks included), stack by stack.
 */
export async function liveDiff(kube: KubeApi, stacks: readonly StackManifest[], opts: LiveDiffOptions = {}): Promise<ChangeSet> {
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  for (const s of stacks) {
    const { parent, desired } = stackApplySet(s, opts.applySetNamespace);
    const prune = opts.prune ? pruneCandidates(await ownedObjects(kube, parent, await readParent(kube, parent), desired.map(groupKind)), desired) : [];
    const sides = await liveSides(kube, desired, { fieldManager: FIELD_MANAGER, pruneCandidates: prune });
    before.push(...sides.before);
    after.push(...sides.after);
  }
  return diffObjects(before, after);
}
