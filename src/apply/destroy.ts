import { ModelstackError } from '../errors.js';
import { ask, type IoHost } from '../io/io-host.js';
import type { KubeApi } from '../kube/kube-api.js';
import { type KubeObject, objectKey, objectRef, type StackManifest } from '../model/kube-object.js';
import { groupKind, parentObject } from '../clusterapply/applyset.js';
import { describeCounts } from '../clusterapply/namespace-contents.js';
import { findOwned, readParent } from '../clusterapply/owned-objects.js';
import { parentStanding } from '../clusterapply/ownership.js';
import { planRemoval, type RemovalPlan } from '../clusterapply/removal-plan.js';
import { leaseRef, type StackLock } from '../clusterapply/stack-lock.js';
import type { StackApplyResult } from './apply.js';
import { deleteStages } from './order.js';
import { contentsOf, deleteAll, releaseAll } from './removal.js';
import { lockStacks, type LockingOptions, resolveStacks, type ResolvedStack, unlockAll } from './stack-run.js';
import { type DestroyPlanData, MESSAGES, objectData } from '../io/messages.js';

export interface DestroyOptions extends LockingOptions {
  readonly dryRun?: boolean;
  readonly applySetNamespace?: string;
  /** Delete without asking (scripts, CI). Without it the IoHost is asked, and a host that cannot ask refuses. @default false */
  readonly yes?: boolean;
}

interface StackPlan {
  readonly r: ResolvedStack;
  readonly parentLive?: KubeObject;
  readonly plan: RemovalPlan;
}

/**
 * Takes stacks out of the cluster. Finds what each owns by its ApplySet mark in every kind the
 * cluster serves (never by name alone), then deletes only what the stack created (models first,
 * namespaces and CRDs last), releases what it adopted, and keeps every namespace that holds
 * something the stack does not own. The whole plan is shown (DESTROY_CONFIRM) and confirmed
 * before the first deletion, unless `yes`.
 */
export async function destroy(kube: KubeApi, stacks: readonly StackManifest[], opts: DestroyOptions, io: IoHost): Promise<StackApplyResult[]> {
  const resolved = resolveStacks(stacks, opts.applySetNamespace, 'destroy');
  const locks = opts.dryRun ? new Map<string, StackLock>() : await lockStacks(kube, resolved, opts, 'destroy', io);
  try {
    const plans: StackPlan[] = [];
    for (const r of resolved) plans.push(await planStack(kube, r));
    const data = planData(plans);
    const nothing = plans.every((p) => p.plan.deletes.length === 0 && p.plan.releases.length === 0);
    const text = describePlan(data, opts.dryRun ?? false);
    if (opts.dryRun || nothing || opts.yes) {
      io.notify({ ...MESSAGES.DESTROY_CONFIRM.make(text, data), level: 'info' });
    } else if (!(await ask(io, MESSAGES.DESTROY_CONFIRM.request(text, data, false)))) {
      throw new ModelstackError('CONFIRMATION', 'destroy was not confirmed; nothing was deleted', {
        hint: 'run it on a terminal to answer, or pass --yes (for scripts) after reading the list above',
        exitCode: 1,
      });
    }
    const results: StackApplyResult[] = [];
    for (const p of plans) results.push(await execute(kube, p, locks.get(p.r.stack), opts, io));
    return results;
  } finally {
    await unlockAll(locks);
  }
}

async function planStack(kube: KubeApi, r: ResolvedStack): Promise<StackPlan> {
  const parentLive = await readParent(kube, r.parent);
  parentStanding(parentLive, r.parent, r.stack, r.stackId, 'destroy');
  const found = await findOwned(kube, r.parent, parentLive, r.desired.map(groupKind), { everywhere: true });
  const ignore = new Set([objectKey(parentObject(r.parent, r.stack, [])), objectKey(leaseRef(r.parent))]);
  return { r, parentLive, plan: await planRemoval(kube, found.objects, { stackId: r.stackId, ignore }) };
}

function planData(plans: readonly StackPlan[]): DestroyPlanData {
  return {
    stacks: plans.map(({ r, plan }) => ({
      stack: r.stack,
      deletes: deleteStages(plan.deletes).flatMap((st) => st.objects.map(objectRef)),
      releases: plan.releases.map((x) => ({ ref: objectRef(x.object), reason: x.reason })),
      namespaces: plan.namespaces.map((c) => ({ namespace: c.namespace, contents: describeCounts(c.counts) })),
    })),
  };
}

/** The plan as a reader checks it: every deletion (namespaces with what is in them), then every release. */
export function describePlan(data: DestroyPlanData, dryRun: boolean): string {
  const lines: string[] = [];
  for (const s of data.stacks) {
    const contents = new Map(s.namespaces.map((n) => [n.namespace, n.contents]));
    lines.push(`stack ${s.stack}: ${dryRun ? 'would delete' : 'will delete'} ${s.deletes.length} object(s), release ${s.releases.length}`);
    for (const ref of s.deletes) {
      const ns = ref.startsWith('Namespace ') ? contents.get(ref.slice('Namespace '.length)) : undefined;
      lines.push(`  delete  ${ref}${ns !== undefined ? `  AND EVERYTHING IN IT: ${ns}` : ''}`);
    }
    for (const x of s.releases) lines.push(`  keep    ${x.ref}  (released: ${x.reason})`);
  }
  return lines.join('\n');
}

async function execute(kube: KubeApi, p: StackPlan, lock: StackLock | undefined, opts: DestroyOptions, io: IoHost): Promise<StackApplyResult> {
  const { r, plan } = p;
  const stack = r.stack;
  const dryRun = opts.dryRun ?? false;
  const inside = contentsOf(plan);
  const run = { kube, r, dryRun, io, ...(lock ? { lock } : {}) };
  const deleted = await deleteAll(run, plan, (o) => {
    const contents = inside(o);
    io.notify(
      MESSAGES.DELETE.make(`deleting ${objectRef(o)}${contents ? ` and everything in it (${contents})` : ''}${dryRun ? ' (dry run)' : ''}`, {
        ...objectData(o, stack),
        dryRun,
        ...(contents ? { namespaceContents: contents } : {}),
      }),
    );
  });
  const outcomes = [...deleted, ...(await releaseAll(run, plan))];
  if (!opts.dryRun) {
    if (p.parentLive) await kube.delete(p.parentLive);
    if (lock) await lock.releaseDeleting();
    else await kube.delete(leaseRef(r.parent)).catch(() => false);
  }
  return { stack, outcomes };
}
