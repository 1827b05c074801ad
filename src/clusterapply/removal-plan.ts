import type { KubeApi } from '../kube/kube-api.js';
import { type KubeObject, objectKey, objectRef } from '../model/kube-object.js';
import { type NamespaceContents, namespaceContents, uidOf } from './namespace-contents.js';
import { createdBy } from './ownership.js';

/** An owned object that leaves the stack without being deleted, and why. */
export interface Release {
  readonly object: KubeObject;
  readonly reason: string;
}

/** What taking objects out of a stack (prune, destroy) does to each of them. */
export interface RemovalPlan {
  /** Objects the stack created and nothing else holds: deleted. */
  readonly deletes: readonly KubeObject[];
  /** Objects it adopted, or namespaces that hold what the stack does not own: released. */
  readonly releases: readonly Release[];
  /** For every namespace deleted: everything in it, which goes with it. */
  readonly namespaces: readonly NamespaceContents[];
}

export interface RemovalContext {
  readonly stackId: string;
  /** Bookkeeping objects that never hold a namespace (the stack's ApplySet parent and lock). */
  readonly ignore?: ReadonlySet<string>;
}

/**
 * Decides, for every object leaving a stack, whether it may be deleted: only what the stack
 * created (the created-by record names its stackId) is; adopted objects are released. A
 * Namespace the stack created is deleted only when everything in it is going too (its objects
 * being deleted, their dependents, the defaults every namespace has); otherwise it is released,
 * naming what holds it.
 */
export async function planRemoval(kube: KubeApi, leaving: readonly KubeObject[], ctx: RemovalContext): Promise<RemovalPlan> {
  const deletes: KubeObject[] = [];
  const releases: Release[] = [];
  const namespaces: KubeObject[] = [];
  for (const o of leaving) {
    const by = createdBy(o);
    if (by !== ctx.stackId) {
      releases.push({
        object: o,
        reason:
          by === undefined
            ? 'adopted: it existed before the stack applied it (or was applied before modelstack recorded what it creates)'
            : `created by stack id "${by}", not this stack`,
      });
    } else if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.push(o);
    else deletes.push(o);
  }
  const contents: NamespaceContents[] = [];
  if (namespaces.length > 0) {
    const resources = await kube.servedResources();
    const going = {
      uids: new Set(deletes.flatMap((o) => uidOf(o) ?? [])),
      keys: new Set(deletes.map(objectKey)),
      ignore: ctx.ignore,
    };
    for (const ns of namespaces) {
      const c = await namespaceContents(kube, ns.metadata.name ?? '', going, resources);
      if (c.unlisted.length > 0) {
        releases.push({ object: ns, reason: `cannot tell what else it holds: listing ${c.unlisted.join(', ')} in it was refused` });
        continue;
      }
      if (c.holders.length === 0) {
        deletes.push(ns);
        contents.push(c);
        continue;
      }
      const shown = c.holders.slice(0, 5).map(objectRef);
      const more = c.holders.length > shown.length ? ` and ${c.holders.length - shown.length} more` : '';
      releases.push({ object: ns, reason: `it holds ${c.holders.length} object(s) this stack does not remove: ${shown.join(', ')}${more}` });
    }
  }
  return { deletes, releases, namespaces: contents };
}
