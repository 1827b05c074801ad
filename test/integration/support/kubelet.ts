// The kubelet, played: the test cluster runs a real kube-apiserver, kube-controller-manager and
// (optionally) the KubeRay operator, but no node. Pods that the real controllers create stay
// Pending until a test sets their status here, as a kubelet would after running the containers.
// Everything above Pods (ReplicaSets, Deployment availability, Job completion, RayCluster state)
// is the real controllers' reaction to what is written here.
import type { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/model/kube-object.js';
import { applyStatus } from './status-writer.js';

const FIELD_MANAGER = 'kubelet';

interface LivePod extends KubeObject {
  metadata: KubeObject['metadata'] & { creationTimestamp?: string; deletionTimestamp?: string };
  spec?: { containers?: Array<{ name: string; image?: string }> };
  status?: { phase?: string };
}

interface Selectable {
  spec?: { selector?: { matchLabels?: Record<string, string> } };
}

/** Polls `check` every 100 ms until it returns a value other than undefined; throws after timeoutMs naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The label selector of the Pods `owner` (a Deployment, ReplicaSet or Job, or a selector string) runs. */
async function selectorOf(client: KubeClient, owner: KubeObject | string): Promise<string> {
  if (typeof owner === 'string') return owner;
  if (owner.kind === 'Job') return `batch.kubernetes.io/job-name=${owner.metadata.name}`;
  const live = await client.get<KubeObject & Selectable>(owner);
  const labels = live?.spec?.selector?.matchLabels;
  if (!labels) throw new Error(`kubelet: ${owner.kind} ${owner.metadata.namespace}/${owner.metadata.name} has no selector.matchLabels`);
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Pods in `namespace` matching `owner`'s selector, not being deleted. */
export async function podsOf(client: KubeClient, namespace: string, owner: KubeObject | string): Promise<LivePod[]> {
  const labelSelector = await selectorOf(client, owner);
  const pods = (await client.list<LivePod>('v1', 'Pod', { namespace, labelSelector })) ?? [];
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

/** Waits until the controllers have created at least `count` Pods for `owner`, and returns them. */
export async function waitForPods(client: KubeClient, namespace: string, owner: KubeObject | string, count = 1, timeoutMs = 30_000): Promise<LivePod[]> {
  const what = typeof owner === 'string' ? owner : `${owner.kind} ${namespace}/${owner.metadata.name}`;
  return waitFor(
    `${count} pod(s) of ${what}`,
    async () => {
      const pods = await podsOf(client, namespace, owner);
      return pods.length >= count ? pods : undefined;
    },
    timeoutMs,
  );
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function condition(type: string, ok: boolean, t: string, reason?: string) {
  return { type, status: ok ? 'True' : 'False', lastTransitionTime: t, ...(reason ? { reason } : {}) };
}

/** Marks one Pod Running, its containers started and Ready (or running but not Ready). */
export async function setPodRunning(client: KubeClient, pod: LivePod, ready = true): Promise<void> {
  const t = now();
  await applyStatus(
    client,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
      status: {
        phase: 'Running',
        startTime: pod.metadata.creationTimestamp ?? t,
        hostIP: '127.0.0.1',
        podIP: '127.0.0.1',
        conditions: [
          condition('PodScheduled', true, t),
          condition('Initialized', true, t),
          condition('ContainersReady', ready, t),
          condition('Ready', ready, t),
        ],
        containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: t } },
        })),
      },
    },
    FIELD_MANAGER,
  );
}

/** Marks one Pod finished: Succeeded (exit code 0) or Failed with `reason` (e.g. Error, OOMKilled). */
export async function setPodFinished(
  client: KubeClient,
  pod: LivePod,
  result: { succeeded: true } | { reason: string; exitCode?: number; message?: string },
): Promise<void> {
  const t = now();
  const ok = 'succeeded' in result;
  const terminated = ok
    ? { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t }
    : { exitCode: result.exitCode ?? 1, reason: result.reason, ...(result.message ? { message: result.message } : {}), startedAt: t, finishedAt: t };
  await applyStatus(
    client,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
      status: {
        phase: ok ? 'Succeeded' : 'Failed',
        startTime: pod.metadata.creationTimestamp ?? t,
        conditions: [
          condition('PodScheduled', true, t),
          condition('Initialized', true, t),
          condition('ContainersReady', false, t, 'PodCompleted'),
          condition('Ready', false, t, 'PodCompleted'),
        ],
        containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: { terminated },
        })),
      },
    },
    FIELD_MANAGER,
  );
}

/** Waits for `count` Pods of `owner` and marks them all Running and Ready (or not Ready). */
export async function runPods(
  client: KubeClient,
  namespace: string,
  owner: KubeObject | string,
  opts: { ready?: boolean; count?: number } = {},
): Promise<LivePod[]> {
  const pods = await waitForPods(client, namespace, owner, opts.count ?? 1);
  for (const pod of pods) await setPodRunning(client, pod, opts.ready ?? true);
  return pods;
}

/** Waits for a Pod of `owner` (a Job) and finishes it: Succeeded, or Failed with a reason. */
export async function finishPod(client: KubeClient, namespace: string, owner: KubeObject, result: Parameters<typeof setPodFinished>[2]): Promise<LivePod> {
  const pods = await waitForPods(client, namespace, owner);
  const pod = pods.find((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  if (!pod) throw new Error(`kubelet: every pod of ${owner.kind} ${namespace}/${owner.metadata.name} has already finished`);
  await setPodFinished(client, pod, result);
  return pod;
}
