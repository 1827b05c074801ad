import { limiter } from '../util/limiter.js';
import { ModelstackError, errorMessage } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import { ForbiddenError } from '../kube/api-error.js';
import type { KubeApi } from '../kube/kube-api.js';
import { ListForbiddenError } from '../list/list-forbidden-error.js';
import { listModels, type ModelRow } from '../list/list-models.js';
import { runtimeInfo } from '../runtimes/registry.js';
import { computeConcepts, type ConceptValue } from './compute.js';
import { type MetricsSnapshot, parseMetricsText } from './prometheus-text.js';
import { conceptTables } from './tables/index.js';
import { findWorkerPods, mergeSnapshots, type WorkerPod, type WorkerPods } from './worker-pods.js';
import type { WorkerPodsInfo } from '../runtimes/runtime-info.js';

export { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_SCRAPE_TIMEOUT_MS } from './scrape-defaults.js';

/** Scrapes through the API server's proxies in flight at once (a namespace of many models, each with its worker pods). */
const SCRAPES_IN_FLIGHT = 8;

export interface CollectOptions {
  /** A namespace, or undefined for all namespaces. */
  readonly namespace?: string;
  /** Only this model (name of its DynamoGraphDeployment or RayService). */
  readonly model?: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Aborting stops the wait between the scrapes (the call then throws the abort reason). */
  readonly signal?: AbortSignal;
  readonly io: IoHost;
}

/** What was scraped for one model, and where. */
export interface ModelMetrics {
  readonly namespace: string;
  readonly name: string;
  readonly runtime: ModelRow['runtime'];
  readonly kind: string;
  /** The engine the concept tables were chosen for (vllm, sglang, trtllm); null when unknown. */
  readonly engine: string | null;
  /** `Service <ns>/<name> port <port> <path>`: the endpoint scraped through the API server. */
  readonly endpoint: string;
  /**
   * The worker pods scraped too (through the API server's pod proxy) and merged in: `Pod
   * <ns>/<name> port <name> (<number>) <path>`, those that answered both scrapes (absent for local runs).
   */
  readonly workers?: readonly string[];
  /** Time between the two scrapes. */
  readonly intervalMs: number;
  readonly values: readonly ConceptValue[];
}

/**
 * A model that could not be scraped (only when several are shown; one named model throws instead),
 * or one of its worker pods that could not be (the model's table is then shown without it).
 */
export interface MetricsProblem {
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
  readonly hint?: string;
}

export interface CollectResult {
  readonly models: readonly ModelMetrics[];
  readonly problems: readonly MetricsProblem[];
}

interface Target {
  readonly row: ModelRow;
  readonly engine: string | null;
  readonly service: string;
  readonly port: string;
  readonly path: string;
  /** The model object as read (for the runtime's worker pod selector). */
  readonly object: unknown;
  readonly workerInfo?: WorkerPodsInfo;
}

/** A target's worker pods to scrape with it. */
interface Workers {
  readonly info: WorkerPodsInfo;
  readonly found: WorkerPods;
}

/**
 * Finds the models (both runtimes, as `list` does), then per model the Service its runtime's
 * operator publishes metrics on (RuntimeInfo.metrics) and scrapes it twice through the API
 * server's service proxy, `intervalMs` apart, into the concept table of its runtime and engine.
 * A named model that is missing, not Ready, without a ready endpoint, refused (403) or not
 * answering in time is an error; of several models those are returned as problems.
 */
