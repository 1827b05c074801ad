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

/** Time between the two scrapes rates and quantiles are computed from. */
export const DEFAULT_METRICS_INTERVAL_MS = 5_000;
/** How long one scrape through the API server may take. */
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

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
  /** Time between the two scrapes. */
  readonly intervalMs: number;
  readonly values: readonly ConceptValue[];
}

/** A model that could not be scraped (only when several are shown; one named model throws instead). */
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
  const scrape = (t: Target): Promise<MetricsSnapshot> => scrapeOnce(kube, t, opts);
  const first = await Promise.allSettled(targets.map(scrape));
  await sleep(opts.intervalMs, opts.signal);
  const second = await Promise.allSettled(targets.map((t, i) => (first[i]!.status === 'fulfilled' ? scrape(t) : Promise.reject(new Error('skipped')))));
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
    const before = (a as PromiseFulfilledResult<MetricsSnapshot>).value;
    const after = (b as PromiseFulfilledResult<MetricsSnapshot>).value;
    models.push({
      namespace: t.row.namespace,
      name: t.row.name,
      runtime: t.row.runtime,
      kind: t.row.kind,
      engine: t.engine,
      endpoint: `Service ${t.row.namespace}/${t.service} port ${t.port} ${t.path}`,
      intervalMs: after.at - before.at,
      values: computeConcepts(conceptTables(t.row.runtime, t.engine ?? undefined), before, after),
    });
  });
  return { models, problems };
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
  const engine = await engineOf(kube, row);
  const m = info.metrics;
  const selector = m.scrapeServiceSelector(row.name);
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const services = (await kube.list<ServiceLike>('v1', 'Service', { namespace: row.namespace, labelSelector })) ?? [];
  const service = services.find((s) => (s.spec?.ports ?? []).some((p) => p.name === m.scrapePort.port));
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
  return { row, engine, service: name, port: m.scrapePort.port, path: m.scrapePort.path };
}

/** The engine a model runs: a Dynamo graph's spec.backendFramework; Ray Serve LLM runs vLLM. */
async function engineOf(kube: KubeApi, row: ModelRow): Promise<string | null> {
  if (row.runtime === 'kuberay') return 'vllm';
  const info = runtimeInfo(row.runtime);
  const obj = await kube.get<{ spec?: { backendFramework?: unknown } }>({
    apiVersion: `${info.model.group}/${info.model.version}`,
    kind: info.model.kind,
    metadata: { name: row.name, namespace: row.namespace },
  });
  const framework = obj?.spec?.backendFramework;
  return typeof framework === 'string' && framework !== '' ? framework : null;
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
  readonly spec?: { readonly ports?: ReadonlyArray<{ readonly name?: string; readonly port?: number }> };
}

interface EndpointSliceLike {
  readonly ports?: ReadonlyArray<{ readonly name?: string }>;
  readonly endpoints?: ReadonlyArray<{ readonly addresses?: readonly string[]; readonly conditions?: { readonly ready?: boolean } }>;
}
