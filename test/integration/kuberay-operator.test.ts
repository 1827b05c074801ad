// modelstack's RayServices against the real KubeRay operator (ray-operator v1.6.0, built from its
// Go module and run out of cluster by the test cluster, watching only KUBERAY_NAMESPACES) and the
// real kube-controller-manager. Only the kubelet is played (support/kubelet.ts).
//
// How far the operator gets without a kubelet or Ray, as observed here: it creates the RayCluster,
// its head and worker Pods and the head Service within seconds; once the test marks the Pods
// Running and Ready, the RayCluster turns `ready` (HeadPodReady, RayClusterProvisioned). The
// RayService then stays Ready=False, reason Initializing: the operator next asks the Ray
// dashboard on the head (port 8265) for the Serve applications' status, and no Ray runs here, so
// it logs "failed to get Serve application statuses from the dashboard" and retries. Serve
// status, the switch of the pending cluster to active, and traffic are therefore not tested.
import { readFileSync } from 'node:fs';
import { RayModel, secretKey } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { destroy } from '../../src/apply/destroy.js';
import { runCli } from '../../src/cli/main.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import type { ModelstackError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { listModels } from '../../src/list/list-models.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { clusterInfo } from '../cluster/manage.js';
import { clientFor, describeWithKubeRay } from './support/cluster.js';
import { KUBERAY_NAMESPACES } from './support/env.js';
import { podsOf, runPods, waitFor } from './support/kubelet.js';
import { stackManifest } from './support/stack-manifest.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}
interface Owned extends KubeObject {
  metadata: KubeObject['metadata'] & {
    uid?: string;
    generation?: number;
    ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
  };
}
interface RayServiceLive extends Owned {
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    pendingServiceStatus?: { rayClusterName?: string };
    activeServiceStatus?: { rayClusterName?: string };
  };
}
interface RayClusterLive extends Owned {
  status?: { state?: string; conditions?: Condition[]; head?: { serviceName?: string } };
}
interface PodLive extends Owned {
  spec: {
    containers: Array<{
      name: string;
      env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
      resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    }>;
  };
}

const MODEL = 'Qwen/Qwen3-0.6B';
const NEXT_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const NO_PREFLIGHT = { skipPreflight: true };

const rayServiceRef = (ns: string, name: string): KubeObject => ({ apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { namespace: ns, name } });

async function rayClustersOf(client: KubeClient, ns: string, rayService: string): Promise<RayClusterLive[]> {
  const all = (await client.list<RayClusterLive>('ray.io/v1', 'RayCluster', { namespace: ns })) ?? [];
  return all.filter((rc) => rc.metadata.ownerReferences?.some((o) => o.kind === 'RayService' && o.name === rayService));
}

function envOf(pod: PodLive, container = 0): Record<string, unknown> {
  return Object.fromEntries((pod.spec.containers[container]!.env ?? []).map((e) => [e.name, e.valueFrom ?? e.value]));
}

function condition(o: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
  return o?.status?.conditions?.find((c) => c.type === type);
}

/** What ray-operator v1.6.0 logs when the head's dashboard does not answer (no Ray runs here). */
const DASHBOARD_FAILURE = 'failed to get Serve application statuses from the dashboard';

/** The log file of the shared cluster's KubeRay operator. */
async function operatorLog(): Promise<string> {
  const log = (await clusterInfo())?.controllers.find((c) => c.name === 'kuberay-operator')?.log;
  if (!log) throw new Error('the shared test cluster runs no KubeRay operator');
  return log;
}

async function deleteNamespaceAndWait(client: KubeClient, ns: string): Promise<void> {
  const ref: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
  if (!(await client.get(ref))) return;
  await client.delete(ref);
  await waitFor(`namespace ${ns} to be deleted by the namespace controller`, async () => ((await client.get(ref)) ? undefined : true), 60_000);
}