export async function collectMetrics(kube: KubeApi, opts: CollectOptions): Promise<CollectResult> {
  if (!kube.serviceProxyGet) {
    throw new ModelstackError('USAGE', 'this cluster client cannot reach Services through the API server proxy', {
      hint: 'use the toolkit with a kubeconfig (its KubeClient), or a KubeApi that implements serviceProxyGet',
    });
  }
  const listed = await listModels(kube, { namespace: opts.namespace });
  for (const note of listed.notes) opts.io.notify(MESSAGES.LIST_NOTE.make(note, { note }));
  if (listed.forbidden.length > 0) throw new ListForbiddenError({ ...listed, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) });
  const rows = opts.model === undefined ? listed.models : listed.models.filter((m) => m.name === opts.model);
  if (opts.model !== undefined && rows.length === 0) {
    const where = opts.namespace === undefined ? 'any namespace' : `namespace ${opts.namespace}`;
    throw new ModelstackError('NOT_FOUND', `model "${opts.model}" not found in ${where} (no DynamoGraphDeployment or RayService of that name)`, {
      hint: `run "modelstack list${opts.namespace === undefined ? ' -A' : ` -n ${opts.namespace}`}" to see the models there`,
    });
  }
  const single = opts.model !== undefined && rows.length === 1;
  const problems: MetricsProblem[] = [];
  const targets: Target[] = [];
  for (const row of rows) {
    try {
      targets.push(await findTarget(kube, row));
    } catch (e) {
      if (single || !(e instanceof ModelstackError) || e instanceof ForbiddenError) throw e;
      problems.push(problemOf(row, e));
    }
  }
  // Worker pods: listed once; a list refused or a pod without the port is a problem line, the model still shown.
  const workers = new Map<Target, Workers>();
  for (const t of targets) {
    if (!t.workerInfo || !kube.podProxyGet) continue;
    try {
      const found = await findWorkerPods(kube, t.row.namespace, t.row.name, t.object, t.workerInfo);
      if (!found) continue;
      workers.set(t, { info: t.workerInfo, found });
      for (const u of found.unscrapable) problems.push(workerProblem(t, u.name, t.workerInfo, `not scraped: ${u.reason}`));
      if (found.pods.length === 0 && found.unscrapable.length === 0 && t.workerInfo.expected) {
        problems.push({
          namespace: t.row.namespace,
          name: t.row.name,
          message: `no running worker pod (labels ${found.selector}): the rows only workers publish (KV cache, prefix cache) are missing, not unpublished`,
          hint: `check "kubectl get pods -n ${t.row.namespace} -l '${found.selector}'"`,
        });
      }
    } catch (e) {
      if (!(e instanceof ModelstackError)) throw e;
      const why = e instanceof ForbiddenError ? `${e.message} (finding the worker pods needs list pods)` : e.message;
      problems.push({
        namespace: t.row.namespace,
        name: t.row.name,
        message: `worker pods not scraped: ${why}; the rows only workers publish (KV cache, prefix cache) are missing`,
        ...(e.hint ? { hint: e.hint } : {}),
      });
    }
  }
  // Every scrape (Services and worker pods, all models) goes through one gate: at most
  // SCRAPES_IN_FLIGHT proxy requests at once, each with its own deadline from when it starts.
  const gate = limiter(SCRAPES_IN_FLIGHT);
  const scrape = (t: Target): Promise<MetricsSnapshot> => gate(() => scrapeOnce(kube, t, opts));
  const scrapeWorkers = (t: Target, pods: readonly WorkerPod[]): Promise<Array<PromiseSettledResult<MetricsSnapshot>>> =>
    Promise.allSettled(pods.map((p) => gate(() => scrapePod(kube, t, workers.get(t)!.info, p, opts))));
  const podsOf = (t: Target): readonly WorkerPod[] => workers.get(t)?.found.pods ?? [];
  const [first, firstWorkers] = await Promise.all([Promise.allSettled(targets.map(scrape)), Promise.all(targets.map((t) => scrapeWorkers(t, podsOf(t))))]);
  await sleep(opts.intervalMs, opts.signal);
  // The second round: only what answered the first (a pod scraped once has no increase to give).
  const again = targets.map((t, i) => podsOf(t).filter((_, j) => firstWorkers[i]![j]!.status === 'fulfilled'));
  const [second, secondWorkers] = await Promise.all([
    Promise.allSettled(targets.map((t, i) => (first[i]!.status === 'fulfilled' ? scrape(t) : Promise.reject(new Error('skipped'))))),
    Promise.all(targets.map((t, i) => (first[i]!.status === 'fulfilled' ? scrapeWorkers(t, again[i]!) : Promise.resolve([])))),
  ]);
  const models: ModelMetrics[] = [];
  targets.forEach((t, i) => {
    const a = first[i]!;
    const b = second[i]!;
    const failed = a.status === 'rejected' ? a.reason : b.status === 'rejected' ? b.reason : undefined;
    if (failed !== undefined) {
      if (single || !(failed instanceof ModelstackError) || failed instanceof ForbiddenError) throw failed;
      problems.push(problemOf(t.row, failed));
      return;
    }
    const w = workers.get(t);
    const pairs: Array<{ pod: WorkerPod; before: MetricsSnapshot; after: MetricsSnapshot }> = [];
    podsOf(t).forEach((pod, j) => {
      const wa = firstWorkers[i]![j]!;
      const k = again[i]!.indexOf(pod);
      const wb = k >= 0 ? secondWorkers[i]![k] : undefined;
      const bad = wa.status === 'rejected' ? wa.reason : wb?.status === 'rejected' ? wb.reason : undefined;
      if (bad !== undefined) {
        if (!(bad instanceof ModelstackError)) throw bad;
        problems.push(workerProblem(t, pod.name, w!.info, bad.message, bad.hint));
        return;
      }
      if (wa.status === 'fulfilled' && wb?.status === 'fulfilled') pairs.push({ pod, before: wa.value, after: wb.value });
    });
    const before = mergeSnapshots(
      (a as PromiseFulfilledResult<MetricsSnapshot>).value,
      pairs.map((p) => ({ pod: p.pod.name, snapshot: p.before })),
    );
    const after = mergeSnapshots(
      (b as PromiseFulfilledResult<MetricsSnapshot>).value,
      pairs.map((p) => ({ pod: p.pod.name, snapshot: p.after })),
    );
    models.push({
      namespace: t.row.namespace,
      name: t.row.name,
      runtime: t.row.runtime,
      kind: t.row.kind,
      engine: t.engine,
      endpoint: `Service ${t.row.namespace}/${t.service} port ${t.port} ${t.path}`,
      workers: pairs.map((p) => podEndpoint(t, w!.info, p.pod)),
      intervalMs: after.at - before.at,
      values: computeConcepts(conceptTables(t.row.runtime, t.engine ?? undefined), before, after),
    });
  });
  return { models, problems };
}

