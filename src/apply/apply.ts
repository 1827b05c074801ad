import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectKey, objectRef, type KubeObject, type StackManifest } from '../model/kube-object.js';
import { applyObserved } from '../clusterapply/apply-object.js';
import { discoverAhead, readLive } from '../clusterapply/live-objects.js';
import { unchangedByApply, withAppliedHash } from '../clusterapply/applied-config.js';
import { APPLYSET_GROUP_KINDS, APPLYSET_PART_OF, groupKind, parentObject, parseGroupKinds } from '../clusterapply/applyset.js';
import { deepEqual } from '../clusterapply/deep-equal.js';
import { fieldManagerFor, LEGACY_FIELD_MANAGER } from '../clusterapply/field-manager.js';
import { normalizeLive } from '../clusterapply/normalize.js';
import { findOwned, pruneCandidates, readParent } from '../clusterapply/owned-objects.js';
import { parentStanding } from '../clusterapply/ownership.js';
import { planRemoval } from '../clusterapply/removal-plan.js';
import { leaseRef, type StackLock } from '../clusterapply/stack-lock.js';
import { conflictsOf, describeManager, type FieldConflict } from './conflicts.js';
import { lockStacks, type LockingOptions, resolveStacks, type ResolvedStack, unlockAll } from './stack-run.js';
import { massDeleteGuard } from './mass-delete.js';
import { applyStages, stageOf } from './order.js';
import type { ObjectAction, ObjectOutcome } from './outcome.js';
import { contentsOf, deleteAll, releaseAll } from './removal.js';
import { mapBounded } from '../util/map-bounded.js';
import { preflight, type RuntimeToInstall } from './preflight.js';
import { dependsOnRuntime, describeInstall } from './operator-installs.js';
import { DEFAULT_OPERATOR_TIMEOUT_MS, waitForOperators } from './wait-operators.js';
import { referencePreflight } from './reference-preflight.js';
import { waitForModels } from './wait.js';
import { waitForDownloads } from './wait-downloads.js';
import { MESSAGES, objectData } from '../io/messages.js';

export interface ApplyOptions extends LockingOptions {
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
  /**
   * Let a prune delete every object of a stack, or more than half of a stack of 3 or more
   * owned objects (see mass-delete.ts). @default false
   */
  readonly allowMassDelete?: boolean;
  /**
   * When the stack installs a runtime its models need (a Flux HelmRelease or Argo CD
   * Application of the operator's chart, or its CRDs and operator Deployment) and the runtime
   * is not ready yet: how long apply waits, after applying everything but the runtime's
   * objects, for the runtime to be installed and healthy before applying its models.
   * @default 600000 (10 minutes)
   */
  readonly operatorTimeoutMs?: number;
}

export type { ObjectAction, ObjectOutcome } from './outcome.js';

export interface StackApplyResult {
  readonly stack: string;
  readonly outcomes: readonly ObjectOutcome[];
  /**
   * Dry run only: objects of a runtime the stack installs whose kind the cluster does not serve
   * yet, so the server could not check them (`Kind namespace/name`). A real apply waits for
   * the runtime and applies them.
   */
  readonly deferred?: readonly string[];
}

export interface ApplyResult {
  readonly dryRun: boolean;
  readonly stacks: readonly StackApplyResult[];
}

export { stackNameOf } from '../clusterapply/applyset.js';

/**
 * Applies stacks with server-side apply (field manager "modelstack/<stack>"), stage by stage:
 * CRDs, namespaces, RBAC and config, operators, other objects, models. Each stack needs its
 * stackId, which the ApplySet parent records; the stack's lock is held while it is written.
 * Every object gets the stack's ApplySet mark (and, when the apply creates it, the created-by
 * record), and the parent records the kinds first, so an interrupted run is finished (and its
 * leftovers pruned) by the next one. Prune deletes only what the stack created, releases what it
 * adopted, and refuses a mass deletion unless allowed.
 */
