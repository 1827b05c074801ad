// Test doubles for KubeApi, for unit tests of the logic above it (status, list, apply,
// destroy, diff, validate). They model only what that logic reads: served kinds, objects by
// key, label selectors, resourceVersions. The real client's requests are tested in
// test/kube/kube-client, and the real API server's behaviour in test/integration.
import { apiError } from '../../src/kube/api-error.js';
import type { ApplyOptions, KubeApi, KubeObjectLike, ListOptions, ResourceInfo } from '../../src/kube/kube-api.js';
import type { RuntimeInfo } from '../../src/runtimes/registry.js';
import { type KubeObject, objectKey } from '../../src/model/kube-object.js';

/** The 403 the real client throws for a verb on a resource. */
export function forbidden(verb: string, resource: string, namespace?: string): Error {
  return apiError({ status: 403, method: 'GET', path: '/', body: { message: 'forbidden' } }, verb, resource, namespace);
}

export function notFoundError(what = 'x'): Error {
  return apiError({ status: 404, method: 'GET', path: '/', body: { message: `${what} not found` } }, 'get', what);
}

/** One call the fake cluster saw, for error injection and for checking order. */
export interface Call {
  readonly verb: 'get' | 'list' | 'apply' | 'delete' | 'create' | 'replace' | 'patch';
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly fieldManager?: string;
}

type Json = Record<string, unknown>;

/**
 * Replacements for single operations, for tests that script one answer (a recorded state, an
 * error). An operation with a hook never reaches the memory cluster and is not recorded in
 * `calls`.
 */
export interface FakeKubeHooks {
  readonly serverUrl?: string;
  readonly resourceFor?: (apiVersion: string, kind: string) => Promise<ResourceInfo | undefined>;
  readonly get?: (o: KubeObjectLike) => Promise<unknown>;
  /** Called with the options exactly as given (undefined when none were). */
  readonly list?: (apiVersion: string, kind: string, opts?: ListOptions) => Promise<unknown[] | undefined>;
  readonly apply?: (o: KubeObjectLike, opts: ApplyOptions) => Promise<unknown>;
}

/**
 * A fake cluster in memory behind the KubeApi interface: it serves the kinds it is told to,
 * stores objects by group/kind/namespace/name, bumps resourceVersion when an apply changes an
 * object, and filters lists by `k=v` label selectors. Apply replaces the object's content (no
 * field-level merge); `fail` can throw any error for a call; `hooks` replace single operations.
 */
export class FakeKube implements KubeApi {
  public readonly objects = new Map<string, KubeObject>();
  public readonly calls: Call[] = [];
  public fail: (call: Call) => Error | undefined = () => undefined;
  public discoveryResets = 0;
  public readonly serverUrl: string;
  private readonly served = new Map<string, ResourceInfo>();
  private rv = 0;

  public constructor(private readonly hooks: FakeKubeHooks = {}) {
    this.serverUrl = hooks.serverUrl ?? 'https://memory.cluster';
  }

  public serve(apiVersion: string, kind: string, namespaced = true): this {
    const slash = apiVersion.lastIndexOf('/');
    this.served.set(`${apiVersion}/${kind}`, {
      group: slash < 0 ? '' : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      kind,
      plural: `${kind.toLowerCase()}s`,
      namespaced,
    });
    return this;
  }

  /** Serves the usual built-in kinds (and CRDs). */
  public serveBuiltins(): this {
    for (const k of ['ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Pod']) this.serve('v1', k);
    this.serve('v1', 'Namespace', false);
    this.serve('apps/v1', 'Deployment');
    this.serve('coordination.k8s.io/v1', 'Lease');
    this.serve('rbac.authorization.k8s.io/v1', 'Role');
    this.serve('rbac.authorization.k8s.io/v1', 'ClusterRole', false);
    this.serve('apiextensions.k8s.io/v1', 'CustomResourceDefinition', false);
    return this;
  }

  /** Stores `o` as if it had been created earlier. */
  public put(o: KubeObject): KubeObject {
    const stored = this.normalize(o);
    const withRv = { ...stored, metadata: { ...stored.metadata, resourceVersion: String(++this.rv) } } as KubeObject;
    this.objects.set(objectKey(withRv), withRv);
    return withRv;
  }

