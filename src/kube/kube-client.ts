import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { ModelstackError, errorMessage } from '../errors.js';
import { apiError } from './api-error.js';
import type { KubeConnection } from './kube-config.js';
import type { ApplyOptions, KubeApi, KubeObjectLike, ListOptions, PropagationPolicy, ResourceInfo } from './kube-api.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout.js';

export { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout.js';

/** The content type of a server-side apply patch (as client-node's PatchStrategy.ServerSideApply names it). */
const SERVER_SIDE_APPLY = 'application/apply-patch+yaml';

/** Connections to the API server at once, per client (requests beyond it queue for a free one). */
const MAX_SOCKETS = 16;

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Accept header. @default "application/json" */
  readonly accept?: string;
  /** Answer the body as text instead of parsing it as JSON (pod logs). */
  readonly text?: boolean;
  /** For error messages: the verb and resource being attempted (e.g. "get", "customresourcedefinitions.apiextensions.k8s.io"). */
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  /** This request's whole deadline instead of the client's. */
  readonly timeoutMs?: number;
}

/**
 * A small Kubernetes API client on raw JSON: bodies go out and come back exactly as written,
 * so fields of custom resources are never dropped by typed serializers. Authentication comes
 * from the kubeconfig (kube-config.ts: certificates, tokens; exec plugins through client-node). `request` is the generic
 * call underneath, for what the KubeApi operations do not cover.
 */
export class KubeClient implements KubeApi {
  private readonly server: URL;
  private readonly discovery = new Map<string, Promise<ResourceInfo[] | undefined>>();
  private served?: Promise<ResourceInfo[]>;
  /** Keep-alive agents by TLS identity: one connection pool per client, not a TLS handshake per request. */
  private readonly agents = new Map<string, HttpsAgent>();
  /** Requests sent and connections opened (a request on a reused keep-alive connection opens none). */
  public readonly stats = { requests: 0, connections: 0 };
  private readonly seenSockets = new WeakSet<object>();
  /** The pooled agent of each agent object the kubeconfig hands out (it hands out the same one every time). */
  private readonly pooledFor = new WeakMap<HttpsAgent, HttpsAgent>();

  public constructor(
    public readonly kubeConfig: KubeConnection,
    /** Deadline of each whole request (connect, send, headers and body). @default 30000 (DEFAULT_REQUEST_TIMEOUT_MS) */
    private readonly timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.server = new URL(kubeConfig.server);
  }

  public get serverUrl(): string {
    return this.server.origin;
  }