export async function apply(kube: KubeApi, stacks: readonly StackManifest[], opts: ApplyOptions, io: IoHost): Promise<ApplyResult> {
  const resolved = resolveStacks(stacks, opts.applySetNamespace, 'apply');
  const all = stacks.flatMap((s) => s.objects);
  // The lock, the parent and every kind of the stacks: discovered at once, not one step at a time.
  discoverAhead(kube, [...resolved.flatMap((r) => [leaseRef(r.parent), parentObject(r.parent, r.stack, [])]), ...all]);
  let toInstall: readonly RuntimeToInstall[] = [];
  if (!opts.skipPreflight) {
    toInstall = (await preflight(kube, all)).toInstall;
    await referencePreflight(kube, all);
  }
  const results: StackApplyResult[] = [];
  const locks = opts.dryRun ? new Map<string, StackLock>() : await lockStacks(kube, resolved, opts, 'apply', io);
  try {
    if (toInstall.length === 0) {
      for (const r of resolved) results.push(await applyStack(kube, r, locks.get(r.stack), opts, io));
    } else {
      results.push(...(await bootstrapStacks(kube, resolved, locks, toInstall, opts, io)));
    }
  } finally {
    await unlockAll(locks);
  }
  if (opts.waitMs !== undefined && !opts.dryRun) {
    // Downloads first: the models that use a cache start only once its weights are in.
    const deadline = Date.now() + opts.waitMs;
    await waitForDownloads(kube, all, { timeoutMs: opts.waitMs }, io);
    io.notify(
      MESSAGES.WAIT_START.make('waiting for models to be ready', { models: all.filter((o) => stageOf(o) === 'models').length, timeoutMs: opts.waitMs }),
    );
    await waitForModels(kube, all, { timeoutMs: Math.max(0, deadline - Date.now()) }, io);
  }
  return { dryRun: opts.dryRun ?? false, stacks: results };
}

/**
 * The first apply of a stack that installs runtimes its models need: every stack's objects
 * except those of the runtimes being installed (their models, and other kinds of their CRDs'
 * groups) are applied first, stage by stage (CRDs, namespaces, config, operators and their
 * HelmRelease/Application, other); then apply waits for the runtimes; then the rest, and
 * prune last. A dry run cannot install anything: it lists the stages, checks the runtime's
 * objects with the server where their kinds are already served, and reports the others as
 * deferred.
 */
async function bootstrapStacks(
  kube: KubeApi,
  resolved: readonly ResolvedStack[],
  locks: ReadonlyMap<string, StackLock>,
  toInstall: readonly RuntimeToInstall[],
  opts: ApplyOptions,
  io: IoHost,
): Promise<StackApplyResult[]> {
  const timeoutMs = opts.operatorTimeoutMs ?? DEFAULT_OPERATOR_TIMEOUT_MS;
  const later = (o: KubeObject): boolean => toInstall.some((rt) => dependsOnRuntime(o, rt.info));
  // Kinds the cluster does not serve yet cannot be checked in a dry run (nothing is installed).
  const unchecked = (o: KubeObject): boolean => opts.dryRun === true && toInstall.some((rt) => rt.status.installed !== true && dependsOnRuntime(o, rt.info));
  const deferred = resolved.flatMap((r) => r.desired.filter(later));
  const runtimes = toInstall.map((rt) => rt.info.id);
  const installs = toInstall.map((rt) => `${rt.info.displayName} by ${rt.installs.map(describeInstall).join(', ')}`);
  const data = { runtimes, deferred: deferred.map(objectRef), timeoutMs };
  io.notify(
    MESSAGES.BOOTSTRAP.make(
      opts.dryRun
        ? `dry run: this stack installs ${installs.join('; ')}; apply would 1) apply everything else, operators and their installs included, 2) wait up to ${Math.round(timeoutMs / 1000)}s for ${runtimes.join(', ')} to be installed and healthy, 3) apply ${deferred.map(objectRef).join(', ')}`
        : `this stack installs ${installs.join('; ')}, not ready yet: applying the operators and their installs first, then waiting up to ${Math.round(timeoutMs / 1000)}s for them, then applying ${deferred.length} object(s) that need them`,
      { step: opts.dryRun ? 'dry-run' : 'operators-first', ...data },
    ),
  );
  const runs: StackRun[] = [];
  for (const r of resolved) {
    const run = await beginStack(kube, r, locks.get(r.stack), opts, io);
    await applyObjects(
      kube,
      run,
      r.desired.filter((o) => !later(o)),
      opts,
      io,
    );
    runs.push(run);
  }
  if (!opts.dryRun) {
    await waitForOperators(kube, toInstall, { timeoutMs }, io);
    // The runtimes' kinds are served now: forget what discovery said before.
    kube.resetDiscovery();
    io.notify(MESSAGES.BOOTSTRAP.make(`${runtimes.join(', ')} ready: applying the objects that need them`, { step: 'models', ...data }));
  }
  const results: StackApplyResult[] = [];
  for (const run of runs) {
    await applyObjects(
      kube,
      run,
      run.r.desired.filter((o) => later(o) && !unchecked(o)),
      opts,
      io,
    );
    await finishStack(kube, run, opts, io);
    const notChecked = run.r.desired.filter(unchecked).map(objectRef);
    results.push({ stack: run.r.stack, outcomes: run.outcomes, ...(opts.dryRun ? { deferred: notChecked } : {}) });
  }
  return results;
}

