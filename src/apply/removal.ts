import type { IoHost } from '../io/io-host.js';
import { MESSAGES, objectData } from '../io/messages.js';
import type { KubeApi } from '../kube/kube-api.js';
import { type KubeObject, objectRef } from '../model/kube-object.js';
import { fieldManagerFor } from '../clusterapply/field-manager.js';
import { describeCounts } from '../clusterapply/namespace-contents.js';
import { release } from '../clusterapply/release.js';
import type { RemovalPlan } from '../clusterapply/removal-plan.js';
import type { StackLock } from '../clusterapply/stack-lock.js';
import type { ObjectOutcome } from './outcome.js';
import { deleteStages } from './order.js';
import type { ResolvedStack } from './stack-run.js';

/** What prune and destroy share when they carry out a removal plan. */
export interface RemovalRun {
  readonly kube: KubeApi;
  readonly r: ResolvedStack;
  readonly dryRun: boolean;
  readonly io: IoHost;
  readonly lock?: StackLock;
}

/** For a Namespace the plan deletes, what is in it (`3 Pod, 1 Secret`); undefined for anything else. */
export function contentsOf(plan: RemovalPlan): (o: KubeObject) => string | undefined {
  const contents = new Map(plan.namespaces.map((c) => [c.namespace, describeCounts(c.counts)]));
  return (o) => (o.kind === 'Namespace' ? contents.get(o.metadata.name ?? '') : undefined);
}

/** Deletes the plan's deletions, models first and CRDs last; `before` runs ahead of each one. */
export async function deleteAll(run: RemovalRun, plan: RemovalPlan, before?: (o: KubeObject) => void): Promise<ObjectOutcome[]> {
  const outcomes: ObjectOutcome[] = [];
  for (const st of deleteStages(plan.deletes)) {
    for (const o of st.objects) {
      run.lock?.assertHeld();
      before?.(o);
      if (!run.dryRun) await run.kube.delete(o);
      outcomes.push({ ref: objectRef(o), action: 'pruned' });
    }
  }
  return outcomes;
}

/** Releases the plan's releases (see release.ts), each with a RELEASE message saying why. */
export async function releaseAll(run: RemovalRun, plan: RemovalPlan): Promise<ObjectOutcome[]> {
  const { r, dryRun } = run;
  const outcomes: ObjectOutcome[] = [];
  for (const { object, reason } of plan.releases) {
    run.lock?.assertHeld();
    const { keptFields } = await release(run.kube, object, fieldManagerFor(r.stack), r.parent.id, r.stackId, dryRun);
    run.io.notify(
      MESSAGES.RELEASE.make(
        `${dryRun ? 'would release' : 'released'} ${objectRef(object)} instead of deleting it: ${reason}${keptFields ? " (the stack's field values stay: removing them would make it invalid)" : ''}`,
        { ...objectData(object, r.stack), dryRun, reason, keptFields },
      ),
    );
    outcomes.push({ ref: objectRef(object), action: 'released' });
  }
  return outcomes;
}
