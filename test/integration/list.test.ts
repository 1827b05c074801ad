import { runCli } from '../../src/cli/main.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { listModels } from '../../src/list/list-models.js';
import { clientFor, createNamespace, describeWithCluster, grantRestricted, uniqueNamespace } from './support/cluster.js';
import { applyStatus } from './support/status-writer.js';

const T = '2026-11-01T10:00:00Z';

function dgd(
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
): Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> } } {
  return {
    apiVersion: 'nvidia.com/v1beta1',
    kind: 'DynamoGraphDeployment',
    metadata: { name, namespace, labels },
    spec: {
      backendFramework: 'vllm',
      components: [
        { name: 'Frontend', type: 'frontend', replicas: 1 },
        { name: 'VllmWorker', type: 'worker', replicas: 2 },
      ],
    },
  };
}

function rayService(
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
): Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> } } {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayService',
    metadata: { name, namespace, labels },
    spec: {
      serveConfigV2: 'applications: []\n',
      rayClusterConfig: {
        headGroupSpec: { template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray-llm:2.52.0-py311-cu128' }] } } },
        workerGroupSpecs: [
          {
            groupName: 'gpu',
            replicas: 2,
            minReplicas: 1,
            maxReplicas: 3,
            template: { spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray-llm:2.52.0-py311-cu128' }] } },
          },
        ],
      },
    },
  };
}

describeWithCluster('list against a real kube-apiserver', (kubeconfig) => {
  let admin: KubeClient;
  let nsA: string;
  let nsB: string;

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    nsA = uniqueNamespace('list-a');
    nsB = uniqueNamespace('list-b');
    await createNamespace(admin, nsA);
    await createNamespace(admin, nsB);
    const m = { fieldManager: 'list-test' };

    // A ready Dynamo graph written by modelstack, with its status written as the operator would.
    const ready = dgd(nsA, 'qwen3', { 'modelstack.io/runtime': 'dynamo', 'modelstack.io/stack': 'inference' });
    await admin.apply(ready, m);
    await applyStatus(
      admin,
      {
        ...ready,
        status: {
          state: 'successful',
          conditions: [{ type: 'Ready', status: 'True', reason: 'AllComponentsReady', message: 'All components are ready', lastTransitionTime: T }],
          components: {
            Frontend: { componentKind: 'Deployment', replicas: 1, updatedReplicas: 1, readyReplicas: 1 },
            VllmWorker: { componentKind: 'Deployment', replicas: 2, updatedReplicas: 2, readyReplicas: 2 },
          },
        },
      },
      'dynamo-operator',
    );
    // A Dynamo graph from the older tool, never reconciled.
    await admin.apply(dgd(nsB, 'legacy', { 'kubefoundry.io/provider': 'dynamo' }), m);

    // A RayService mid-upgrade, and one whose Serve app failed.
    const upgrading = rayService(nsA, 'qwen25', { 'modelstack.io/runtime': 'kuberay', 'modelstack.io/stack': 'inference' });
    await admin.apply(upgrading, m);
    await applyStatus(
      admin,
      {
        ...upgrading,
        status: {
          conditions: [
            { type: 'Ready', status: 'True', reason: 'NonZeroServeEndpoints', message: '', lastTransitionTime: T },
            {
              type: 'UpgradeInProgress',
              status: 'True',
              reason: 'BothActivePendingClustersExist',
              message: 'Both active and pending Ray clusters exist',
              lastTransitionTime: T,
            },
          ],
          activeServiceStatus: {
            applicationStatuses: { llm: { status: 'RUNNING' } },
            rayClusterStatus: { desiredWorkerReplicas: 2, readyWorkerReplicas: 1 },
          },
        },
      },
      'kuberay-operator',
    );
    const failed = rayService(nsB, 'broken', { 'kubefoundry.io/provider': 'dynamo' });
    await admin.apply(failed, m);
    await applyStatus(
      admin,
      {
        ...failed,
        status: {
          conditions: [{ type: 'Ready', status: 'False', reason: 'ServeDeploymentFailed', message: '', lastTransitionTime: T }],
          activeServiceStatus: {
            applicationStatuses: { llm: { status: 'DEPLOY_FAILED', message: 'CUDA out of memory' } },
            rayClusterStatus: { desiredWorkerReplicas: 2, readyWorkerReplicas: 0 },
          },
        },
      },
      'kuberay-operator',
    );
  }, 60_000);

  test('one namespace: both kinds, phase and replicas from the real status fields', async () => {
    const { models, notes } = await listModels(admin, { namespace: nsA });
    expect(notes).toEqual([]);
    expect(models).toEqual([
      {
        runtime: 'kuberay',
        kind: 'RayService',
        namespace: nsA,
        name: 'qwen25',
        phase: 'Upgrading',
        ready: 1,
        desired: 2,
        stack: 'inference',
        message: 'BothActivePendingClustersExist: Both active and pending Ray clusters exist',
      },
      {
        runtime: 'dynamo',
        kind: 'DynamoGraphDeployment',
        namespace: nsA,
        name: 'qwen3',
        phase: 'Ready',
        ready: 3,
        desired: 3,
        stack: 'inference',
        message: 'AllComponentsReady: All components are ready',
      },
    ]);
  });

  test("all namespaces: includes the older tool's objects and points out a label that disagrees with the kind", async () => {
    const { models } = await listModels(admin);
    const mine = models.filter((m) => m.namespace === nsA || m.namespace === nsB);
    expect(mine.map((m) => `${m.namespace}/${m.name}:${m.runtime}:${m.phase}`)).toEqual([
      `${nsA}/qwen25:kuberay:Upgrading`,
      `${nsA}/qwen3:dynamo:Ready`,
      `${nsB}/broken:kuberay:Failed`,
      `${nsB}/legacy:dynamo:Pending`,
    ]);
    const broken = mine.find((m) => m.name === 'broken')!;
    expect(broken.message).toBe('application llm: DEPLOY_FAILED: CUDA out of memory (labelled runtime "dynamo")');
    expect(mine.find((m) => m.name === 'legacy')).toMatchObject({ stack: null, ready: 0, desired: 3 });
  });

  test('CLI: -n, -A and -o json', async () => {
    let out = '';
    const streams = { stdout: (t: string) => (out += t), stderr: () => {} };
    expect(await runCli(['list', '--kubeconfig', kubeconfig, '-n', nsB], streams)).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+RUNTIME\s+KIND\s+PHASE\s+READY\s+STACK\s+MESSAGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 6))).toEqual([
      ['broken', 'kuberay', 'RayService', 'Failed', '0/2', '-'],
      ['legacy', 'dynamo', 'DynamoGraphDeployment', 'Pending', '0/3', '-'],
    ]);

    out = '';
    expect(await runCli(['list', '--kubeconfig', kubeconfig, '-A', '-o', 'json'], streams)).toBe(0);
    const parsed = JSON.parse(out) as { models: Array<{ namespace: string }> };
    expect(parsed.models.filter((m) => m.namespace === nsA || m.namespace === nsB)).toHaveLength(4);

    let err = '';
    expect(await runCli(['list', '--kubeconfig', kubeconfig, '-A', '-n', nsA], { stdout: () => {}, stderr: (t) => (err += t) })).toBe(2);
    expect(err).toContain('-n and -A cannot be used together');
  });

  // The test cluster runs RBAC; its kubeconfig's "restricted" context is the client-certificate
  // user modelstack-restricted, bound to nothing unless a test binds it (see support/cluster.ts).
  test('a user who may list neither kind gets an error naming what is forbidden, never an empty "nothing there"', async () => {
    const restricted = clientFor(kubeconfig, 'restricted');
    const r = await listModels(restricted, { namespace: nsA });
    expect(r.models).toEqual([]);
    expect(r.notes).toEqual([]);
    expect(r.listed).toEqual([]);
    expect(r.forbidden).toEqual([
      {
        runtime: 'dynamo',
        kind: 'DynamoGraphDeployment',
        resource: 'dynamographdeployments.nvidia.com',
        permission: `list dynamographdeployments.nvidia.com in namespace ${nsA}`,
        user: 'modelstack-restricted',
      },
      {
        runtime: 'kuberay',
        kind: 'RayService',
        resource: 'rayservices.ray.io',
        permission: `list rayservices.ray.io in namespace ${nsA}`,
        user: 'modelstack-restricted',
      },
    ]);

    const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      const code = await runCli(['list', '--kubeconfig', kubeconfig, '--context', 'restricted', ...argv], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
      });
      return { code, out, err };
    };
    const one = await run(['-n', nsA]);
    expect(one.code).toBe(2);
    expect(one.out).toBe('');
    expect(one.err).toBe(
      [
        `error: cannot list DynamoGraphDeployment or RayService in namespace ${nsA}: forbidden for user "modelstack-restricted"`,
        `  NVIDIA Dynamo: missing permission: list dynamographdeployments.nvidia.com in namespace ${nsA}`,
        `  KubeRay: missing permission: list rayservices.ray.io in namespace ${nsA}`,
        `hint: ask for RBAC permission to list dynamographdeployments.nvidia.com and rayservices.ray.io in namespace ${nsA}`,
        '',
      ].join('\n'),
    );

    const all = await run(['-A', '-o', 'json']);
    expect(all.code).toBe(2);
    expect(all.out).toBe('');
    expect(all.err).toBe(
      [
        'error: cannot list DynamoGraphDeployment or RayService in all namespaces: forbidden for user "modelstack-restricted"',
        '  NVIDIA Dynamo: missing permission: list dynamographdeployments.nvidia.com cluster-wide',
        '  KubeRay: missing permission: list rayservices.ray.io cluster-wide',
        'hint: ask for RBAC permission to list dynamographdeployments.nvidia.com and rayservices.ray.io cluster-wide, ' +
          'or list one namespace you may read with -n NAMESPACE',
        '',
      ].join('\n'),
    );
  });

  test('a user who may list one kind only sees those models, and an error for the other kind', async () => {
    // May list RayServices in nsB only.
    await grantRestricted(admin, nsB, 'rayservice-reader', [{ apiGroups: ['ray.io'], resources: ['rayservices'], verbs: ['list'] }]);
    const restricted = clientFor(kubeconfig, 'restricted');
    // RBAC changes reach the authorizer asynchronously; poll briefly.
    let r = await listModels(restricted, { namespace: nsB });
    for (let i = 0; i < 50 && r.forbidden.length > 1; i++) {
      await new Promise((done) => setTimeout(done, 100));
      r = await listModels(restricted, { namespace: nsB });
    }
    expect(r.listed).toEqual(['kuberay']);
    expect(r.models.map((x) => x.name)).toEqual(['broken']);
    expect(r.forbidden.map((f) => f.kind)).toEqual(['DynamoGraphDeployment']);

    let out = '';
    let err = '';
    const code = await runCli(['list', '--kubeconfig', kubeconfig, '--context', 'restricted', '-n', nsB], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect(code).toBe(2);
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 5)),
    ).toEqual([
      ['NAME', 'RUNTIME', 'KIND', 'PHASE', 'READY'],
      ['broken', 'kuberay', 'RayService', 'Failed', '0/2'],
    ]);
    expect(err).toBe(
      [
        `error: cannot list DynamoGraphDeployment in namespace ${nsB}: forbidden for user "modelstack-restricted"`,
        `  NVIDIA Dynamo: missing permission: list dynamographdeployments.nvidia.com in namespace ${nsB}`,
        '  KubeRay: listed (1 model deployment)',
        `hint: ask for RBAC permission to list dynamographdeployments.nvidia.com in namespace ${nsB}`,
        '',
      ].join('\n'),
    );
  });
});