/** One stack's apply in progress: what beginStack found, and the outcomes so far. */
interface StackRun {
  readonly r: ResolvedStack;
  readonly lock: StackLock | undefined;
  readonly search: Awaited<ReturnType<typeof findOwned>> | undefined;
  readonly currentKinds: readonly string[];
  readonly outcomes: ObjectOutcome[];
}

async function applyStack(kube: KubeApi, r: ResolvedStack, lock: StackLock | undefined, opts: ApplyOptions, io: IoHost): Promise<StackApplyResult> {
  const run = await beginStack(kube, r, lock, opts, io);
  await applyObjects(kube, run, r.desired, opts, io);
  await finishStack(kube, run, opts, io);
  return { stack: r.stack, outcomes: run.outcomes };
}

/** Reads the stack's ApplySet parent, searches for owned objects when needed, widens the parent's record. */
async function beginStack(kube: KubeApi, r: ResolvedStack, lock: StackLock | undefined, opts: ApplyOptions, io: IoHost): Promise<StackRun> {
  const { stack, parent, desired, stackId } = r;
  const fieldManager = fieldManagerFor(stack);
  const parentLive = await readParent(kube, parent);
  const standing = parentStanding(parentLive, parent, stack, stackId, 'apply');
  const parentRef = `ConfigMap ${parent.namespace}/${parent.name}`;
  if (standing === 'unclaimed') {
    io.notify(
      MESSAGES.OWNERSHIP_NOTE.make(`stack ${stack}: its ApplySet parent ${parentRef} records no stack id yet; it is recorded as "${stackId}" now`, {
        stack,
        parent: parentRef,
      }),
    );
  }
  const recordedKinds = parseGroupKinds(parentLive?.metadata.annotations?.[APPLYSET_GROUP_KINDS]);
  const currentKinds = desired.map(groupKind);

  // A missing parent (deleted by hand) and every prune search all kinds for objects marked as
  // this stack's, so a lost record never leaves owned objects unfindable. Not on the stack's first
  // apply to this cluster (no parent, and its lease did not exist either: nothing can be marked as
  // its own yet), which would otherwise list every kind the cluster serves; prune and destroy
  // always search, so objects of a record lost together with the lease are still found there.
  const firstApply = standing === 'new' && lock?.createdLease === true;
  const search = (standing === 'new' && !firstApply) || opts.prune ? await findOwned(kube, parent, parentLive, currentKinds, { everywhere: true }) : undefined;
  if (search && search.unrecorded.length > 0) {
    const count = search.objects.filter((o) => search.unrecorded.includes(groupKind(o))).length;
    io.notify(
      MESSAGES.OWNERSHIP_NOTE.make(
        `stack ${stack}: found ${count} object(s) marked as the stack's in kinds its ApplySet parent ${parentRef} ${parentLive ? 'does not record' : 'would record (the parent was missing)'}: ${search.unrecorded.join(', ')}; ${opts.dryRun ? 'apply would repair the record' : 'the record is repaired'}`,
        { stack, parent: parentRef },
      ),
    );
  }

  if (search && search.unsearchable.length > 0 && opts.prune) {
    io.notify(
      MESSAGES.OWNERSHIP_NOTE.make(
        `stack ${stack}: could not search ${search.unsearchable.join(', ')} for objects marked as the stack's (listing them was refused); the stack never recorded those kinds, so prune only looks where it did`,
        { stack, parent: parentRef },
      ),
    );
  }

  // Widen the parent's record before writing members, so a crash leaves nothing unfindable (not
  // sent when the parent already is what this apply would make it).
  if (!opts.dryRun) {
    const kinds = new Set([...currentKinds, ...recordedKinds, ...(search?.unrecorded ?? [])]);
    const body = withAppliedHash(parentObject(parent, stack, kinds, stackId));
    if (!unchangedByApply(body, parentLive, fieldManager)) await kube.apply(body, { fieldManager, force: true });
  }

  return { r, lock, search, currentKinds, outcomes: [] };
}

