import { applyObserved } from '../../clusterapply/apply-object.js';
import { discoverAhead, readLive } from '../../clusterapply/live-objects.js';
import { groupKind, stackApplySet } from '../../clusterapply/applyset.js';
import { fieldManagerFor } from '../../clusterapply/field-manager.js';
import { requireStackId } from '../../clusterapply/ownership.js';
import { release } from '../../clusterapply/release.js';
import { planRemoval } from '../../clusterapply/removal-plan.js';
import { normalizeLive } from '../../clusterapply/normalize.js';
import { findOwned, pruneCandidates, readParent } from '../../clusterapply/owned-objects.js';
import type { KubeApi } from '../../kube/kube-api.js';
import { type KubeObject, objectKey, type StackManifest } from '../../model/kube-object.js';
import { type ChangeSet, diffObjects } from '../change-set.js';
import type { IgnorePath } from '../ignore-paths.js';
import { mapBounded } from '../../util/map-bounded.js';

/** Dry runs in flight at once: apply's default write concurrency, within API priority and fairness. */
const DEFAULT_DRY_RUN_CONCURRENCY = 4;

export interface LiveSides {
  readonly before: KubeObject[];
  readonly after: KubeObject[];
}

export interface LiveSidesOptions {
  readonly fieldManager: string;
  /** The stack's id: objects the apply would create carry its created-by record, as apply writes them. */
  readonly stackId?: string;
  /** Objects the stack owns in the cluster that the synth no longer has and prune deletes (shown as removals). */
  readonly pruneCandidates?: readonly KubeObject[];
  /** Objects prune would release, before and after (shown as changes). */
  readonly releases?: ReadonlyArray<{ readonly before: KubeObject; readonly after: KubeObject }>;
  /** Dry runs in flight at once. @default 4 */
  readonly concurrency?: number;
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
  const live = await readLive(kube, desired);
  // Dry runs in parallel, bounded as apply's writes are; results keep the objects' order, and the
  // first failure in that order is the one reported.
  const settled = await mapBounded(desired, opts.concurrency ?? DEFAULT_DRY_RUN_CONCURRENCY, (o) =>
    // Forced in the dry run only, so a conflict with another manager still shows the change;
    // `apply` itself refuses conflicts unless --force-conflicts.
    applyObserved(kube, o, {
      fieldManager: opts.fieldManager,
      dryRun: true,
      force: true,
      stackId: opts.stackId,
      live: { before: live.get(objectKey(o)) },
    }),
  );
  for (const [i, r] of settled.entries()) {
    if (r.status === 'rejected') throw r.reason;
    if (r.value.before) before.push(normalizeLive(r.value.before));
    after.push(r.value.after ? normalizeLive(r.value.after) : desired[i]!);
  }
  for (const o of opts.pruneCandidates ?? []) before.push(normalizeLive(o));
  for (const x of opts.releases ?? []) {
    before.push(normalizeLive(x.before));
    after.push(normalizeLive(x.after));
  }
  return { before, after };
}

export interface LiveDiffOptions {
  /** Values left out of both sides before they are compared (`--ignore`). */
  readonly ignore?: readonly IgnorePath[];
  /** Also show the objects each stack owns that `apply --prune` would delete. */
  readonly prune?: boolean;
  /** Namespace of each stack's ApplySet parent ConfigMap. @default "default" */
  readonly applySetNamespace?: string;
}

/**
 * The live diff of stacks, as `modelstack diff` shows it: the cluster as it is against a dry
 * run of `apply` (field manager "modelstack/<stack>", ownership marks included), stack by
 * stack. With `prune`, what prune deletes shows as removed and what it releases (adopted
 * objects, held namespaces) as the change the release makes.
 */
export async function liveDiff(kube: KubeApi, stacks: readonly StackManifest[], opts: LiveDiffOptions = {}): Promise<ChangeSet> {
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  // Every kind of the stacks discovered at once, not one round trip after another.
  discoverAhead(
    kube,
    stacks.flatMap((s) => s.objects),
  );
  for (const s of stacks) {
    const { stack, parent, desired } = stackApplySet(s, opts.applySetNamespace);
    const fieldManager = fieldManagerFor(stack);
    let deletes: KubeObject[] = [];
    const releases: Array<{ before: KubeObject; after: KubeObject }> = [];
    if (opts.prune) {
      const found = await findOwned(kube, parent, await readParent(kube, parent), desired.map(groupKind), { everywhere: true });
      const stackId = requireStackId(s, stack, 'diff --prune');
      const plan = await planRemoval(kube, pruneCandidates(found.objects, desired), { stackId });
      deletes = [...plan.deletes];
      for (const x of plan.releases) {
        const { after } = await release(kube, x.object, fieldManager, parent.id, stackId, true);
        releases.push({ before: x.object, after: after ?? x.object });
      }
    }
    const sides = await liveSides(kube, desired, { fieldManager, stackId: s.stackId, pruneCandidates: deletes, releases });
    before.push(...sides.before);
    after.push(...sides.after);
  }
  return diffObjects(before, after, { ignore: opts.ignore });
}