  public async request<T = Record<string, unknown>>(spec: RequestSpec): Promise<T> {
    const url = new URL(spec.path, this.server);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const opts: RequestOptions = {
      method: spec.method,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: {
        Accept: spec.accept ?? 'application/json',
        ...(body !== undefined ? { 'Content-Type': spec.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
      },
    };
    try {
      await this.kubeConfig.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new ModelstackError('KUBECONFIG', `cannot use the kubeconfig's credentials for ${this.server.origin}: ${errorMessage(e)}`, {
        hint: 'check the current context of your kubeconfig (--context), or pass --kubeconfig FILE',
      });
    }
    opts.agent = this.pooled(opts.agent);
    // The path names the request in errors; the query (selectors, continue tokens) is left out.
    const what = `${spec.method} ${url.pathname}`;
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    let { status, text, retryAfter } = await this.send(url.protocol, opts, body, what, timeoutMs, timeoutMs);
    // 429: the server asks to come back (a CRD's storage initializing, priority and fairness):
    // short retries, all within the request's one deadline.
    for (let attempt = 1; status === 429 && attempt <= 4; attempt++) {
      const wait = Math.min(2_000, Math.max(200, (retryAfter ?? 0) * 1000)) * attempt;
      if (Date.now() + wait >= deadline) break;
      await new Promise((r) => setTimeout(r, wait));
      ({ status, text, retryAfter } = await this.send(url.protocol, opts, body, what, deadline - Date.now(), timeoutMs));
    }
    if (spec.text && status >= 200 && status < 300) return text as T;
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) return parsed as T;
    throw apiError(
      { status, method: spec.method, path: url.pathname, body: parsed as Record<string, unknown> | undefined },
      spec.verb,
      spec.resource,
      spec.namespace,
    );
  }

  /**
   * One HTTP exchange under a whole-request deadline: connecting, sending, the answer's headers
   * and reading its body to the end must all finish within `budgetMs` (a server that answers a
   * byte at a time does not keep it waiting). The timer is cleared on every outcome.
   */
  private send(
    protocol: string,
    opts: RequestOptions,
    body: string | undefined,
    what: string,
    budgetMs: number,
    /** The whole request's deadline, for the message. */
    timeoutMs: number,
  ): Promise<{ status: number; text: string; retryAfter?: number }> {
    const doRequest = protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        settle(() =>
          reject(
            new ModelstackError('TIMEOUT', `${what}: no complete answer from the API server at ${this.server.origin} within ${seconds(timeoutMs)}s`, {
              hint: 'check that the cluster is up and reachable, then retry',
            }),
          ),
        );
        req.destroy();
      }, budgetMs);
      this.stats.requests++;
      const req = doRequest(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        const retryAfter = Number(res.headers['retry-after']);
        res.on('end', () =>
          settle(() =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ...(Number.isFinite(retryAfter) ? { retryAfter } : {}) }),
          ),
        );
        res.on('error', (e) => settle(() => reject(this.unreachable(e))));
      });
      // A socket seen before is a reused connection (a request that waited in the agent's queue
      // gets a freed socket without `reusedSocket` being set, so that flag alone over-counts).
      req.on('socket', (socket) => {
        if (this.seenSockets.has(socket)) return;
        this.seenSockets.add(socket);
        this.stats.connections++;
      });
      req.on('error', (e) => settle(() => reject(this.unreachable(e))));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /**
   * client-node (which reads the kubeconfigs ours hands over) makes a new https.Agent, so a new
   * connection and TLS handshake, for every request; this swaps any https.Agent for one keep-alive
   * agent per TLS identity (CA, client certificate, verification settings), so requests reuse
   * connections. Proxy agents are kept as they are.
   */
  private pooled(agent: RequestOptions['agent']): RequestOptions['agent'] {
    if (!(agent instanceof HttpsAgent) || agent.constructor !== HttpsAgent) return agent;
    const known = this.pooledFor.get(agent);
    if (known) return known;
    const o = agent.options;
    const id = JSON.stringify([o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername, o.ciphers]);
    let pooled = this.agents.get(id);
    if (!pooled) {
      // One TLS context for the pool (CA, certificate and key parsed once), not one per connection.
      const secureContext =
        o.secureContext ?? createSecureContext({ ca: o.ca, cert: o.cert, key: o.key, pfx: o.pfx, passphrase: o.passphrase, ciphers: o.ciphers });
      pooled = new HttpsAgent({ ...o, secureContext, keepAlive: true, maxSockets: MAX_SOCKETS });
      this.agents.set(id, pooled);
    }
    this.pooledFor.set(agent, pooled);
    return pooled;
  }

  private unreachable(e: Error): ModelstackError {
    return new ModelstackError('UNREACHABLE', `cannot reach the API server at ${this.server.origin}: ${errorMessage(e)}`, {
      hint: 'check that the cluster is running and that the kubeconfig context (--context) points at it',
      cause: e,
    });
  }

  /** Discovery for one apiVersion; undefined when the group/version is not served (e.g. CRD absent). */
  public async resources(apiVersion: string): Promise<ResourceInfo[] | undefined> {
    let cached = this.discovery.get(apiVersion);
    if (!cached) {
      cached = this.discover(apiVersion);
      this.discovery.set(apiVersion, cached);
      cached.catch(() => this.discovery.delete(apiVersion));
    }
    return cached;
  }

  /** Forgets discovery results (after CRDs are installed). */
  public resetDiscovery(): void {
    this.discovery.clear();
    this.served = undefined;
  }

  private async discover(apiVersion: string): Promise<ResourceInfo[] | undefined> {
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    try {
      const list = await this.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>({
        method: 'GET',
        path,
        verb: 'discover',
        resource: apiVersion,
      });
      return list.resources.filter((r) => !r.name.includes('/')).map((r) => ({ group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced }));
    } catch (e) {
      if (e instanceof ModelstackError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** The preferred apiVersion of an API group ("" is the core group); undefined when not served. */
  public async preferredApiVersion(group: string): Promise<string | undefined> {
    if (group === '') return 'v1';
    try {
      const g = await this.request<{ preferredVersion?: { groupVersion?: string } }>({
        method: 'GET',
        path: `/apis/${group}`,
        verb: 'discover',
        resource: group,
      });
      return g.preferredVersion?.groupVersion;
    } catch (e) {
      if (e instanceof ModelstackError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  public async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return (await this.resources(apiVersion))?.find((r) => r.kind === kind);
  }

  /** The collection path of a resource: /apis/g/v[/namespaces/ns]/plural. */
  public static collectionPath(r: ResourceInfo, namespace?: string): string {
    const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    return r.namespaced && namespace ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
  }

  public static resourceName(r: ResourceInfo): string {
    return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
  }

  private async requireResource(o: KubeObjectLike): Promise<ResourceInfo> {
    const r = await this.resourceFor(o.apiVersion, o.kind);
    if (!r) {
      throw new ModelstackError('NOT_FOUND', `the cluster does not serve ${o.kind} (${o.apiVersion})`, {
        hint: 'install the CRD (or the operator that installs it) first',
      });
    }
    return r;
  }

  /** The path of one object (and of a subresource of it, e.g. "status"). */
  public async objectPath(o: KubeObjectLike, subresource?: string): Promise<{ r: ResourceInfo; path: string; namespace?: string }> {
    const r = await this.requireResource(o);
    const namespace = r.namespaced ? (o.metadata.namespace ?? 'default') : undefined;
    const name = encodeURIComponent(o.metadata.name ?? '');
    return { r, namespace, path: `${KubeClient.collectionPath(r, namespace)}/${name}${subresource ? `/${subresource}` : ''}` };
  }

  /** GET of one object; undefined when it does not exist. */
  public async get<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T | undefined> {
    const { r, path, namespace } = await this.objectPath(o);
    try {
      return await this.request<T>({ method: 'GET', path, verb: 'get', resource: KubeClient.resourceName(r), namespace });
    } catch (e) {
      if (e instanceof ModelstackError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** The last lines of a pod's log (core v1 pods/log, `tailLines` and `container` query parameters). */
  public async podLogs(namespace: string, pod: string, opts: { readonly tailLines: number; readonly container?: string }): Promise<string> {
    return this.request<string>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      query: { tailLines: String(opts.tailLines), container: opts.container },
      accept: 'text/plain',
      text: true,
      verb: 'get',
      resource: 'pods/log',
      namespace,
    });
  }

  /**
   * GET of `path` on a Service's port (by name or number) through the API server's service proxy
   * (`services/proxy`), as text, within `timeoutMs`. The API server picks a ready endpoint.
   */
  public async serviceProxyGet(namespace: string, service: string, port: string, path: string, timeoutMs: number): Promise<string> {
    return this.proxyGet('services', namespace, service, port, path, timeoutMs);
  }

  /**
   * GET of `path` on a pod's port (a number: the API server's pod proxy does not resolve port
   * names) through the API server's pod proxy (`pods/proxy`), as text, within `timeoutMs`.
   */
  public async podProxyGet(namespace: string, pod: string, port: string, path: string, timeoutMs: number): Promise<string> {
    return this.proxyGet('pods', namespace, pod, port, path, timeoutMs);
  }

  /** Text (Prometheus metrics) through the API server's proxy subresource of a Service or a Pod. */
  private async proxyGet(resource: 'services' | 'pods', namespace: string, name: string, port: string, path: string, timeoutMs: number): Promise<string> {
    const rel = path.startsWith('/') ? path : `/${path}`;
    return this.request<string>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}:${encodeURIComponent(port)}/proxy${rel}`,
      accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1',
      text: true,
      verb: 'get',
      resource: `${resource}/proxy`,
      namespace,
      timeoutMs,
    });
  }

  /** Lists objects of a kind; namespace undefined lists across all namespaces. */
  public async list<T = Record<string, unknown>>(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<T[] | undefined> {
    const r = await this.resourceFor(apiVersion, kind);
    if (!r) return undefined;
    const items: T[] = [];
    let cont: string | undefined;
    do {
      const page = await this.request<{ items: T[]; metadata?: { continue?: string } }>({
        method: 'GET',
        path: KubeClient.collectionPath(r, opts.namespace),
        query: { labelSelector: opts.labelSelector, limit: '500', continue: cont },
        verb: 'list',
        resource: KubeClient.resourceName(r),
        namespace: r.namespaced ? opts.namespace : undefined,
      });
      items.push(...page.items);
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  /** Server-side apply of a raw JSON object. */
  public async apply<T = Record<string, unknown>>(o: KubeObjectLike, opts: ApplyOptions): Promise<T> {
    const { r, path, namespace } = await this.objectPath(o);
    return this.request<T>({
      method: 'PATCH',
      path,
      query: { fieldManager: opts.fieldManager, force: opts.force ? 'true' : undefined, dryRun: opts.dryRun ? 'All' : undefined },
      body: o,
      contentType: SERVER_SIDE_APPLY,
      verb: 'patch',
      resource: KubeClient.resourceName(r),
      namespace,
    });
  }

  /** POST of a new object; a CONFLICT error when it exists. */
  public async create<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T> {
    const r = await this.requireResource(o);
    const namespace = r.namespaced ? (o.metadata.namespace ?? 'default') : undefined;
    return this.request<T>({
      method: 'POST',
      path: KubeClient.collectionPath(r, namespace),
      body: o,
      verb: 'create',
      resource: KubeClient.resourceName(r),
      namespace,
    });
  }

  /** PUT of an object; a compare-and-swap when it carries metadata.resourceVersion. */
  public async replace<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T> {
    const { r, path, namespace } = await this.objectPath(o);
    return this.request<T>({ method: 'PUT', path, body: o, verb: 'update', resource: KubeClient.resourceName(r), namespace });
  }

  /** A JSON merge patch of one object. */
  public async mergePatch<T = Record<string, unknown>>(o: KubeObjectLike, patch: Record<string, unknown>, fieldManager: string): Promise<T> {
    const { r, path, namespace } = await this.objectPath(o);
    return this.request<T>({
      method: 'PATCH',
      path,
      query: { fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
      verb: 'patch',
      resource: KubeClient.resourceName(r),
      namespace,
    });
  }

  /**
   * Every listable resource, in each group's preferred version, from the aggregated discovery
   * documents (apidiscovery.k8s.io/v2: two requests for the whole API). Cached like the
   * per-version discovery, until resetDiscovery: a prune or destroy asks for it several times
   * (the search for owned objects, each namespace's contents).
   */
  public servedResources(): Promise<ResourceInfo[]> {
    if (!this.served) {
      const served = this.discoverAll();
      this.served = served;
      served.catch(() => {
        if (this.served === served) this.served = undefined;
      });
    }
    return this.served;
  }

  private async discoverAll(): Promise<ResourceInfo[]> {
    const out: ResourceInfo[] = [];
    for (const path of ['/api', '/apis']) {
      const doc = await this.request<AggregatedDiscovery>({
        method: 'GET',
        path,
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9',
        verb: 'discover',
        resource: path,
      });
      if (!Array.isArray(doc.items)) {
        throw new ModelstackError('INTERNAL', `the API server at ${this.server.origin} did not serve aggregated discovery (${path})`, {
          hint: 'modelstack needs Kubernetes 1.30 or newer',
        });
      }
      for (const g of doc.items) {
        const group = g.metadata?.name ?? '';
        const versions: AggregatedVersion[] = [...(g.versions ?? [])];
        for (const [i, v] of versions.entries()) {
          const all: ResourceInfo[] = (v.resources ?? []).map((res) => ({
            group,
            version: v.version,
            kind: res.responseKind?.kind ?? '',
            plural: res.resource,
            namespaced: res.scope === 'Namespaced',
            verbs: res.verbs ?? [],
          }));
          // The same answer per group-version discovery would give: later lookups need no request.
          const gv = group === '' ? v.version : `${group}/${v.version}`;
          if (!this.discovery.has(gv)) this.discovery.set(gv, Promise.resolve(all));
          if (i === 0) out.push(...all.filter((r) => r.verbs?.includes('list')));
        }
      }
    }
    return out;
  }

  /** DELETE of one object; false when it was already gone. */
  public async delete(o: KubeObjectLike, propagationPolicy: PropagationPolicy = 'Background'): Promise<boolean> {
    const { r, path, namespace } = await this.objectPath(o);
    try {
      await this.request({
        method: 'DELETE',
        path,
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy },
        verb: 'delete',
        resource: KubeClient.resourceName(r),
        namespace,
      });
      return true;
    } catch (e) {
      if (e instanceof ModelstackError && e.code === 'NOT_FOUND') return false;
      throw e;
    }
  }
}

/** The parts of an apidiscovery.k8s.io/v2 APIGroupDiscoveryList this client reads. */
interface AggregatedDiscovery {
  readonly items?: ReadonlyArray<{
    readonly metadata?: { readonly name?: string };
    readonly versions?: readonly AggregatedVersion[];
  }>;
}

interface AggregatedVersion {
  readonly version: string;
  readonly resources?: ReadonlyArray<{
    readonly resource: string;
    readonly responseKind?: { readonly kind?: string };
    readonly scope?: string;
    readonly verbs?: readonly string[];
  }>;
}

/** Milliseconds as seconds for messages: 30000 -> "30", 150 -> "0.15". */
function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}