/** Applies `objects` of the stack stage by stage, adding to the run's outcomes. */
async function applyObjects(kube: KubeApi, run: StackRun, objects: readonly KubeObject[], opts: ApplyOptions, io: IoHost): Promise<void> {
  const { r, lock, outcomes } = run;
  const { stack } = r;
  const stages = applyStages(objects);
  // The live state of every stage's objects in one go (a LIST per kind and namespace, all at
  // once): what an earlier stage writes (namespaces, config) does not change a later stage's
  // objects. Not when CRDs come first: a version they add makes existing objects readable only
  // after them, so each stage is read when it comes.
  const upfront = stages.some((s) => s.stage === 'crds') ? undefined : await readLive(kube, objects);
  for (const stage of stages) {
    lock?.assertHeld();
    const live = upfront ?? (await readLive(kube, stage.objects));
    const settled = await mapBounded(stage.objects, opts.concurrency ?? 4, (o) => applyOne(kube, o, r, { before: live.get(objectKey(o)) }, opts, io));
    const conflicts: FieldConflict[] = [];
    const errors: unknown[] = [];
    settled.forEach((res, i) => {
      if (res.status === 'fulfilled') {
        outcomes.push(res.value);
        const data = {
          ...objectData(stage.objects[i]!, stack),
          action: res.value.action as 'created' | 'adopted' | 'configured' | 'unchanged',
          dryRun: opts.dryRun ?? false,
        };
        const adopted = res.value.action === 'adopted' ? ' (it existed before: the stack manages it now but will release, never delete, it)' : '';
        io.notify(MESSAGES.APPLIED.make(`${res.value.ref} ${res.value.action}${adopted}${opts.dryRun ? ' (dry run)' : ''}`, data));
        return;
      }
      const c = conflictsOf(res.reason, objectRef(stage.objects[i]!));
      if (c) conflicts.push(...c);
      else errors.push(res.reason);
    });
    if (conflicts.length > 0) {
      throw new ModelstackError(
        'CONFLICT',
        `${conflicts.length} field(s) are managed by another field manager; nothing after stage "${stage.stage}" was applied`,
        {
          details: conflicts.map((c) => `${c.object}: ${c.field} is managed by ${describeManager(c.manager)}`),
          hint: conflicts.some((c) => describeManager(c.manager).startsWith('stack'))
            ? 'two stacks render the same object: keep it in one of them (or take the fields over with --force-conflicts)'
            : "remove the other manager's change, or take the fields over with --force-conflicts",
        },
      );
    }
    if (errors.length > 0) throw errors[0];
    if (stage.stage === 'crds') kube.resetDiscovery();
  }
}

