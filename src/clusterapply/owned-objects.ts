import type { KubeApi } from '../kube/kube-api.js';
import { objectKey, type KubeObject } from '../model/kube-object.js';
import { apiVersionOf, gkOf, listKinds } from './list-kinds.js';
import { APPLYSET_GROUP_KINDS, APPLYSET_PART_OF, type ApplySetParent, parseGroupKinds } from './applyset.js';

/** The stack's ApplySet parent as the cluster has it, if any. */
export async function readParent(kube: KubeApi, parent: ApplySetParent): Promise<KubeObject | undefined> {
  return kube.get<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: parent.name, namespace: parent.namespace } });
}

/**
 * Every object in the cluster that carries this stack's ApplySet id, looked for in the
 * group-kinds the parent records plus `extraGroupKinds`. Objects without the label (created
 * by hand, or by another stack) are never returned.
 */
export async function ownedObjects(
  kube: KubeApi,
  parent: ApplySetParent,
  parentObj: KubeObject | undefined,
  extraGroupKinds: Iterable<string>,
): Promise<KubeObject[]> {
  return (await findOwned(kube, parent, parentObj, extraGroupKinds)).objects;
}

export interface OwnedSearch {
  readonly objects: KubeObject[];
  /**
   * Group-kinds in which marked objects were found that the parent's record does not list (the
   * parent was deleted or hand-edited): without a search everywhere they would be unfindable.
   */
  readonly unrecorded: string[];
  /**
   * Kinds the search everywhere could not list (no permission, an aggregated API down), beyond
   * the recorded and desired ones (which must be listable): objects there, if any, stay unseen.
   */
  readonly unsearchable: string[];
}

export interface FindOwnedOptions {
  /**
   * Also search every listable kind the cluster serves, not only the recorded ones: what prune
   * and destroy do, so a lost or edited record never hides an owned object. @default false
   */
  readonly everywhere?: boolean;
}

/** Owned objects (see ownedObjects), and the kinds the parent's record misses. */
export async function findOwned(
  kube: KubeApi,
  parent: ApplySetParent,
  parentObj: KubeObject | undefined,
  extraGroupKinds: Iterable<string>,
  opts: FindOwnedOptions = {},
): Promise<OwnedSearch> {
  const recorded = new Set(parseGroupKinds(parentObj?.metadata.annotations?.[APPLYSET_GROUP_KINDS]));
  const wanted = new Set([...recorded, ...extraGroupKinds]);
  const selector = `${APPLYSET_PART_OF}=${parent.id}`;
  const out: KubeObject[] = [];
  const unrecorded = new Set<string>();
  let unreadable: string[] = [];
  const collect = (gk: string, apiVersion: string, kind: string, items: KubeObject[] | undefined): void => {
    for (const item of items ?? []) {
      // Objects already being deleted (e.g. a namespace finalizing) are gone as far as we are concerned.
      if ((item.metadata as { deletionTimestamp?: string }).deletionTimestamp) continue;
      out.push({ ...item, apiVersion, kind });
      if (!recorded.has(gk)) unrecorded.add(gk);
    }
  };
  if (opts.everywhere) {
    const lists = await listKinds(kube, await kube.servedResources(), { labelSelector: selector });
    for (const l of lists) if (l.error !== undefined && wanted.has(gkOf(l.resource))) throw l.error;
    unreadable = lists.flatMap((l) => (l.error !== undefined ? [gkOf(l.resource)] : [])).sort();
    for (const { resource, items } of lists.sort((a, b) => gkOf(a.resource).localeCompare(gkOf(b.resource)))) {
      collect(gkOf(resource), apiVersionOf(resource), resource.kind, items);
    }
  } else {
    for (const gk of [...wanted].sort()) {
      const dot = gk.indexOf('.');
      const kind = dot < 0 ? gk : gk.slice(0, dot);
      const group = dot < 0 ? '' : gk.slice(dot + 1);
      const apiVersion = await kube.preferredApiVersion(group);
      if (!apiVersion) continue;
      collect(gk, apiVersion, kind, await kube.list<KubeObject>(apiVersion, kind, { labelSelector: selector }));
    }
  }
  return { objects: out, unrecorded: [...unrecorded].sort(), unsearchable: unreadable };
}

/** Owned objects the desired set no longer has: what --prune deletes. */
export function pruneCandidates(owned: readonly KubeObject[], desired: readonly KubeObject[]): KubeObject[] {
  const keep = new Set(desired.map(objectKey));
  return owned.filter((o) => !keep.has(objectKey(o)));
}
