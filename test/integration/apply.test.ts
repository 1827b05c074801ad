import { JsonPatch } from 'cdk8s';
import { DynamoModel, type Engine, RayModel } from '../../index.js';
import { RAY_DISAGGREGATED, RAY_INCREMENTAL_UPGRADE, RAY_PRODUCTION } from '../support/construct-matrix.js';
import { apply } from '../../src/apply/apply.js';
import { destroy } from '../../src/apply/destroy.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { ModelstackError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { clientFor, describeWithCluster, privateCluster, uniqueNamespace } from './support/cluster.js';
import { createOperatorDeployment, setOperatorReady } from './support/operator-sim.js';
import { stackManifest } from './support/stack-manifest.js';
import { markDynamoReady } from './support/dynamo-sim.js';

const KUBERAY = {
  namespace: 'kuberay-system',
  name: 'kuberay-operator',
  labels: { 'app.kubernetes.io/name': 'kuberay-operator', 'app.kubernetes.io/version': '1.7.0' },
  image: 'quay.io/kuberay/operator:v1.7.0',
};
const DYNAMO = {
  namespace: 'dynamo-system',
  name: 'dynamo-operator',
  labels: { 'app.kubernetes.io/name': 'dynamo-operator' },
  image: 'nvcr.io/nvidia/ai-dynamo/kubernetes-operator:1.4.0',
};

/**
 * The shape tests reference Secrets (hf-token, api, hf-secrets) they never create: they test what
 * the API server accepts, so the reference preflight (test/integration/model-cache) is skipped.
 */
const SHAPES_ONLY = { skipPreflight: true } as const;

function dgdRef(namespace: string, name: string): KubeObject {
  return { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { namespace, name } };
}

