import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import type { KubeClient } from '../kube/kube-client.js';
import { objectRef, type KubeObject, type StackManifest } from '../model/kube-object.js';
import { groupKind, parentObject, stackApplySet } from './applyset.js';
import { conflictsOf, type FieldConflict } from './conflicts.js';
import { applyStages, deleteStages } from './order.js';
import { applyObserved } from './apply-object.js';
import { deepEqual } from '../diff/deep-equal.js';
import { normalizeLive } from '../diff/normalize.js';
import { ownedObjects, pruneCandidates, readParent } from './owned-objects.js';
import { mapBounded } from './pool.js';
import { preflight } from './preflight.js';
import { waitForModels } from './wait.js';

export const FIELD_MANAGER = 'modelstack';

export interface ApplyOptions {
  readonly dryRun?: boolean;
  readonly forceConflicts?: boolean;
  readonly prune?: boolean;
  readonly skipPreflight?: boolean;
  /** Wait for models to be Ready, up to this many milliseconds. */
  readonly waitMs?: number;
  /** Requests in flight at once within a stage. @default 4 */
  readonly concurrency?: number;
  /** Namespace of each stack's ApplySet parent ConfigMap. @default "default" */
  readonly applySetNamespace?: string;
}

export type ObjectAction = 'created' | 'configured' | 'unchanged' | 'pruned';

export interface ObjectOutcome {
  readonly ref: string;
  readonly action: ObjectAction;
}

export interface StackApplyResult {
  readonly stack: string;
  readonly outcomes: readonly ObjectOutcome[];
}

export interface ApplyResult {
  readonly dryRun: boolean;
  readonly stacks: readonly StackApplyResult[];
}

export { stackNameOf } from './applyset.js';

/**
 * Applies stacks with server-side apply (field manager "modelstack"), stage by stage: CRDs,
 * namespaces, RBAC and config, operators, other objects, models. Every object gets the
 * stack's ApplySet mark, and the parent records the kinds first, so an interrupted run is
 * finished (and its leftovers pruned) by the next one.
 */
export async function apply(client: KubeClient, stacks: readonly StackManifest[], opts: ApplyOptions, io: IoHost): Promise<ApplyResult> {
  const all = stacks.flatMap((s) => s.objects);
  if (!opts.skipPreflight) await preflight(client, all);
  const results: StackApplyResult[] = [];
  for (const s of stacks) results.push(await applyStack(client, s, opts, io));
  if (opts.waitMs !== undefined && !opts.dryRun) {
    io.notify({ level: 'info', message: 'waiting for models to be ready' });
    await waitForModels(client, all, { timeoutMs: opts.waitMs }, io);
  }
  return { dryRun: opts.dryRun ?? false, stacks: results };
}

async function applyStack(client: KubeClient, s: StackManifest, opts: ApplyOptions, io: IoHost): Promise<StackApplyResult> {
  const { stack, parent, desired } = stackApplySet(s, opts.applySetNamespace);
  const parentLive = await readParent(client, parent);
  const existingKinds = parentLive?.metadata.annotations?.['applyset.kubernetes.io/contains-group-kinds'];
  const currentKinds = desired.map(groupKind);

  // Widen the parent's record before writing members, so a crash leaves nothing unfindable.
  if (!opts.dryRun) {
    const kinds = new Set([...currentKinds, ...(existingKinds ? existingKinds.split(',') : [])]);
    await client.apply(parentObject(parent, stack, kinds), { fieldManager: FIELD_MANAGER, force: true });
  }

  const outcomes: ObjectOutcome[] = [];
  for (const stage of applyStages(desired)) {
    const settled = await mapBounded(stage.objects, opts.concurrency ?? 4, (o) => applyOne(client, o, opts));
    const conflicts: FieldConflict[] = [];
    const errors: unknown[] = [];
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        outcomes.push(r.value);
        io.notify({ level: 'info', code: 'APPLIED', message: `${r.value.ref} ${r.value.action}${opts.dryRun ? ' (dry run)' : ''}` });
        return;
      }
      const c = conflictsOf(r.reason, objectRef(stage.objects[i]!));
      if (c) conflicts.push(...c);
      else errors.push(r.reason);
    });
    if (conflicts.length > 0) {
      throw new ModelstackError('CONFLICT', `${conflicts.length} field(s) are managed by another field manager; nothing after stage "${stage.stage}" was applied`, {
        details: conflicts.map((c) => `${c.object}: ${c.field} is managed by "${c.manager}"`),
        hint: 'remove the other manager\'s change, or take the fields over with --force-conflicts',
      });
    }
    if (errors.length > 0) throw errors[0];
    if (stage.stage === 'crds') client.resetDiscovery();
  }

  if (opts.prune) {
    const owned = await ownedObjects(client, parent, parentLive, currentKinds);
    const doomed = pruneCandidates(owned, desired);
    for (const o of doomed) io.notify({ level: 'warn', code: 'PRUNE', message: `will delete ${objectRef(o)} (owned by stack ${stack}, no longer in the synth)` });
    for (const st of deleteStages(doomed)) {
      for (const o of st.objects) {
        if (!opts.dryRun) await client.delete(o);
        outcomes.push({ ref: objectRef(o), action: 'pruned' });
      }
    }
    if (!opts.dryRun) await client.apply(parentObject(parent, stack, currentKinds), { fieldManager: FIELD_MANAGER, force: true });
  }
  return { stack, outcomes };
}

async function applyOne(client: KubeClient, o: KubeObject, opts: ApplyOptions): Promise<ObjectOutcome> {
  const { before, after } = await applyObserved(client, o, { fieldManager: FIELD_MANAGER, force: opts.forceConflicts, dryRun: opts.dryRun });
  const rv = (x: KubeObject | undefined): unknown => x?.metadata && (x.metadata as { resourceVersion?: string }).resourceVersion;
  let action: ObjectAction;
  if (!before || !after) action = 'created';
  // A dry run keeps the resourceVersion: compare the content without what the server owns.
  else if (opts.dryRun) action = deepEqual(normalizeLive(before), normalizeLive(after)) ? 'unchanged' : 'configured';
  else action = rv(before) === rv(after) ? 'unchanged' : 'configured';
  return { ref: objectRef(o), action };
}
