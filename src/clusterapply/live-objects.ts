import type { KubeApi, KubeObjectLike } from '../kube/kube-api.js';
import { type KubeObject, objectKey } from '../model/kube-object.js';

/** Objects of one kind in one namespace from which on a LIST is cheaper than a GET each. */
const LIST_FROM = 3;

/**
 * The live state of `objects`, by objectKey (undefined: not in the cluster). Objects of one kind
 * in one namespace are read with one LIST (paged) when there are several of them, instead of a
 * GET each: a no-op apply of 200 models costs a few LISTs, not 200 GETs. A kind the cluster does
 * not serve (its CRD not installed yet) reads as absent.
 */
export async function readLive(kube: KubeApi, objects: readonly KubeObject[]): Promise<Map<string, KubeObject | undefined>> {
  const out = new Map<string, KubeObject | undefined>();
  const groups = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const r = await kube.resourceFor(o.apiVersion, o.kind);
    if (!r) {
      out.set(objectKey(o), undefined);
      continue;
    }
    const g = `${o.apiVersion}|${o.kind}|${r.namespaced ? (o.metadata.namespace ?? 'default') : ''}`;
    const members = groups.get(g);
    if (members) members.push(o);
    else groups.set(g, [o]);
  }
  await Promise.all(
    [...groups.entries()].map(async ([g, members]) => {
      if (members.length < LIST_FROM) {
        for (const o of members) out.set(objectKey(o), await kube.get<KubeObject>(o));
        return;
      }
      const [apiVersion, kind, namespace] = g.split('|') as [string, string, string];
      const items = (await kube.list<KubeObject>(apiVersion, kind, namespace ? { namespace } : {})) ?? [];
      const live = new Map(items.map((i) => [objectKey({ ...i, apiVersion, kind }), { ...i, apiVersion, kind } as KubeObject]));
      for (const o of members) out.set(objectKey(o), live.get(objectKey(o)));
    }),
  );
  return out;
}

/**
 * Starts discovery of every apiVersion of `objects` at once (the client caches each answer), so
 * the steps after it do not each wait for one round trip in turn. A failure is left for the step
 * that needs the answer: it asks again and reports it.
 */
export function discoverAhead(kube: KubeApi, objects: readonly KubeObjectLike[]): void {
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(o.apiVersion)) continue;
    seen.add(o.apiVersion);
    kube.resourceFor(o.apiVersion, o.kind).catch(() => undefined);
  }
}
