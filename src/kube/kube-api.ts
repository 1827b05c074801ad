/**
 * The cluster as the engine sees it: the few operations apply, destroy, wait, preflight, diff,
 * status, list and validate use. KubeClient (kube-client.ts) implements it on the API server's
 * raw JSON; unit tests implement it in memory (test/support/fake-kube.ts).
 */

/** Where a kind lives in the API: from discovery, like kubectl's REST mapper. */
export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** The verbs the resource supports (list, delete, ...), when discovery said. */
  readonly verbs?: readonly string[];
}

/** Any object the API serves, as plain JSON. */
export interface KubeObjectLike {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** Options of a server-side apply. */
export interface ApplyOptions {
  readonly fieldManager: string;
  /** Take over fields another manager owns. */
  readonly force?: boolean;
  /** Ask the server what it would store, storing nothing. */
  readonly dryRun?: boolean;
}

/** Which objects of a kind to list. */
export interface ListOptions {
  /** A namespace; undefined lists across all namespaces. */
  readonly namespace?: string;
  /** `k=v,k2=v2` (and bare `k` for existence). */
  readonly labelSelector?: string;
}

/** How a delete reaches the object's dependents. */
export type PropagationPolicy = 'Background' | 'Foreground';

export interface KubeApi {
  /** The API server's address, for messages. */
  readonly serverUrl: string;

  /** Discovery of one kind; undefined when the cluster does not serve it (e.g. CRD absent). */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** The preferred apiVersion of an API group ("" is the core group); undefined when not served. */
  preferredApiVersion(group: string): Promise<string | undefined>;
  /** Forgets discovery results (after CRDs are installed). */
  resetDiscovery(): void;

  /** One object; undefined when it does not exist. */
  get<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T | undefined>;
  /**
   * Objects of a kind; undefined when the kind is not served. List items carry neither
   * apiVersion nor kind, as the API returns them.
   */
  list<T = Record<string, unknown>>(apiVersion: string, kind: string, opts?: ListOptions): Promise<T[] | undefined>;
  /** Server-side apply of `o`; what the server stored (or would store, in a dry run). */
  apply<T = Record<string, unknown>>(o: KubeObjectLike, opts: ApplyOptions): Promise<T>;
  /** Deletes one object; false when it was already gone. */
  delete(o: KubeObjectLike, propagationPolicy?: PropagationPolicy): Promise<boolean>;

  /** Creates `o` (POST); a CONFLICT error when it exists already. */
  create<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T>;
  /**
   * Replaces `o` (PUT). With `metadata.resourceVersion` set it is a compare-and-swap: a CONFLICT
   * error when the object changed since it was read.
   */
  replace<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T>;
  /** A JSON merge patch (RFC 7386) of `o` (`null` deletes a key), written as `fieldManager`. */
  mergePatch<T = Record<string, unknown>>(o: KubeObjectLike, patch: Record<string, unknown>, fieldManager: string): Promise<T>;
  /** Every listable resource the cluster serves, in each group's preferred version. */
  servedResources(): Promise<ResourceInfo[]>;
  /**
   * The last `tailLines` lines of a pod's log (GET pods/{name}/log); optional, for error
   * reports (a client without it reports no log lines).
   */
  podLogs?(namespace: string, pod: string, opts: { readonly tailLines: number; readonly container?: string }): Promise<string>;
  /**
   * GET of `path` on a Service's port (name or number) through the API server's service proxy,
   * as text, within `timeoutMs`; optional (a client without it cannot scrape metrics).
   */
  serviceProxyGet?(namespace: string, service: string, port: string, path: string, timeoutMs: number): Promise<string>;
  /**
   * GET of `path` on a pod's port (a number) through the API server's pod proxy, as text, within
   * `timeoutMs`; optional (a client without it scrapes no worker pods).
   */
  podProxyGet?(namespace: string, pod: string, port: string, path: string, timeoutMs: number): Promise<string>;
}
