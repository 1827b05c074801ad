import type { KubeApi } from '../kube/kube-api.js';
import { type KubeObject, objectKey, objectRef } from '../model/kube-object.js';
import { type NamespaceContents, namespaceContents, uidOf } from './namespace-contents.js';
import { createdBy } from './ownership.js';
import { REMOVAL_POLICY_ANNOTATION } from '../model/model-cache.js';
import { STACK_LABEL } from '../model/labels.js';

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
    if (by === ctx.stackId && isRetainedCache(o)) {
      releases.push({ object: o, reason: RETAINED_REASON });
      continue;
    }
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
  await keepMountedCaches(kube, deletes, releases, ctx);
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

const RETAINED_REASON =
  'a model cache kept by its removal policy "retain": the downloaded weights stay for the next apply or another stack (set removalPolicy: "delete" on the ModelCache to have prune and destroy delete it)';

/** A ModelCache volume whose removal policy is "retain" (the default). */
function isRetainedCache(o: KubeObject): boolean {
  return o.kind === 'PersistentVolumeClaim' && o.apiVersion === 'v1' && o.metadata.annotations?.[REMOVAL_POLICY_ANNOTATION] === 'retain';
}

/** The PVC names an object mounts (pod volumes of any kind, Dynamo's compilationCache). */
function claimsOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const x of node) claimsOf(x, out);
  else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    const pvc = o.persistentVolumeClaim as { claimName?: unknown } | undefined;
    if (typeof pvc?.claimName === 'string') out.add(pvc.claimName);
    const cc = o.compilationCache as { pvcName?: unknown } | undefined;
    if (typeof cc?.pvcName === 'string') out.add(cc.pvcName);
    for (const v of Object.values(o)) claimsOf(v, out);
  }
  return out;
}

/**
 * A cache volume (removal policy "delete") that something staying still mounts (a model of
 * another stack, its pods, a Job) is released instead of deleted, naming who mounts it: what
 * stays is everything in the namespace that is neither deleted nor a dependent of what is.
 */
async function keepMountedCaches(kube: KubeApi, deletes: KubeObject[], releases: Release[], ctx: RemovalContext): Promise<void> {
  const caches = deletes.filter((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.annotations?.[REMOVAL_POLICY_ANNOTATION] !== undefined);
  if (caches.length === 0) return;
  const going = { uids: new Set(deletes.flatMap((o) => uidOf(o) ?? [])), keys: new Set(deletes.map(objectKey)), ignore: ctx.ignore };
  const byNamespace = new Map<string, NamespaceContents>();
  for (const pvc of caches) {
    const ns = pvc.metadata.namespace ?? 'default';
    if (!byNamespace.has(ns)) byNamespace.set(ns, await namespaceContents(kube, ns, going));
    const c = byNamespace.get(ns)!;
    const mounters = c.holders.filter((h) => claimsOf(h).has(pvc.metadata.name ?? ''));
    const reason =
      mounters.length > 0
        ? `a model cache still mounted by ${mounters
            .slice(0, 5)
            .map((m) => `${objectRef(m)}${m.metadata.labels?.[STACK_LABEL] ? ` (stack ${m.metadata.labels[STACK_LABEL]})` : ''}`)
            .join(', ')}${mounters.length > 5 ? ` and ${mounters.length - 5} more` : ''}`
        : c.unlisted.length > 0
          ? `a model cache whose users cannot all be seen: listing ${c.unlisted.join(', ')} in ${ns} was refused`
          : undefined;
    if (reason === undefined) continue;
    deletes.splice(deletes.indexOf(pvc), 1);
    releases.push({ object: pvc, reason });
  }
}
