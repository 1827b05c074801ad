import type { KubeApi } from '../kube/kube-api.js';
import { objectKey, type KubeObject } from '../model/kube-object.js';
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
  const groupKinds = new Set([...parseGroupKinds(parentObj?.metadata.annotations?.[APPLYSET_GROUP_KINDS]), ...extraGroupKinds]);
  const out: KubeObject[] = [];
  for (const gk of [...groupKinds].sort()) {
    const dot = gk.indexOf('.');
    const kind = dot < 0 ? gk : gk.slice(0, dot);
    const group = dot < 0 ? '' : gk.slice(dot + 1);
    const apiVersion = await kube.preferredApiVersion(group);
    if (!apiVersion) continue;
    const items = await kube.list<KubeObject>(apiVersion, kind, { labelSelector: `${APPLYSET_PART_OF}=${parent.id}` });
    // Objects already being deleted (e.g. a namespace finalizing) are gone as far as we are concerned.
    for (const item of items ?? []) if (!(item.metadata as { deletionTimestamp?: string }).deletionTimestamp) out.push({ ...item, apiVersion, kind });
  }
  return out;
}

/** Owned objects the desired set no longer has: what --prune deletes. */
export function pruneCandidates(owned: readonly KubeObject[], desired: readonly KubeObject[]): KubeObject[] {
  const keep = new Set(desired.map(objectKey));
  return owned.filter((o) => !keep.has(objectKey(o)));
}