function podEndpoint(t: Target, info: WorkerPodsInfo, pod: WorkerPod): string {
  return `Pod ${t.row.namespace}/${pod.name} port ${info.port} (${pod.port}) ${info.path}`;
}

function workerProblem(t: Target, pod: string, info: WorkerPodsInfo, message: string, hint?: string): MetricsProblem {
  return {
    namespace: t.row.namespace,
    name: t.row.name,
    message: `worker pod ${pod} (port "${info.port}"): ${message}; the model's numbers are shown without it`,
    ...(hint ? { hint } : {}),
  };
}

function problemOf(row: ModelRow, e: ModelstackError): MetricsProblem {
  return { namespace: row.namespace, name: row.name, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

async function findTarget(kube: KubeApi, row: ModelRow): Promise<Target> {
  const info = runtimeInfo(row.runtime);
  if (row.phase !== 'Ready') {
    throw new ModelstackError('NOT_FOUND', `model ${row.namespace}/${row.name} is not ready yet (${row.phase}${row.message ? `: ${row.message}` : ''})`, {
      hint: `metrics are served once it is Ready; "modelstack list -n ${row.namespace}" shows its phase`,
    });
  }
  const object = await kube.get({
    apiVersion: `${info.model.group}/${info.model.version}`,
    kind: info.model.kind,
    metadata: { name: row.name, namespace: row.namespace },
  });
  const engine = engineOf(row, object);
  const m = info.metrics;
  const selector = m.scrapeServiceSelector(row.name);
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const services = (await kube.list<ServiceLike>('v1', 'Service', { namespace: row.namespace, labelSelector })) ?? [];
  const hasPort = (s: ServiceLike): boolean => (s.spec?.ports ?? []).some((p) => p.name === m.scrapePort.port);
  const service =
    services.find(hasPort) ?? (m.scrapeServicePods ? await serviceByPods(kube, row.namespace, m.scrapeServicePods(row.name), hasPort) : undefined);
  if (!service) {
    throw new ModelstackError(
      'NOT_FOUND',
      `model ${row.namespace}/${row.name} has no Service with a port named "${m.scrapePort.port}" (labels ${labelSelector})`,
      {
        hint: `the ${info.displayName} operator creates it with the model; check "kubectl get services -n ${row.namespace} -l ${labelSelector}"`,
      },
    );
  }
  const name = service.metadata.name;
  const slices =
    (await kube.list<EndpointSliceLike>('discovery.k8s.io/v1', 'EndpointSlice', {
      namespace: row.namespace,
      labelSelector: `kubernetes.io/service-name=${name}`,
    })) ?? [];
  const ready = slices
    .filter((s) => (s.ports ?? []).some((p) => p.name === m.scrapePort.port))
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false && (e.addresses ?? []).length > 0);
  if (ready.length === 0) {
    throw new ModelstackError('NOT_FOUND', `Service ${row.namespace}/${name} of model ${row.name} has no ready endpoint for port "${m.scrapePort.port}"`, {
      hint: `no pod of the model serves metrics yet; check its pods ("kubectl get endpointslices -n ${row.namespace} -l kubernetes.io/service-name=${name}")`,
    });
  }
  return { row, engine, service: name, port: m.scrapePort.port, path: m.scrapePort.path, object, ...(m.workerPods ? { workerInfo: m.workerPods } : {}) };
}

/**
 * The Service with the port whose selector picks the model's pods (by `podLabels`), for an
 * operator that puts the component labels in a Service's selector but not on the Service.
 */
async function serviceByPods(
  kube: KubeApi,
  namespace: string,
  podLabels: Readonly<Record<string, string>>,
  hasPort: (s: ServiceLike) => boolean,
): Promise<ServiceLike | undefined> {
  const labelSelector = Object.entries(podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = (await kube.list<{ metadata: { labels?: Record<string, string> } }>('v1', 'Pod', { namespace, labelSelector })) ?? [];
  if (pods.length === 0) return undefined;
  const services = ((await kube.list<ServiceLike>('v1', 'Service', { namespace })) ?? []).filter(hasPort);
  return services
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .find((s) => {
      const sel = Object.entries(s.spec?.selector ?? {});
      return sel.length > 0 && pods.some((p) => sel.every(([k, v]) => p.metadata.labels?.[k] === v));
    });
}

/** The engine a model runs: a Dynamo graph's spec.backendFramework; Ray Serve LLM runs vLLM. */
function engineOf(row: ModelRow, object: unknown): string | null {
  if (row.runtime === 'kuberay') return 'vllm';
  const framework = (object as { spec?: { backendFramework?: unknown } } | undefined)?.spec?.backendFramework;
  return typeof framework === 'string' && framework !== '' ? framework : null;
}

/** One scrape of a worker pod through the API server's pod proxy; errors say which pod and why. */
async function scrapePod(kube: KubeApi, t: Target, info: WorkerPodsInfo, pod: WorkerPod, opts: CollectOptions): Promise<MetricsSnapshot> {
  const ns = t.row.namespace;
  opts.io.notify(
    MESSAGES.METRICS_POD_SCRAPE.make(`scraping Pod ${ns}/${pod.name} port ${pod.port} ${info.path} through the API server`, {
      namespace: ns,
      pod: pod.name,
      port: pod.port,
    }),
  );
  let text: string;
  try {
    text = await kube.podProxyGet!(ns, pod.name, pod.port, info.path, opts.timeoutMs);
  } catch (e) {
    if (e instanceof ForbiddenError) {
      throw new ModelstackError('FORBIDDEN', `${e.message} (scraping worker pods goes through the API server's pod proxy)`, {
        hint: `ask for RBAC permission to get pods/proxy in namespace ${ns}`,
        exitCode: 2,
        cause: e,
      });
    }
    if (e instanceof ModelstackError && e.code === 'TIMEOUT') {
      throw new ModelstackError('TIMEOUT', `scrape of port ${pod.port} ${info.path}: no complete answer within ${opts.timeoutMs / 1000}s`, {
        hint: 'the worker is slow or unreachable from the API server; retry, or raise --timeout',
        cause: e,
      });
    }
    if (e instanceof ModelstackError) {
      throw new ModelstackError(e.code, `scrape of port ${pod.port} ${info.path} failed: ${e.message}`, {
        hint: 'check that the worker is running and serves Prometheus text on that port',
        cause: e,
      });
    }
    throw new ModelstackError('INTERNAL', `scrape of Pod ${ns}/${pod.name} failed: ${errorMessage(e)}`, { cause: e });
  }
  try {
    return parseMetricsText(text);
  } catch (e) {
    if (e instanceof ModelstackError) throw new ModelstackError(e.code, `port ${pod.port} ${info.path}: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}) });
    throw e;
  }
}

async function scrapeOnce(kube: KubeApi, t: Target, opts: CollectOptions): Promise<MetricsSnapshot> {
  const where = `Service ${t.row.namespace}/${t.service} port ${t.port}`;
  opts.io.notify(
    MESSAGES.METRICS_SCRAPE.make(`scraping ${where} ${t.path} through the API server`, { namespace: t.row.namespace, service: t.service, port: t.port }),
  );
  let text: string;
  try {
    text = await kube.serviceProxyGet!(t.row.namespace, t.service, t.port, t.path, opts.timeoutMs);
  } catch (e) {
    if (e instanceof ForbiddenError) {
      throw new ModelstackError('FORBIDDEN', `${e.message} (scraping ${where} goes through the API server's service proxy)`, {
        hint: `ask for RBAC permission to get services/proxy in namespace ${t.row.namespace}`,
        exitCode: 2,
        cause: e,
      });
    }
    if (e instanceof ModelstackError && e.code === 'TIMEOUT') {
      throw new ModelstackError('TIMEOUT', `scrape of ${where} ${t.path} for model ${t.row.name}: no complete answer within ${opts.timeoutMs / 1000}s`, {
        hint: "the model's metrics endpoint is slow or unreachable from the API server; retry, or raise --timeout",
        cause: e,
      });
    }
    if (e instanceof ModelstackError) {
      throw new ModelstackError(e.code, `scrape of ${where} ${t.path} for model ${t.row.name} failed: ${e.message}`, {
        hint: "check that the model's pods are running and serve Prometheus text on that port",
        cause: e,
      });
    }
    throw new ModelstackError('INTERNAL', `scrape of ${where} failed: ${errorMessage(e)}`, { cause: e });
  }
  try {
    return parseMetricsText(text);
  } catch (e) {
    if (e instanceof ModelstackError) throw new ModelstackError(e.code, `${where} ${t.path}: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}) });
    throw e;
  }
}

/** Waits `ms`, or until `signal` aborts (then rejects with its reason). The timer never outlives it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface ServiceLike {
  readonly metadata: { readonly name: string };
  readonly spec?: {
    readonly ports?: ReadonlyArray<{ readonly name?: string; readonly port?: number }>;
    readonly selector?: Readonly<Record<string, string>>;
  };
}

interface EndpointSliceLike {
  readonly ports?: ReadonlyArray<{ readonly name?: string }>;
  readonly endpoints?: ReadonlyArray<{ readonly addresses?: readonly string[]; readonly conditions?: { readonly ready?: boolean } }>;
}
