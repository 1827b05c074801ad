import type { IoHost } from '../io/io-host.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectRef, type StackManifest } from '../model/kube-object.js';
import { groupKind, stackApplySet } from '../clusterapply/applyset.js';
import { ownedObjects, readParent } from '../clusterapply/owned-objects.js';
import type { StackApplyResult } from './apply.js';
import { deleteStages } from './order.js';
import { MESSAGES, objectData } from '../io/messages.js';

export interface DestroyOptions {
  readonly dryRun?: boolean;
  readonly applySetNamespace?: string;
}

/**
 * Deletes every object a stack owns (found by its ApplySet mark, never by name alone), models
 * first and operators and namespaces last, then the ApplySet parent.
 */
export async function destroy(kube: KubeApi, stacks: readonly StackManifest[], opts: DestroyOptions, io: IoHost): Promise<StackApplyResult[]> {
  const results: StackApplyResult[] = [];
  for (const s of stacks) {
    const { stack, parent } = stackApplySet(s, opts.applySetNamespace);
    const parentLive = await readParent(kube, parent);
    const owned = await ownedObjects(kube, parent, parentLive, s.objects.map(groupKind));
    const outcomes = [];
    for (const st of deleteStages(owned)) {
      for (const o of st.objects) {
        io.notify(
          MESSAGES.DELETE.make(`deleting ${objectRef(o)}${opts.dryRun ? ' (dry run)' : ''}`, { ...objectData(o, stack), dryRun: opts.dryRun ?? false }),
        );
        if (!opts.dryRun) await kube.delete(o);
        outcomes.push({ ref: objectRef(o), action: 'pruned' as const });
      }
    }
    if (parentLive && !opts.dryRun) await kube.delete(parentLive);
    results.push({ stack, outcomes });
  }
  return results;
}
