import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectRef, type KubeObject, type StackManifest } from '../model/kube-object.js';
import { applyObserved } from '../clusterapply/apply-object.js';
import { groupKind, parentObject, stackApplySet } from '../clusterapply/applyset.js';
import { deepEqual } from '../clusterapply/deep-equal.js';
import { FIELD_MANAGER } from '../clusterapply/field-manager.js';
import { normalizeLive } from '../clusterapply/normalize.js';
import { ownedObjects, pruneCandidates, readParent } from '../clusterapply/owned-objects.js';
import { conflictsOf, type FieldConflict } from './conflicts.js';
import { applyStages, deleteStages, stageOf } from './order.js';
import { mapBounded } from './pool.js';
import { preflight } from './preflight.js';
import { waitForModels } from './wait.js';
import { MESSAGES, objectData } from '../io/messages.js';

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

export { stackNameOf } from '../clusterapply/applyset.js';

/**
 * Applies stacks with server-side apply (field manager "modelstack"), stage by stage: CRDs,
 * namespaces, RBAC and config, operators, other objects, models. Every object gets the
 * stack's ApplySet mark, and the parent records the kinds first, so an interrupted run is
 * finished (and its leftovers pruned) by the next one.
 */
export async function apply(kube: KubeApi, stacks: readonly StackManifest[], opts: ApplyOptions, io: IoHost): Promise<ApplyResult> {
  const all = stacks.flatMap((s) => s.objects);
  if (!opts.skipPreflight) await preflight(kube, all);
  const results: StackApplyResult[] = [];
  for (const s of stacks) results.push(await applyStack(kube, s, opts, io));
  if (opts.waitMs !== undefined && !opts.dryRun) {
    io.notify(
      MESSAGES.WAIT_START.make('waiting for models to be ready', { models: all.filter((o) => stageOf(o) === 'models').length, timeoutMs: opts.waitMs }),
    );
    await waitForModels(kube, all, { timeoutMs: opts.waitMs }, io);
  }
  return { dryRun: opts.dryRun ?? false, stacks: results };
}

async function applyStack(kube: KubeApi, s: StackManifest, opts: ApplyOptions, io: IoHost): Promise<StackApplyResult> {
  const { stack, parent, desired } = stackApplySet(s, opts.applySetNamespace);
  const parentLive = await readParent(kube, parent);
  const existingKinds = parentLive?.metadata.annotations?.['applyset.kubernetes.io/contains-group-kinds'];
  const currentKinds = desired.map(groupKind);

  // Widen the parent's record before writing members, so a crash leaves nothing unfindable.
  if (!opts.dryRun) {
    const kinds = new Set([...currentKinds, ...(existingKinds ? existingKinds.split(',') : [])]);
    await kube.apply(parentObject(parent, stack, kinds), { fieldManager: FIELD_MANAGER, force: true });
  }

  const outcomes: ObjectOutcome[] = [];
  for (const stage of applyStages(desired)) {
    const settled = await mapBounded(stage.objects, opts.concurrency ?? 4, (o) => applyOne(kube, o, opts));
    const conflicts: FieldConflict[] = [];
    const errors: unknown[] = [];
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        outcomes.push(r.value);
        const data = {
          ...objectData(stage.objects[i]!, stack),
          action: r.value.action as 'created' | 'configured' | 'unchanged',
          dryRun: opts.dryRun ?? false,
        };
        io.notify(MESSAGES.APPLIED.make(`${r.value.ref} ${r.value.action}${opts.dryRun ? ' (dry run)' : ''}`, data));
        return;
      }
      const c = conflictsOf(r.reason, objectRef(stage.objects[i]!));
      if (c) conflicts.push(...c);
      else errors.push(r.reason);
    });
    if (conflicts.length > 0) {
      throw new ModelstackError(
        'CONFLICT',
        `${conflicts.length} field(s) are managed by another field manager; nothing after stage "${stage.stage}" was applied`,
        {
          details: conflicts.map((c) => `${c.object}: ${c.field} is managed by "${c.manager}"`),
          hint: "remove the other manager's change, or take the fields over with --force-conflicts",
        },
      );
    }
    if (errors.length > 0) throw errors[0];
    if (stage.stage === 'crds') kube.resetDiscovery();
  }

  if (opts.prune) {
    const owned = await ownedObjects(kube, parent, parentLive, currentKinds);
    const doomed = pruneCandidates(owned, desired);
    for (const o of doomed) {
      io.notify(
        MESSAGES.PRUNE.make(`will delete ${objectRef(o)} (owned by stack ${stack}, no longer in the synth)`, {
          ...objectData(o, stack),
          dryRun: opts.dryRun ?? false,
        }),
      );
    }
    for (const st of deleteStages(doomed)) {
      for (const o of st.objects) {
        if (!opts.dryRun) await kube.delete(o);
        outcomes.push({ ref: objectRef(o), action: 'pruned' });
      }
    }
    if (!opts.dryRun) await kube.apply(parentObject(parent, stack, currentKinds), { fieldManager: FIELD_MANAGER, force: true });
  }
  return { stack, outcomes };
}

async function applyOne(kube: KubeApi, o: KubeObject, opts: ApplyOptions): Promise<ObjectOutcome> {
  const { before, after } = await applyObserved(kube, o, { fieldManager: FIELD_MANAGER, force: opts.forceConflicts, dryRun: opts.dryRun });
  const rv = (x: KubeObject | undefined): unknown => x?.metadata && (x.metadata as { resourceVersion?: string }).resourceVersion;
  let action: ObjectAction;
  if (!before || !after) action = 'created';
  // A dry run keeps the resourceVersion: compare the content without what the server owns.
  else if (opts.dryRun) action = deepEqual(normalizeLive(before), normalizeLive(after)) ? 'unchanged' : 'configured';
  else action = rv(before) === rv(after) ? 'unchanged' : 'configured';
  return { ref: objectRef(o), action };
}