describeWithCluster('apply and diff against a real kube-apiserver', (kubeconfig) => {
  let admin: KubeClient;

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    for (const op of [KUBERAY, DYNAMO]) {
      await createOperatorDeployment(admin, op);
      await setOperatorReady(admin, op, true);
    }
  }, 60_000);

  test('idempotence over the construct matrix: after apply, the live diff is empty and a second apply changes nothing', async () => {
    const ns = uniqueNamespace('matrix');
    const s = stackManifest(
      `matrix-${ns.slice(-6)}`,
      (stack) => {
        for (const engine of ['vllm', 'sglang', 'trtllm'] as Engine[]) {
          for (const mode of ['aggregated', 'disaggregated'] as const) {
            for (const router of ['round-robin', 'kv'] as const) {
              new DynamoModel(stack, `${engine}-${mode.slice(0, 3)}-${router === 'kv' ? 'kv' : 'rr'}`, {
                model: 'Qwen/Qwen3-0.6B',
                engine,
                mode,
                router,
                tensorParallelSize: 2,
                replicas: mode === 'aggregated' ? { frontend: 2, worker: 3 } : { prefill: 1, decode: 2 },
                hfTokenSecret: { name: 'hf-token', key: 'token' },
                env: { LOG_LEVEL: 'debug' },
                podTemplate: { all: { spec: { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } } },
              });
            }
          }
        }
        new RayModel(stack, 'ray-one', { model: 'Qwen/Qwen2.5-7B-Instruct', tensorParallelSize: 2 });
        new RayModel(stack, 'ray-many', {
          model: 'Qwen/Qwen2.5-7B-Instruct',
          autoscaling: { minReplicas: 1, maxReplicas: 4 },
          workerGroups: [
            { name: 'a10', minReplicas: 0, maxReplicas: 2, gpus: 1, cpu: '4', memory: '16Gi' },
            { name: 'h100', minReplicas: 1, maxReplicas: 2, gpus: 1, cpu: '500m', memory: '1024Mi' },
          ],
          head: { cpu: '1000m', memory: '4Gi' },
        });
      },
      { namespace: ns },
    );

    const io = new RecordingIoHost();
    const first = await apply(admin, [s], SHAPES_ONLY, io);
    const created = first.stacks[0]!.outcomes.filter((o) => o.action === 'created').length;
    expect(created).toBe(s.objects.length);

    const cs = await liveDiff(admin, [s]);
    expect(cs.changes.map((c) => `${c.action} ${c.ref}\n${c.diff}`)).toEqual([]);
    expect(cs.summary.unchanged).toBe(s.objects.length);

    const second = await apply(admin, [s], SHAPES_ONLY, io);
    expect(second.stacks[0]!.outcomes.map((o) => o.action)).toEqual(s.objects.map(() => 'unchanged'));
  }, 120_000);

  test('the Ray production shapes (typed Serve LLM config, multi-host, scheduling, upgrade strategies, disaggregation) are accepted and idempotent', async () => {
    const ns = uniqueNamespace('rayprod');
    const s = stackManifest(
      `rayprod-${ns.slice(-6)}`,
      (stack) => {
        new RayModel(stack, 'production', { model: 'Qwen/Qwen2.5-72B-Instruct', ...RAY_PRODUCTION });
        new RayModel(stack, 'incremental', { model: 'Qwen/Qwen2.5-7B-Instruct', ...RAY_INCREMENTAL_UPGRADE });
        new RayModel(stack, 'new-cluster', { model: 'Qwen/Qwen2.5-7B-Instruct', upgradeStrategy: { type: 'NewCluster' } });
        new RayModel(stack, 'disaggregated', { model: 'Qwen/Qwen2.5-72B-Instruct', ...RAY_DISAGGREGATED });
      },
      { namespace: ns },
    );
    const io = new RecordingIoHost();
    const first = await apply(admin, [s], SHAPES_ONLY, io);
    expect(first.stacks[0]!.outcomes.filter((o) => o.action === 'created')).toHaveLength(s.objects.length);
    const cs = await liveDiff(admin, [s]);
    expect(cs.changes.map((c) => `${c.action} ${c.ref}\n${c.diff}`)).toEqual([]);
  }, 60_000);

  test('live diff shows a create for a missing namespace and CRD-less objects, and a change after an edit', async () => {
    const ns = uniqueNamespace('diff');
    const s = stackManifest(
      `diff-${ns.slice(-6)}`,
      (stack) => {
        new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B', replicas: { worker: 1 } });
      },
      { namespace: ns },
    );
    const fresh = await liveDiff(admin, [s]);
    expect(fresh.changes.map((c) => `${c.action} ${c.ref}`)).toEqual([`add Namespace ${ns}`, `add DynamoGraphDeployment ${ns}/qwen`]);

    await apply(admin, [s], {}, new RecordingIoHost());
    const edited = stackManifest(
      s.stackName!,
      (stack) => {
        new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B', replicas: { worker: 4 } });
      },
      { namespace: ns },
    );
    const cs = await liveDiff(admin, [edited]);
    expect(cs.changes.map((c) => `${c.action} ${c.ref}`)).toEqual([`change DynamoGraphDeployment ${ns}/qwen`]);
    expect(cs.changes[0]!.diff).toMatch(/-\s+replicas: 1\n\+\s+replicas: 4/);
  }, 60_000);

  test('a field owned by another manager is a conflict naming it, unless --force-conflicts', async () => {
    const ns = uniqueNamespace('conflict');
    const build = (worker: number) =>
      stackManifest(
        `conflict-${ns.slice(-6)}`,
        (stack) => {
          new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B', replicas: { worker } });
        },
        { namespace: ns },
      );
    await apply(admin, [build(1)], {}, new RecordingIoHost());
    // Someone scales the workers by hand with their own field manager (components are a map keyed by name).
    await admin.apply({ ...dgdRef(ns, 'qwen'), spec: { components: [{ name: 'VllmWorker', replicas: 3 }] } } as KubeObject, {
      fieldManager: 'kubectl-scale',
      force: true,
    });

    const err = await apply(admin, [build(2)], {}, new RecordingIoHost()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelstackError);
    expect((err as ModelstackError).code).toBe('CONFLICT');
    expect((err as ModelstackError).details).toEqual([
      `DynamoGraphDeployment ${ns}/qwen: .spec.components[name="VllmWorker"].replicas is managed by "kubectl-scale"`,
    ]);
    expect((await admin.get<Record<string, any>>(dgdRef(ns, 'qwen')))!.spec.components[1].replicas).toBe(3);

    await apply(admin, [build(2)], { forceConflicts: true }, new RecordingIoHost());
    expect((await admin.get<Record<string, any>>(dgdRef(ns, 'qwen')))!.spec.components[1].replicas).toBe(2);
  }, 60_000);

  test('prune deletes only what this stack applied before; foreign objects and other stacks stay', async () => {
    const ns = uniqueNamespace('prune');
    const name = `prune-${ns.slice(-6)}`;
    const v1 = stackManifest(
      name,
      (stack) => {
        new DynamoModel(stack, 'keep', { model: 'Qwen/Qwen3-0.6B' });
        new DynamoModel(stack, 'drop', { model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: ns },
    );
    await apply(admin, [v1], {}, new RecordingIoHost());
    const other = stackManifest(
      `${name}-other`,
      (stack) => {
        new DynamoModel(stack, 'theirs', { model: 'Qwen/Qwen3-0.6B', namespace: ns });
      },
      { namespace: ns, createNamespaces: false },
    );
    await apply(admin, [other], {}, new RecordingIoHost());
    // A graph created by hand, with our stack label but without the ownership mark.
    await admin.apply(
      {
        apiVersion: 'nvidia.com/v1beta1',
        kind: 'DynamoGraphDeployment',
        metadata: { namespace: ns, name: 'by-hand', labels: { 'modelstack.io/stack': name } },
        spec: { components: [{ name: 'Frontend', type: 'frontend' }] },
      } as KubeObject,
      { fieldManager: 'kubectl' },
    );

    const v2 = stackManifest(
      name,
      (stack) => {
        new DynamoModel(stack, 'keep', { model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: ns },
    );
    const io = new RecordingIoHost();
    const result = await apply(admin, [v2], { prune: true }, io);
    expect(result.stacks[0]!.outcomes.filter((o) => o.action === 'pruned').map((o) => o.ref)).toEqual([`DynamoGraphDeployment ${ns}/drop`]);
    expect(io.text('warn')).toEqual([`deleting DynamoGraphDeployment ${ns}/drop (created by stack ${name}, no longer in the synth)`]);
    expect(await admin.get(dgdRef(ns, 'drop'))).toBeUndefined();
    for (const kept of ['keep', 'theirs', 'by-hand']) expect(await admin.get(dgdRef(ns, kept))).toBeDefined();
  }, 60_000);

  test('an invalid object is a 422 with the field path', async () => {
    const ns = uniqueNamespace('invalid');
    const s = stackManifest(
      `invalid-${ns.slice(-6)}`,
      (stack) => {
        const m = new DynamoModel(stack, 'bad', { model: 'Qwen/Qwen3-0.6B' });
        m.apiObject!.addJsonPatch(JsonPatch.replace('/spec/components/1/replicas', -1));
      },
      { namespace: ns },
    );
    const err = (await apply(admin, [s], {}, new RecordingIoHost()).catch((e: unknown) => e)) as ModelstackError;
    expect(err.code).toBe('INVALID');
    expect(err.details.join('\n')).toContain('spec.components[1].replicas');
  }, 60_000);

  test('a rerun after an interrupted apply converges', async () => {
    const ns = uniqueNamespace('rerun');
    const s = stackManifest(
      `rerun-${ns.slice(-6)}`,
      (stack) => {
        new DynamoModel(stack, 'a', { model: 'Qwen/Qwen3-0.6B' });
        new RayModel(stack, 'b', { model: 'Qwen/Qwen2.5-7B-Instruct' });
      },
      { namespace: ns },
    );
    // The first run "dies" after its first stage: only the namespace made it.
    const partial: StackManifest = { ...s, objects: s.objects.filter((o) => o.kind === 'Namespace') };
    await apply(admin, [partial], {}, new RecordingIoHost());
    await apply(admin, [s], {}, new RecordingIoHost());
    expect((await liveDiff(admin, [s])).changes).toEqual([]);
  }, 60_000);

  test("destroy removes the stack's objects, and keeps (releases) its namespace when a foreign object is in it", async () => {
    const ns = uniqueNamespace('destroy');
    const name = `destroy-${ns.slice(-6)}`;
    const s = stackManifest(
      name,
      (stack) => {
        new DynamoModel(stack, 'm', { model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: ns },
    );
    await apply(admin, [s], {}, new RecordingIoHost());
    await admin.apply(
      {
        apiVersion: 'nvidia.com/v1beta1',
        kind: 'DynamoGraphDeployment',
        metadata: { namespace: ns, name: 'foreign' },
        spec: { components: [{ name: 'Frontend', type: 'frontend' }] },
      } as KubeObject,
      { fieldManager: 'kubectl' },
    );
    const io = new RecordingIoHost();
    await destroy(admin, [s], { yes: true }, io);
    expect(io.data(MESSAGES.DELETE).map((d) => d.ref)).toEqual([`DynamoGraphDeployment ${ns}/m`]);
    expect(io.data(MESSAGES.RELEASE).map((d) => `${d.ref}: ${d.reason}`)).toEqual([
      `Namespace ${ns}: it holds 1 object(s) this stack does not remove: DynamoGraphDeployment ${ns}/foreign`,
    ]);
    expect(await admin.get(dgdRef(ns, 'm'))).toBeUndefined();
    expect(await admin.get(dgdRef(ns, 'foreign'))).toBeDefined();
  }, 60_000);

  test('--wait follows the models to Ready using the list phase logic', async () => {
    const ns = uniqueNamespace('wait');
    const s = stackManifest(
      `wait-${ns.slice(-6)}`,
      (stack) => {
        new DynamoModel(stack, 'm', { model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: ns },
    );
    const io = new RecordingIoHost();
    const operator = (async () => {
      // Play the Dynamo operator: the graph becomes Ready a moment after it appears.
      for (let i = 0; i < 100 && !(await admin.get(dgdRef(ns, 'm'))); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      await markDynamoReady(admin, dgdRef(ns, 'm'));
    })();
    await apply(admin, [s], { waitMs: 30_000 }, io);
    await operator;
    const progress = io.messages.filter((m) => m.code === 'WAIT_PROGRESS').map((m) => m.message.trim());
    expect(progress[0]).toMatch(new RegExp(`^DynamoGraphDeployment ${ns}/m: Pending 0/2`));
    expect(progress.at(-1)).toBe(`DynamoGraphDeployment ${ns}/m: Ready 2/2 (AllComponentsReady: All components are ready)`);

    const timeout = await apply(
      admin,
      [
        stackManifest(
          `wait2-${ns.slice(-6)}`,
          (stack) => {
            new DynamoModel(stack, 'never', { model: 'Qwen/Qwen3-0.6B' });
          },
          // The first stack renders the namespace: a second one rendering it too would be a conflict.
          { namespace: ns, createNamespaces: false },
        ),
      ],
      { waitMs: 1000 },
      new RecordingIoHost(),
    ).catch((e: unknown) => e);
    expect((timeout as ModelstackError).code).toBe('TIMEOUT');
    expect((timeout as ModelstackError).details).toEqual([`DynamoGraphDeployment ${ns}/never: Pending 0/2 no status yet`]);
  }, 60_000);
});

// Preflight needs a cluster without the runtimes, so it gets a private one.
describeWithCluster('apply preflight against a cluster without runtimes', () => {
  const cluster = privateCluster('preflight');

  test('refuses before any write, naming the runtime, what is missing and how to install it', async () => {
    const client = clientFor(cluster.info().kubeconfig);
    const s = stackManifest(
      'preflight',
      (stack) => {
        new RayModel(stack, 'ray', { model: 'Qwen/Qwen2.5-7B-Instruct' });
      },
      { namespace: 'preflight-ns' },
    );
    const err = (await apply(client, [s], {}, new RecordingIoHost()).catch((e: unknown) => e)) as ModelstackError;
    expect(err.code).toBe('PREFLIGHT');
    expect(err.message).toBe('preflight failed: kuberay not ready for the models of this stack; nothing was written');
    expect(err.details[0]).toBe(
      'KubeRay (kuberay) is not installed: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator)',
    );
    expect(err.details[1]).toContain('to install: install the KubeRay operator chart');
    expect(err.hint).toContain('--skip-preflight');
    // Nothing was written: no namespace, no ownership record.
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'preflight-ns' } })).toBeUndefined();
    expect(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', name: 'modelstack-preflight' } })).toBeUndefined();
  });

  // The "restricted" context is the client-certificate user modelstack-restricted, bound to no
  // role here: the runtime cannot be checked, and preflight must not tell it to install it.
  test('a user who may not read CRDs is told preflight cannot check the runtime and which permission is missing', async () => {
    const restricted = clientFor(cluster.info().kubeconfig, 'restricted');
    const s = stackManifest(
      'preflight-restricted',
      (stack) => {
        new RayModel(stack, 'ray', { model: 'Qwen/Qwen2.5-7B-Instruct' });
      },
      { namespace: 'preflight-ns' },
    );
    const err = (await apply(restricted, [s], {}, new RecordingIoHost()).catch((e: unknown) => e)) as ModelstackError;
    expect(err.code).toBe('PREFLIGHT');
    expect(err.message).toBe('preflight failed: kuberay cannot be checked for the models of this stack; nothing was written');
    expect(err.details).toEqual([
      'KubeRay (kuberay) cannot be checked: forbidden: cannot check (missing permission: get customresourcedefinitions.apiextensions.k8s.io cluster-wide)',
      '  to check it: ask for RBAC permission to get customresourcedefinitions.apiextensions.k8s.io cluster-wide for user "modelstack-restricted"',
    ]);
    expect(err.hint).toBe('get the permissions named above (kubectl auth can-i shows what you may do), or pass --skip-preflight to apply anyway');
    expect([err.message, err.hint, ...err.details].join('\n')).not.toMatch(/install/);
  });
});