  public find(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined {
    return this.objects.get(objectKey(this.normalize({ apiVersion, kind, metadata: { name, namespace } })));
  }

  /** `verb Kind ns/name` of every write, for asserting order. */
  public writes(opts: { lock?: boolean } = {}): string[] {
    return this.calls
      .filter((c) => c.verb !== 'get' && c.verb !== 'list')
      .filter((c) => opts.lock !== false || c.kind !== 'Lease')
      .map((c) => `${c.verb}${c.dryRun ? ' (dry run)' : ''} ${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`);
  }

  public async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    if (this.hooks.resourceFor) return this.hooks.resourceFor(apiVersion, kind);
    return this.served.get(`${apiVersion}/${kind}`);
  }

  public resetDiscovery(): void {
    this.discoveryResets++;
  }

  public async preferredApiVersion(group: string): Promise<string | undefined> {
    if (group === '') return 'v1';
    const r = [...this.served.values()].find((x) => x.group === group);
    return r ? `${r.group}/${r.version}` : undefined;
  }

  public async get<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T | undefined> {
    if (this.hooks.get) return (await this.hooks.get(o)) as T | undefined;
    const n = this.record('get', o as KubeObject);
    return this.objects.get(objectKey(n)) as T | undefined;
  }

  public async list<T = Record<string, unknown>>(apiVersion: string, kind: string, given?: ListOptions): Promise<T[] | undefined> {
    if (this.hooks.list) return (await this.hooks.list(apiVersion, kind, given)) as T[] | undefined;
    const opts = given ?? {};
    this.check({ verb: 'list', apiVersion, kind, namespace: opts.namespace });
    const r = this.served.get(`${apiVersion}/${kind}`);
    if (!r) return undefined;
    return [...this.objects.values()]
      .filter((o) => o.apiVersion === apiVersion && o.kind === kind)
      .filter((o) => !r.namespaced || opts.namespace === undefined || o.metadata.namespace === opts.namespace)
      .filter((o) => matches(o.metadata.labels ?? {}, opts.labelSelector))
      .map((o) => {
        // A list's items carry neither apiVersion nor kind, as with the real API.
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return structuredClone(rest) as T;
      });
  }

  public async apply<T = Record<string, unknown>>(o: KubeObjectLike, opts: ApplyOptions): Promise<T> {
    if (this.hooks.apply) return (await this.hooks.apply(o, opts)) as T;
    const n = this.record('apply', o as KubeObject, opts);
    const key = objectKey(n);
    const before = this.objects.get(key);
    const sameContent = before !== undefined && JSON.stringify(stripServer(before)) === JSON.stringify(stripServer(n));
    const resourceVersion = sameContent
      ? (before.metadata as Json).resourceVersion
      : opts.dryRun && before
        ? (before.metadata as Json).resourceVersion
        : String(this.rv + 1);
    const after = { ...(before?.status ? { status: before.status } : {}), ...n, metadata: { ...n.metadata, resourceVersion } } as KubeObject;
    if (!opts.dryRun && !sameContent) {
      this.rv++;
      this.objects.set(key, after);
    }
    return structuredClone(opts.dryRun ? { ...after, metadata: { ...after.metadata, managedFields: [{ manager: opts.fieldManager }] } } : after) as T;
  }

  public async delete(o: KubeObjectLike): Promise<boolean> {
    const n = this.record('delete', o as KubeObject);
    return this.objects.delete(objectKey(n));
  }

  public async create<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T> {
    const n = this.record('create', o as KubeObject);
    if (this.objects.has(objectKey(n))) throw conflictError(`${o.kind} "${n.metadata.name}" already exists`, 'create', o.kind);
    return structuredClone(this.put(n)) as T;
  }

  public async replace<T = Record<string, unknown>>(o: KubeObjectLike): Promise<T> {
    const n = this.record('replace', o as KubeObject);
    const before = this.objects.get(objectKey(n));
    if (!before) throw notFoundError(`${o.kind} ${n.metadata.name}`);
    const rv = (n.metadata as Json).resourceVersion;
    if (rv !== undefined && rv !== (before.metadata as Json).resourceVersion) {
      throw conflictError('the object has been modified; please apply your changes to the latest version and try again', 'update', o.kind);
    }
    return structuredClone(this.put(n)) as T;
  }

