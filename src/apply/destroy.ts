import type { IoHost } from '../io/io-host.js';
import type { KubeClient } from '../kube/kube-client.js';
import { objectRef, type StackManifest } from '../model/kube-object.js';
import { groupKind, stackApplySet } from './applyset.js';
import { FIELD_MANAGER, type StackApplyResult } from './apply.js';
import { deleteStages } from './order.js';
import { ownedObjects, readParent } from './owned-objects.js';

export interface DestroyOptions {
  readonly dryRun?: boolean;
  readonly applySetNamespace?: string;
}

/**
 * Deletes every object a stack owns (found by its ApplySet mark, never by name alone), models
 * first and operators and namespaces last, then the ApplySet parent.
 */
export async function destroy(client: KubeClient, stacks: readonly StackManifest[], opts: DestroyOptions, io: IoHost): Promise<StackApplyResult[]> {
  const results: StackApplyResult[] = [];
  for (const s of stacks) {
    const { stack, parent } = stackApplySet(s, opts.applySetNamespace);
    const parentLive = await readParent(client, parent);
    const owned = await ownedObjects(client, parent, parentLive, s.objects.map(groupKind));
    const outcomes = [];
    for (const st of deleteStages(owned)) {
      for (const o of st.objects) {
        io.notify({ level: 'info', code: 'DELETE', message: `deleting ${objectRef(o)}${opts.dryRun ? ' (dry run)' : ''}` });
        if (!opts.dryRun) await client.delete(o);
        outcomes.push({ ref: objectRef(o), action: 'pruned' as const });
      }
    }
    if (parentLive && !opts.dryRun) await client.delete(parentLive);
    results.push({ stack, outcomes });
  }
  return results;
}

export { FIELD_MANAGER };
