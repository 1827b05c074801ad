import type { KubeApi, ListOptions, ResourceInfo } from '../kube/kube-api.js';
import type { KubeObject } from '../model/kube-object.js';

/** `group/version` of a served resource (`v1` for the core group). */
export function apiVersionOf(r: ResourceInfo): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `Kind.group` (core kinds: `Kind`), the form ApplySet records and messages use. */
export function gkOf(r: ResourceInfo): string {
  return r.group === '' ? r.kind : `${r.kind}.${r.group}`;
}

/** One listing of one kind: its objects (with apiVersion and kind set), or why it could not be listed. */
export interface KindListing {
  readonly resource: ResourceInfo;
  readonly items: KubeObject[];
  readonly error?: unknown;
}

/**
 * Lists every kind of `resources` with the same options, all at once (the client's connection
 * pool bounds how many are in flight), each kind once however many names it is served under
 * (events). A kind that cannot be listed (no permission, an aggregated API down) comes back with
 * its error instead of failing the others; the caller decides what that means.
 */
export async function listKinds(kube: KubeApi, resources: readonly ResourceInfo[], opts: ListOptions): Promise<KindListing[]> {
  const seen = new Map<string, ResourceInfo>();
  for (const r of resources) if (r.kind && !seen.has(gkOf(r))) seen.set(gkOf(r), r);
  return Promise.all(
    [...seen.values()].map(async (resource) => {
      const apiVersion = apiVersionOf(resource);
      try {
        const items = (await kube.list<KubeObject>(apiVersion, resource.kind, opts)) ?? [];
        return { resource, items: items.map((o) => ({ ...o, apiVersion, kind: resource.kind })) };
      } catch (error) {
        return { resource, items: [], error };
      }
    }),
  );
}