  public async mergePatch<T = Record<string, unknown>>(o: KubeObjectLike, patch: Record<string, unknown>, fieldManager: string): Promise<T> {
    const n = this.record('patch', o as KubeObject, { fieldManager });
    const before = this.objects.get(objectKey(n));
    if (!before) throw notFoundError(`${o.kind} ${n.metadata.name}`);
    return structuredClone(this.put(mergePatched(before, patch) as KubeObject)) as T;
  }

  public async servedResources(): Promise<ResourceInfo[]> {
    return [...this.served.values()].map((r) => ({ ...r, verbs: ['list', 'get', 'delete', 'patch'] }));
  }

  private normalize(o: KubeObject): KubeObject {
    const r = this.served.get(`${o.apiVersion}/${o.kind}`);
    const namespace = r && !r.namespaced ? undefined : (o.metadata.namespace ?? 'default');
    const { namespace: _ns, ...meta } = o.metadata;
    return { ...o, metadata: { ...meta, ...(namespace ? { namespace } : {}) } } as KubeObject;
  }

  private check(call: Call): void {
    this.calls.push(call);
    const e = this.fail(call);
    if (e) throw e;
  }

  private record(verb: Call['verb'], o: KubeObject, opts: { dryRun?: boolean; force?: boolean; fieldManager?: string } = {}): KubeObject {
    const n = this.normalize(o);
    const { dryRun, force, fieldManager } = opts;
    this.check({ verb, apiVersion: o.apiVersion, kind: o.kind, namespace: n.metadata.namespace, name: n.metadata.name, dryRun, force, fieldManager });
    if (!this.served.has(`${o.apiVersion}/${o.kind}`)) {
      throw apiError(
        { status: 404, method: 'GET', path: '/', body: { message: `the server could not find the requested resource (${o.kind})` } },
        verb,
        o.kind,
      );
    }
    return n;
  }
}

function conflictError(message: string, verb: string, resource: string): Error {
  return apiError({ status: 409, method: 'PUT', path: '/', body: { message, reason: 'Conflict' } }, verb, resource);
}

/** RFC 7386: objects merge, `null` deletes, everything else replaces. */
function mergePatched(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Json = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) delete out[k];
    else out[k] = mergePatched(out[k], v);
  }
  return out;
}

function stripServer(o: KubeObject): unknown {
  const { status: _s, ...rest } = o as KubeObject & { status?: unknown };
  const { resourceVersion: _r, managedFields: _m, ...meta } = o.metadata as Json;
  return { ...rest, metadata: meta };
}

/** `a=b,c=d` (and bare `key` for existence). */
function matches(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const eq = term.indexOf('=');
    return eq < 0 ? term in labels : labels[term.slice(0, eq)] === term.slice(eq + 1);
  });
}

/**
 * What a healthy installation of a runtime looks like to `status`: its CRDs Established, an
 * operator Deployment found by the first selector, Available, with one Ready pod.
 */
export function healthyRuntime(info: RuntimeInfo, opts: { established?: boolean; version?: string } = {}): KubeObject[] {
  const [key, value] = info.operatorSelectors[0]!.split('=') as [string, string];
  const crds = info.crdNames.map((name): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    status: {
      conditions: [
        {
          type: 'Established',
          status: opts.established === false ? 'False' : 'True',
          reason: opts.established === false ? 'Installing' : 'InitialNamesAccepted',
        },
      ],
    },
  }));
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${info.id}-operator`,
      namespace: info.defaultNamespace,
      labels: { [key]: value, 'app.kubernetes.io/version': opts.version ?? info.defaultOperatorVersion },
    },
    spec: {
      selector: { matchLabels: { app: `${info.id}-operator` } },
      template: { spec: { containers: [{ name: 'manager', image: `example.io/${info.operatorImageHint}:v9.9.9` }] } },
    },
    status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
  };
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${info.id}-operator-abc`, namespace: info.defaultNamespace, labels: { app: `${info.id}-operator` } },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
  return [...crds, deployment, pod];
}
