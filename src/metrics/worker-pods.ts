import type { KubeApi } from '../kube/kube-api.js';
import type { WorkerPodsInfo } from '../runtimes/runtime-info.js';
import type { MetricsSnapshot } from './prometheus-text.js';

/** A running worker pod of a model and the number of its metrics port (the pod proxy needs a number). */
export interface WorkerPod {
  readonly name: string;
  /** The container port's number, as text. */
  readonly port: string;
}

/** The worker pods found, and those that cannot be scraped (no port of that name). */
export interface WorkerPods {
  readonly selector: string;
  readonly pods: readonly WorkerPod[];
  readonly unscrapable: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

interface PodLike {
  readonly metadata: { readonly name: string };
  readonly spec?: { readonly containers?: ReadonlyArray<{ readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort?: number }> }> };
  readonly status?: { readonly phase?: string; readonly podIP?: string };
}

/**
 * The model's running worker pods (phase Running with a pod IP) by the runtime's labels, each with
 * the number of its container port named `info.port`. Pods not running yet serve nothing and are
 * left out; a running pod without that port is unscrapable. Undefined when the model object does
 * not name its workers yet (a RayService without an active RayCluster).
 */
export async function findWorkerPods(kube: KubeApi, namespace: string, model: string, object: unknown, info: WorkerPodsInfo): Promise<WorkerPods | undefined> {
  const selector = info.labelSelector(model, object);
  if (selector === undefined) return undefined;
  const listed = (await kube.list<PodLike>('v1', 'Pod', { namespace, labelSelector: selector })) ?? [];
  const pods: WorkerPod[] = [];
  const unscrapable: Array<{ name: string; reason: string }> = [];
  for (const p of [...listed].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    if (p.status?.phase !== 'Running' || !p.status.podIP) continue;
    const port = (p.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((x) => x.name === info.port)?.containerPort;
    if (port === undefined) unscrapable.push({ name: p.metadata.name, reason: `it has no container port named "${info.port}"` });
    else pods.push({ name: p.metadata.name, port: String(port) });
  }
  return { selector, pods, unscrapable };
}

/** The label each worker pod's samples get in a merged snapshot, so its series stay its own. */
export const POD_LABEL = 'modelstack_pod';

/**
 * One snapshot of a model from its Service scrape and its worker pods' scrapes: every pod's
 * samples with a `modelstack_pod` label, so counters and histogram buckets are increased per pod
 * and then summed (histograms merge by bucket bound), and gauges are summed or averaged over the
 * pods' series as their concept table says (KV-cache usage and prefix-cache hit rate: the mean).
 * Its time is the Service scrape's.
 */
export function mergeSnapshots(
  service: MetricsSnapshot,
  workers: ReadonlyArray<{ readonly pod: string; readonly snapshot: MetricsSnapshot }>,
): MetricsSnapshot {
  if (workers.length === 0) return service;
  const types = new Map(service.types);
  const samples = [...service.samples];
  for (const w of workers) {
    for (const [k, v] of w.snapshot.types) if (!types.has(k)) types.set(k, v);
    for (const s of w.snapshot.samples) samples.push({ ...s, labels: { ...s.labels, [POD_LABEL]: w.pod } });
  }
  return { samples, types, at: service.at };
}
