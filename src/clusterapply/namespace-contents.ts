import type { KubeApi, ResourceInfo } from '../kube/kube-api.js';
import { type KubeObject, objectKey, objectRef } from '../model/kube-object.js';
import { gkOf, listKinds } from './list-kinds.js';

/** What a namespace holds, as a deletion of it would take it along. */
export interface NamespaceContents {
  readonly namespace: string;
  /** Every object in it (events left out), as `Kind` → count. */
  readonly counts: Readonly<Record<string, number>>;
  /** Objects that keep the namespace from being deleted: nothing the deletion is meant to remove. */
  readonly holders: readonly KubeObject[];
  /** Kinds that could not be listed in it (no permission, an aggregated API down): what they hold is unknown. */
  readonly unlisted: readonly string[];
}

export interface GoingAway {
  /** UIDs of the objects being deleted with the namespace; their dependents go with them. */
  readonly uids: ReadonlySet<string>;
  /** `objectKey`s of objects being deleted (for objects read before they had a uid, e.g. in a dry run). */
  readonly keys: ReadonlySet<string>;
  /** Objects that are bookkeeping, not content (the stack's own ApplySet parent and lock). */
  readonly ignore?: ReadonlySet<string>;
}

/** Objects the API server or the controllers create in every namespace. */
function isNamespaceDefault(o: KubeObject): boolean {
  if (o.kind === 'ServiceAccount' && o.metadata.name === 'default') return true;
  if (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') return true;
  return false;
}

const EVENT_KINDS = new Set(['Event']);

/**
 * Everything in `namespace`, and what of it is held: an object is not held when it is going
 * away (its uid or key is in `going`), when it depends on something going away (ownerReferences,
 * followed transitively: the Pods of a deleted model's Deployments), when it is an Endpoints
 * object of a Service going away, or when it is one of the defaults every namespace has.
 */
export async function namespaceContents(kube: KubeApi, namespace: string, going: GoingAway, resources?: readonly ResourceInfo[]): Promise<NamespaceContents> {
  const served = (resources ?? (await kube.servedResources())).filter((r) => r.namespaced && !EVENT_KINDS.has(r.kind));
  const lists = await listKinds(kube, served, { namespace });
  const unlisted = lists.flatMap((l) => (l.error !== undefined ? [gkOf(l.resource)] : []));
  const all: KubeObject[] = lists.flatMap((l) => l.items);
  const uids = new Set(going.uids);
  for (const o of all) if (going.keys.has(objectKey(o)) && uidOf(o)) uids.add(uidOf(o)!);
  // Dependents of what goes, to a fixpoint.
  let grew = true;
  while (grew) {
    grew = false;
    for (const o of all) {
      const uid = uidOf(o);
      if (!uid || uids.has(uid)) continue;
      if (ownerUids(o).some((u) => uids.has(u))) {
        uids.add(uid);
        grew = true;
      }
    }
  }
  const goingServices = new Set(all.filter((o) => o.kind === 'Service' && isGoing(o)).map((o) => o.metadata.name));
  function isGoing(o: KubeObject): boolean {
    const uid = uidOf(o);
    return going.keys.has(objectKey(o)) || (uid !== undefined && uids.has(uid));
  }
  const counts: Record<string, number> = {};
  const holders: KubeObject[] = [];
  for (const o of all) {
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    if (isGoing(o) || isNamespaceDefault(o) || going.ignore?.has(objectKey(o))) continue;
    if (o.kind === 'Endpoints' && goingServices.has(o.metadata.name)) continue;
    holders.push(o);
  }
  holders.sort((a, b) => objectRef(a).localeCompare(objectRef(b)));
  return { namespace, counts, holders, unlisted: unlisted.sort() };
}

export function uidOf(o: KubeObject): string | undefined {
  return (o.metadata as { uid?: string }).uid;
}

function ownerUids(o: KubeObject): string[] {
  const refs = (o.metadata as { ownerReferences?: Array<{ uid?: string }> }).ownerReferences ?? [];
  return refs.flatMap((r) => (r.uid ? [r.uid] : []));
}

/** `3 Pod, 1 Secret, 2 DynamoGraphDeployment`: a namespace's contents for a message. */
export function describeCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`);
  return parts.length === 0 ? 'nothing else' : parts.join(', ');
}
