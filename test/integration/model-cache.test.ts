// ModelCache against a real kube-apiserver: the server accepts what it renders (dry run), apply
// creates the download Job before the models, and --wait follows the Job to Complete (or to
// Failed) as the real Job controller reports it; the test plays only the kubelet (Pod status).
import { DynamoModel, ModelCache, RayModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import type { ModelstackError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { clientFor, createNamespace, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { createOperatorDeployment, type OperatorSimOptions, setOperatorReady } from './support/operator-sim.js';
import { stackManifest } from './support/stack-manifest.js';
import { markDynamoReady } from './support/dynamo-sim.js';
import { finishPod, podsOf, runPods, setPodFinished, waitFor } from './support/kubelet.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const REV = 'c1899de289a04d12100db370d81485cdf75e47ca';
const OPERATORS: OperatorSimOptions[] = [
  {
    namespace: 'kuberay-system',
    name: 'kuberay-operator',
    labels: { 'app.kubernetes.io/name': 'kuberay-operator', 'app.kubernetes.io/version': '1.7.0' },
    image: 'quay.io/kuberay/operator:v1.7.0',
  },
  {
    namespace: 'dynamo-system',
    name: 'dynamo-operator',
    labels: { 'app.kubernetes.io/name': 'dynamo-operator' },
    image: 'nvcr.io/nvidia/ai-dynamo/kubernetes-operator:1.4.0',
  },
];

async function until<T>(what: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting in the test');
}

describeWithCluster('ModelCache against a real kube-apiserver', (kubeconfig) => {
  let admin: KubeClient;

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    for (const op of OPERATORS) {
      await createOperatorDeployment(admin, op);
      await setOperatorReady(admin, op, true);
    }
  }, 60_000);

  test('dry run: the server accepts the PVCs, the download Job and models of both runtimes that mount the cache', async () => {
    const ns = uniqueNamespace('cache-dry');
    const s = stackManifest(
      `cache-dry-${ns.slice(-6)}`,
      (stack) => {
        const cache = new ModelCache(stack, 'weights', {
          model: MODEL,
          revision: REV,
          size: '20Gi',
          storageClass: 'standard',
          hfTokenSecret: { name: 'hf', key: 'token' },
          compilationCache: { size: '5Gi' },
        });
        new DynamoModel(stack, 'dgd', { model: MODEL, mode: 'disaggregated', cache });
        new RayModel(stack, 'ray', { model: MODEL, cache });
      },
      { namespace: ns },
    );
    const io = new RecordingIoHost();
    // Preflight is skipped: the Secret and storage class are checked by its own tests.
    const r = await apply(admin, [s], { dryRun: true, skipPreflight: true }, io);
    expect(r.stacks[0]!.outcomes.map((o) => `${o.ref} ${o.action}`)).toEqual([
      `Namespace ${ns} created`,
      `PersistentVolumeClaim ${ns}/weights created`,
      `PersistentVolumeClaim ${ns}/weights-compile created`,
      expect.stringMatching(new RegExp(`^Job ${ns}/weights-download-[0-9a-f]{8} created$`)),
      `DynamoGraphDeployment ${ns}/dgd created`,
      `RayService ${ns}/ray created`,
    ]);
  }, 60_000);

  test('apply --wait: the Job is created before the model and its completion is waited for, with progress, before the model', async () => {
    const ns = uniqueNamespace('cache-wait');
    let jobName = '';
    const s = stackManifest(
      `cache-wait-${ns.slice(-6)}`,
      (stack) => {
        const cache = new ModelCache(stack, 'weights', { model: MODEL, revision: REV, size: '1Gi' });
        jobName = cache.job!.metadata.name!;
        new DynamoModel(stack, 'm', { model: MODEL, cache });
      },
      { namespace: ns },
    );
    const jobRef: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: ns, name: jobName } };
    const dgd: KubeObject = { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { namespace: ns, name: 'm' } };
    const io = new RecordingIoHost();
    const controllers = (async () => {
      // Play the kubelet: the Job's Pod runs, then succeeds; the real Job controller turns that
      // into the Job's status. Then the Dynamo operator (simulated, support/dynamo-sim.ts).
      await until(() => admin.get(jobRef));
      // The model is already applied when the Job is seen, in the same apply, after the Job.
      await until(() => admin.get(dgd));
      const [pod] = await runPods(admin, ns, jobRef);
      await new Promise((r) => setTimeout(r, 2500));
      await setPodFinished(admin, pod!, { succeeded: true });
      await markDynamoReady(admin, dgd);
    })();
    await apply(admin, [s], { waitMs: 30_000, skipPreflight: true }, io);
    await controllers;
    const codes = io.messages.map((m) => m.code ?? '').filter((c) => ['DOWNLOAD_PROGRESS', 'WAIT_START', 'WAIT_PROGRESS'].includes(c));
    expect(codes.indexOf('WAIT_START')).toBeGreaterThan(codes.lastIndexOf('DOWNLOAD_PROGRESS'));
    const downloads = io.messages.filter((m) => m.code === 'DOWNLOAD_PROGRESS').map((m) => m.message.trim());
    expect(downloads).toContain(`Job ${ns}/${jobName} (${MODEL}@${REV}): Running, attempt 1 of 5`);
    expect(downloads.at(-1)).toBe(`Job ${ns}/${jobName} (${MODEL}@${REV}): Complete`);
    expect(
      io.messages
        .filter((m) => m.code === 'WAIT_PROGRESS')
        .at(-1)!
        .message.trim(),
    ).toBe(`DynamoGraphDeployment ${ns}/m: Ready 2/2 (AllComponentsReady: All components are ready)`);
  }, 60_000);

  test('apply --wait: a failed download is reported with the Job reason, and the log that could not be read is said', async () => {
    const ns = uniqueNamespace('cache-fail');
    let jobName = '';
    const s = stackManifest(
      `cache-fail-${ns.slice(-6)}`,
      (stack) => {
        const cache = new ModelCache(stack, 'weights', { model: MODEL, revision: REV, size: '1Gi', retries: 1 });
        jobName = cache.job!.metadata.name!;
      },
      { namespace: ns },
    );
    const jobRef: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: ns, name: jobName } };
    const controller = (async () => {
      // Play the kubelet: each Pod the real Job controller starts fails (retries: 1, so two
      // attempts); the Job controller then marks the Job Failed. The Pods are never bound to a
      // node (there is none), so their logs cannot be read.
      await until(() => admin.get(jobRef));
      await finishPod(admin, ns, jobRef, { reason: 'Error', exitCode: 1 });
      await waitFor('the Job controller to start a second attempt', async () => {
        const pods = await podsOf(admin, ns, jobRef);
        return pods.some((p) => p.status?.phase !== 'Failed') ? true : undefined;
      });
      await finishPod(admin, ns, jobRef, { reason: 'Error', exitCode: 1 });
    })();
    const e = (await apply(admin, [s], { waitMs: 30_000, skipPreflight: true }, new RecordingIoHost()).catch((x: unknown) => x)) as ModelstackError;
    await controller;
    expect(e.message).toBe('1 model download(s) failed; the models that use them cannot start');
    expect(e.details[0]).toBe(
      `Job ${ns}/${jobName} (${MODEL}@${REV}): BackoffLimitExceeded: Job has reached the specified backoff limit after 2 failed attempt(s)`,
    );
    expect(e.details[1]).toMatch(/^ {2}\(its log could not be read: /);
  }, 60_000);

  test('preflight: a Secret without the key and a storage class that does not exist are refused before any write; a refused check is "cannot be checked"', async () => {
    const ns = uniqueNamespace('cache-pre');
    await createNamespace(admin, ns);
    await admin.create({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ns, name: 'hf' }, stringData: { other: 'not-the-token' } });
    let jobName = '';
    const s = stackManifest(
      `cache-pre-${ns.slice(-6)}`,
      (stack) => {
        const cache = new ModelCache(stack, 'weights', {
          model: MODEL,
          revision: REV,
          size: '1Gi',
          storageClass: 'no-such-class',
          hfTokenSecret: { name: 'hf', key: 'token' },
        });
        jobName = cache.job!.metadata.name!;
      },
      { namespace: ns },
    );
    const e = (await apply(admin, [s], {}, new RecordingIoHost()).catch((x: unknown) => x)) as ModelstackError;
    expect(e.code).toBe('PREFLIGHT');
    expect(e.message).toBe('preflight failed: 2 referenced object(s) missing; nothing was written');
    expect(e.details).toEqual([
      `StorageClass no-such-class, referenced by PersistentVolumeClaim ${ns}/weights: does not exist in the cluster`,
      "  fix: use one of the cluster's storage classes (kubectl get storageclass), or leave storageClass unset for the default one",
      `Secret ${ns}/hf (key "token"), referenced by Job ${ns}/${jobName}: has no key "token" (its keys: other)`,
      '  fix: add the key "token" to the Secret, or reference the key it has',
    ]);
    expect(await admin.get({ apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: ns, name: jobName } })).toBeUndefined();

    const restricted = clientFor(kubeconfig, 'restricted');
    const denied = (await apply(restricted, [s], {}, new RecordingIoHost()).catch((x: unknown) => x)) as ModelstackError;
    expect(denied.message).toBe('preflight failed: 2 reference(s) cannot be checked; nothing was written');
    expect(denied.details).toContain(
      `Secret ${ns}/hf (key "token"), referenced by Job ${ns}/${jobName}: cannot be checked: reading it was refused (get secrets in namespace ${ns})`,
    );
    expect(denied.details.join('\n')).not.toMatch(/does not exist|has no key/);
  }, 60_000);
});
