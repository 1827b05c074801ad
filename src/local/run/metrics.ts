import { ModelstackError, errorMessage } from '../../errors.js';
import type { IoHost } from '../../io/io-host.js';
import { MESSAGES } from '../../io/messages.js';
import { computeConcepts } from '../../metrics/compute.js';
import { type CollectResult, type MetricsProblem, type ModelMetrics, sleep } from '../../metrics/model-metrics.js';
import { type MetricsSnapshot, parseMetricsText } from '../../metrics/prometheus-text.js';
import { conceptTables } from '../../metrics/tables/index.js';
import { isRuntimeId } from '../../model/ids.js';
import { runtimeInfo } from '../../runtimes/registry.js';
import type { ContainerEngine, ContainerInfo } from '../container-engine/container-engine.js';
import { MODEL_LABEL, RUNTIME_LABEL } from '../local-labels.js';
import { ps } from './ps.js';

export interface LocalMetricsOptions {
  readonly project: string;
  /** Only the containers of these services. @default all */
  readonly services?: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly io: IoHost;
}

const PATH = '/metrics';

/**
 * The metrics table of a local run: every running container of the project's models is asked
 * for `/metrics` on each TCP port `local up` published (a Dynamo frontend's HTTP port, a worker's
 * system port, an engine server's port); the ports that answer Prometheus text are scraped again
 * `intervalMs` later and merged per model (each series labelled with its URL, so two workers'
 * counters stay apart). A model none of whose published ports serves metrics is a problem, not
 * a table of zeros.
 */
export async function localMetrics(engine: ContainerEngine, opts: LocalMetricsOptions): Promise<CollectResult & { readonly project: string }> {
  const containers = (await ps(engine, { project: opts.project, services: opts.services ?? [] })).filter((c) => c.state === 'running');
  const byModel = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const model = c.labels[MODEL_LABEL];
    if (model) byModel.set(model, [...(byModel.get(model) ?? []), c]);
  }
  const problems: MetricsProblem[] = [];
  const models: ModelMetrics[] = [];
  const firsts = new Map<string, Map<string, MetricsSnapshot>>();
  for (const [model, cs] of byModel) {
    const urls = cs.flatMap((c) => c.ports.filter((p) => p.protocol === 'tcp').map((p) => `http://${loopbackFor(p.hostIp)}:${p.hostPort}${PATH}`));
    const answered = new Map<string, MetricsSnapshot>();
    await Promise.all(
      urls.map(async (url) => {
        const snap = await scrape(url, opts).catch(() => undefined);
        if (snap) answered.set(url, snap);
      }),
    );
    if (answered.size === 0) {
      problems.push({
        namespace: opts.project,
        name: model,
        message: `no published port of model ${model} serves Prometheus text at ${PATH}${urls.length ? ` (tried ${urls.join(', ')})` : ' (it publishes no port)'}`,
        hint: 'Dynamo frontends and workers and engine servers serve it; a Ray head serves it on its metrics port (8080), which local up does not publish',
      });
      continue;
    }
    firsts.set(model, answered);
  }
  if (firsts.size > 0) await sleep(opts.intervalMs, opts.signal);
  for (const [model, before] of firsts) {
    const runtime = byModel.get(model)![0]!.labels[RUNTIME_LABEL];
    try {
      const after = new Map<string, MetricsSnapshot>();
      for (const url of before.keys()) after.set(url, await scrape(url, opts));
      const a = merge(before);
      const b = merge(after);
      const id = isRuntimeId(runtime) ? runtime : 'dynamo';
      models.push({
        namespace: opts.project,
        name: model,
        runtime: id,
        kind: runtimeInfo(id).model.kind,
        engine: null,
        endpoint: [...before.keys()].join(', '),
        intervalMs: b.at - a.at,
        values: computeConcepts(conceptTables(id), a, b),
      });
    } catch (e) {
      if (!(e instanceof ModelstackError)) throw e;
      problems.push({ namespace: opts.project, name: model, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
    }
  }
  return { project: opts.project, models, problems };
}

/** A published address as this machine reaches it: all interfaces means loopback. */
function loopbackFor(hostIp: string): string {
  if (hostIp === '' || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::') return '[::1]';
  return hostIp.includes(':') ? `[${hostIp}]` : hostIp;
}

/** One GET under a deadline covering the body too; not Prometheus text is an error. */
async function scrape(url: string, opts: LocalMetricsOptions): Promise<MetricsSnapshot> {
  opts.io.notify(MESSAGES.METRICS_SCRAPE.make(`scraping ${url}`, { port: new URL(url).port, url }));
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
  let text: string;
  try {
    const res = await fetch(url, { signal, headers: { Accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' } });
    text = await res.text();
    if (!res.ok) throw new ModelstackError('NOT_FOUND', `${url} answered ${res.status}`);
  } catch (e) {
    if (e instanceof ModelstackError) throw e;
    if (deadline.aborted) {
      throw new ModelstackError('TIMEOUT', `scrape of ${url}: no complete answer within ${opts.timeoutMs / 1000}s`, { hint: 'retry, or raise --timeout' });
    }
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw new ModelstackError('LOCAL', `scrape of ${url} failed: ${errorMessage(e)}`, { hint: 'check that the container is running ("modelstack local ps")' });
  }
  return parseMetricsText(text);
}

/** The snapshots of one model's endpoints as one, each series labelled with its endpoint. */
function merge(snaps: ReadonlyMap<string, MetricsSnapshot>): MetricsSnapshot {
  const all = [...snaps.entries()];
  return {
    samples: all.flatMap(([url, s]) => s.samples.map((x) => ({ ...x, labels: { ...x.labels, modelstack_endpoint: url } }))),
    types: new Map(all.flatMap(([, s]) => [...s.types])),
    at: Math.max(...all.map(([, s]) => s.at)),
  };
}