/** Prune (when asked), then the parent's record narrowed to the current kinds. */
async function finishStack(kube: KubeApi, run: StackRun, opts: ApplyOptions, io: IoHost): Promise<void> {
  const { r, lock, search, currentKinds, outcomes } = run;
  const { stack, parent, desired, stackId } = r;
  const fieldManager = fieldManagerFor(stack);
  if (opts.prune) {
    const owned = search!.objects;
    const leaving = pruneCandidates(owned, desired);
    massDeleteGuard(stack, leaving, owned, opts.allowMassDelete ?? false);
    const plan = await planRemoval(kube, leaving, { stackId, ignore: new Set([objectKey(parentObject(parent, stack, []))]) });
    lock?.assertHeld();
    const inside = contentsOf(plan);
    // Every deletion is listed before the first one is made.
    for (const o of plan.deletes) {
      const contents = inside(o);
      io.notify(
        MESSAGES.PRUNE.make(
          `${opts.dryRun ? 'would delete' : 'deleting'} ${objectRef(o)}${contents ? ` and everything in it (${contents})` : ''} (created by stack ${stack}, no longer in the synth)`,
          { ...objectData(o, stack), dryRun: opts.dryRun ?? false, ...(contents ? { namespaceContents: contents } : {}) },
        ),
      );
    }
    const run = { kube, r, dryRun: opts.dryRun ?? false, io, ...(lock ? { lock } : {}) };
    outcomes.push(...(await deleteAll(run, plan)), ...(await releaseAll(run, plan)));
    if (!opts.dryRun) await kube.apply(withAppliedHash(parentObject(parent, stack, currentKinds, stackId)), { fieldManager, force: true });
  }
}

async function applyOne(
  kube: KubeApi,
  o: KubeObject,
  r: ResolvedStack,
  live: { readonly before?: KubeObject },
  opts: ApplyOptions,
  io: IoHost,
): Promise<ObjectOutcome> {
  const fieldManager = fieldManagerFor(r.stack);
  let observed;
  try {
    observed = await applyObserved(kube, o, {
      fieldManager,
      force: opts.forceConflicts,
      // --force-conflicts takes fields over even where the values already match: always sent.
      always: opts.forceConflicts,
      dryRun: opts.dryRun,
      stackId: r.stackId,
      live,
    });
  } catch (e) {
    // Fields held only by modelstack 0.1's shared manager are this stack's own: take them over.
    const c = conflictsOf(e, objectRef(o));
    if (!c || !c.every((x) => x.manager === LEGACY_FIELD_MANAGER)) throw e;
    observed = await applyObserved(kube, o, { fieldManager, force: true, always: true, dryRun: opts.dryRun, stackId: r.stackId });
    io.notify(MESSAGES.DEBUG.make(`${objectRef(o)}: took over ${c.length} field(s) from the pre-0.2 field manager "${LEGACY_FIELD_MANAGER}"`, {}));
  }
  const { before, after } = observed;
  const rv = (x: KubeObject | undefined): unknown => x?.metadata && (x.metadata as { resourceVersion?: string }).resourceVersion;
  let action: ObjectAction;
  if (!before || !after) action = 'created';
  else if (before.metadata.labels?.[APPLYSET_PART_OF] !== r.parent.id) action = 'adopted';
  // A dry run keeps the resourceVersion: compare the content without what the server owns.
  else if (opts.dryRun) action = deepEqual(normalizeLive(before), normalizeLive(after)) ? 'unchanged' : 'configured';
  else action = rv(before) === rv(after) ? 'unchanged' : 'configured';
  return { ref: objectRef(o), action };
}