describeWithKubeRay('modelstack RayServices and the real KubeRay operator', (kubeconfig) => {
  const ns = KUBERAY_NAMESPACES[0];
  const name = 'qwen';
  let admin: KubeClient;

  const stack = (model: string) =>
    stackManifest(
      'kuberay-real',
      (s) => {
        new RayModel(s, name, {
          model,
          hfTokenSecret: secretKey('hf-token', 'token'),
          env: { MODELSTACK_TEST: 'kept' },
          autoscaling: { minReplicas: 1, maxReplicas: 2 },
        });
      },
      { namespace: ns },
    );

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    // A namespace the operator watches; a leftover of a run on a reused cluster is removed first.
    await deleteNamespaceAndWait(admin, ns);
  }, 90_000);

  test('apply: the operator makes a RayCluster, head and worker Pods and a head Service from our spec, GPU requests, env and Secret refs intact', async () => {
    await apply(admin, [stack(MODEL)], NO_PREFLIGHT, new RecordingIoHost());
    await admin.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ns, name: 'hf-token' }, stringData: { token: 'not-a-real-token' } },
      { fieldManager: 'kubectl' },
    );
    const rs = (await admin.get<RayServiceLive>(rayServiceRef(ns, name)))!;

    const [rc] = await waitFor('the operator to create a RayCluster', async () => {
      const rcs = await rayClustersOf(admin, ns, name);
      return rcs.length > 0 ? rcs : undefined;
    });
    expect(rc!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'RayService', name, uid: rs.metadata.uid, controller: true })]);
    const clusterSelector = `ray.io/cluster=${rc!.metadata.name}`;

    const [head] = (await waitForOwned(`${clusterSelector},ray.io/node-type=head`)) as PodLive[];
    const [worker] = (await waitForOwned(`${clusterSelector},ray.io/node-type=worker`)) as PodLive[];
    for (const pod of [head!, worker!]) {
      expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'RayCluster', name: rc!.metadata.name })]);
      expect(envOf(pod)).toMatchObject({ HF_TOKEN: { secretKeyRef: { name: 'hf-token', key: 'token' } }, MODELSTACK_TEST: 'kept' });
    }
    // One GPU per worker (tensorParallelSize 1), as request and limit; none on the head.
    expect(worker!.spec.containers[0]!.resources).toMatchObject({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } });
    expect(head!.spec.containers[0]!.resources?.limits?.['nvidia.com/gpu']).toBeUndefined();

    const svc = await waitFor('the head Service', () =>
      admin.get<Owned>({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name: `${rc!.metadata.name}-head-svc` } }),
    );
    expect(svc.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'RayCluster', name: rc!.metadata.name })]);

    // The operator's own report: a new RayService is initializing, its cluster pending.
    const reported = await waitFor('the operator to report the RayService', async () => {
      const live = await admin.get<RayServiceLive>(rayServiceRef(ns, name));
      return live?.status?.pendingServiceStatus?.rayClusterName ? live : undefined;
    });
    expect(reported.status?.pendingServiceStatus?.rayClusterName).toBe(rc!.metadata.name);
    expect(condition(reported, 'Ready')).toMatchObject({ status: 'False', reason: 'Initializing', observedGeneration: 1 });
  }, 90_000);

  test('with the Pods running (kubelet played) the RayCluster turns ready; the RayService stays Initializing: no Ray dashboard answers', async () => {
    const [rc] = await rayClustersOf(admin, ns, name);
    await runPods(admin, ns, `ray.io/cluster=${rc!.metadata.name},ray.io/node-type=head`);
    await runPods(admin, ns, `ray.io/cluster=${rc!.metadata.name},ray.io/node-type=worker`);
    const ready = await waitFor('the RayCluster to turn ready', async () => {
      const [live] = await rayClustersOf(admin, ns, name);
      return live?.status?.state === 'ready' ? live : undefined;
    });
    expect(condition(ready, 'HeadPodReady')).toMatchObject({ status: 'True', reason: 'HeadPodRunningAndReady' });
    expect(condition(ready, 'RayClusterProvisioned')).toMatchObject({ status: 'True' });

    const log = await operatorLog();
    await waitFor('the operator to ask the Ray dashboard for Serve status', async () =>
      readFileSync(log, 'utf8').includes(DASHBOARD_FAILURE) ? true : undefined,
    );
    const rs = await admin.get<RayServiceLive>(rayServiceRef(ns, name));
    expect(condition(rs, 'Ready')).toMatchObject({ status: 'False', reason: 'Initializing' });
  }, 90_000);

  test('list shows the operator-reported state; the live diff reports no drift on what the operator owns', async () => {
    const listed = await listModels(admin, { namespace: ns });
    expect(listed.models).toEqual([expect.objectContaining({ name, runtime: 'kuberay', kind: 'RayService', stack: 'kuberay-real' })]);
    expect(listed.models[0]!.phase).not.toBe('Ready');

    let out = '';
    expect(await runCli(['list', '--kubeconfig', kubeconfig, '-n', ns], { stdout: (t) => (out += t), stderr: () => {} })).toBe(0);
    expect(out).toMatch(new RegExp(`\\n${name}\\s+kuberay\\s+RayService\\s+\\S+\\s+\\d+/\\d+\\s+kuberay-real`));

    // The operator wrote status and created children; the RayService's spec is still ours alone.
    const cs = await liveDiff(admin, [stack(MODEL)]);
    expect(cs.summary).toEqual({ add: 0, change: 0, remove: 0, unchanged: expect.any(Number) });
  }, 60_000);

  test('apply --wait times out naming the condition the operator reports', async () => {
    const e = (await apply(admin, [stack(MODEL)], { ...NO_PREFLIGHT, waitMs: 4_000 }, new RecordingIoHost()).catch((x: unknown) => x)) as ModelstackError;
    expect(e).toBeInstanceOf(Error);
    expect([e.message, ...(e.details ?? [])].join('\n')).toContain('Initializing');
  }, 60_000);

  test('an update of the model changes only the Serve config: the operator reconciles it and keeps the same RayCluster', async () => {
    const [before] = await rayClustersOf(admin, ns, name);
    const log = await operatorLog();
    const dashboardFailures = () => readFileSync(log, 'utf8').split(DASHBOARD_FAILURE).length - 1;
    const seen = dashboardFailures();
    await apply(admin, [stack(NEXT_MODEL)], NO_PREFLIGHT, new RecordingIoHost());
    const rs = (await admin.get<RayServiceLive>(rayServiceRef(ns, name)))!;
    expect(rs.metadata.generation).toBe(2);
    // The operator reconciles the new generation (and again stops at the dashboard)...
    await waitFor('the operator to reconcile the update', async () => (dashboardFailures() > seen ? true : undefined));
    // ...and a Serve-only change (serveConfigV2) does not replace the cluster.
    expect((await rayClustersOf(admin, ns, name)).map((rc) => rc.metadata.name)).toEqual([before!.metadata.name]);
    // It writes status only after Serve answers, so observedGeneration stays at 1 here.
    expect((await admin.get<RayServiceLive>(rayServiceRef(ns, name)))!.status?.observedGeneration).toBe(1);
    expect((await liveDiff(admin, [stack(NEXT_MODEL)])).summary).toMatchObject({ add: 0, change: 0, remove: 0 });
  }, 60_000);

  test("destroy deletes the RayService; the real garbage collector removes the operator's RayCluster, Pods and Service", async () => {
    const [rc] = await rayClustersOf(admin, ns, name);
    const rcName = rc!.metadata.name;
    await destroy(admin, [stack(NEXT_MODEL)], { yes: true }, new RecordingIoHost());
    await waitFor(
      'the garbage collector to remove the RayCluster, its Pods and its head Service',
      async () => {
        const left = [
          ...(await rayClustersOf(admin, ns, name)),
          ...(await podsOf(admin, ns, `ray.io/cluster=${rcName}`)),
          ...[await admin.get({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name: `${rcName}-head-svc` } })].filter(Boolean),
        ];
        return left.length === 0 ? true : undefined;
      },
      60_000,
    );
    expect(await admin.get(rayServiceRef(ns, name))).toBeUndefined();
  }, 90_000);

  afterAll(async () => {
    if (admin) await deleteNamespaceAndWait(admin, ns).catch(() => undefined);
  }, 90_000);

  function waitForOwned(labelSelector: string): Promise<unknown[]> {
    return waitFor(`pods ${labelSelector}`, async () => {
      const pods = await podsOf(admin, ns, labelSelector);
      return pods.length > 0 ? pods : undefined;
    });
  }
});
