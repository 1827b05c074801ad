// Rollout impact (issue 18): every rule of ROLLOUT_RULES with a before/after pair, the label and
// the extra GPUs it states; the last test fails when a rule is added without a pair here.
import type { KubeObject } from '../../src/model/kube-object.js';
import { ROLLOUT_RULES } from '../../src/diff/rollout/rollout-rules.js';
import { rolloutImpact } from '../../src/diff/rollout/rollout-impact.js';
import { modelGpus } from '../../src/diff/rollout/model-gpus.js';

type Json = Record<string, any>;
const clone = <T>(o: T): T => structuredClone(o);

function pod(gpus: number, image = 'vllm:1'): Json {
  return { spec: { containers: [{ name: 'main', image, ...(gpus > 0 ? { resources: { limits: { 'nvidia.com/gpu': String(gpus) } } } : {}) }] } };
}

function dgd(components: Json[], extra: Json = {}): KubeObject {
  return {
    apiVersion: 'nvidia.com/v1beta1',
    kind: 'DynamoGraphDeployment',
    metadata: { name: 'm', namespace: 'llm' },
    spec: { backendFramework: 'vllm', components, ...extra },
  };
}

const DISAGG = dgd([
  { name: 'Frontend', type: 'frontend', replicas: 1, podTemplate: pod(0) },
  { name: 'VllmPrefillWorker', type: 'prefill', replicas: 1, podTemplate: pod(1) },
  { name: 'VllmDecodeWorker', type: 'decode', replicas: 2, podTemplate: pod(1) },
]);

function ray(groups: Json[], extra: Json = {}, serve = 'applications: []'): KubeObject {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayService',
    metadata: { name: 'r', namespace: 'llm' },
    spec: {
      serveConfigV2: serve,
      rayClusterConfig: { rayVersion: '2.49.0', headGroupSpec: { rayStartParams: {}, template: pod(0, 'ray:1') }, workerGroupSpecs: groups },
      ...extra,
    },
  };
}
const group = (name: string, replicas: number, gpus = 1): Json => ({
  groupName: name,
  replicas,
  minReplicas: replicas,
  maxReplicas: replicas,
  rayStartParams: {},
  template: pod(gpus, 'ray:1'),
});
const RAY = ray([group('gpu', 2, 2)]);

function impact(before: KubeObject, edit: (o: Json) => void) {
  const after = clone(before) as Json;
  edit(after);
  return rolloutImpact(before, after as KubeObject)!;
}

const seen = new Set<string>();
function expectRule(i: ReturnType<typeof rolloutImpact>, rule: string): void {
  expect(i?.rule).toBe(rule);
  seen.add(rule);
}

describe('DynamoGraphDeployment rules (Dynamo 1.x Rolling Updates)', () => {
  test('dynamo.scale-only: prefill 1 -> 2 and decode 2 -> 4 is a scale in place, +3 GPUs, no restart', () => {
    const i = impact(DISAGG, (o) => {
      o.spec.components[1].replicas = 2;
      o.spec.components[2].replicas = 4;
    });
    expectRule(i, 'dynamo.scale-only');
    expect(i).toMatchObject({ kind: 'in-place', roles: ['VllmPrefillWorker', 'VllmDecodeWorker'], extraGpus: 0, gpusBefore: 3, gpusAfter: 6 });
    expect(i.label).toBe('in place, no pod restarts (VllmPrefillWorker, VllmDecodeWorker)');
  });

  test('dynamo.worker-spec: a decode image change rolls every worker (one hash over all worker specs), surging 25% rounded up', () => {
    const i = impact(DISAGG, (o) => {
      o.spec.components[2].podTemplate.spec.containers[0].image = 'vllm:2';
    });
    expectRule(i, 'dynamo.worker-spec');
    expect(i).toMatchObject({
      kind: 'rolling',
      roles: ['VllmPrefillWorker', 'VllmDecodeWorker'],
      label: 'rolling restart of VllmPrefillWorker, VllmDecodeWorker',
    });
    // ceil(25% of 1) = 1 prefill pod + ceil(25% of 2) = 1 decode pod, 1 GPU each.
    expect(i.extraGpus).toBe(2);
  });

  test('dynamo.worker-spec: the max-surge annotation sets the surge; a multinode worker rolls alone with maxSurge 0', () => {
    const surge = impact(DISAGG, (o) => {
      o.spec.components[2].podTemplate.metadata = { annotations: { 'nvidia.com/deployment-rolling-update-max-surge': '0' } };
    });
    expect(surge.extraGpus).toBe(1); // the prefill worker still surges by its default
    const multi = dgd([
      { name: 'Frontend', type: 'frontend', replicas: 1, podTemplate: pod(0) },
      { name: 'VllmWorker', type: 'worker', replicas: 2, multinode: { nodeCount: 2 }, podTemplate: pod(8) },
    ]);
    const i = impact(multi, (o) => {
      o.spec.components[1].podTemplate.spec.containers[0].image = 'vllm:2';
    });
    expect(i).toMatchObject({ kind: 'rolling', roles: ['VllmWorker'], extraGpus: 0, gpusBefore: 32, gpusAfter: 32 });
  });

  test('dynamo.other-component: a frontend change rolls the frontend only', () => {
    const i = impact(DISAGG, (o) => {
      o.spec.components[0].podTemplate.spec.containers[0].args = ['--http-port', '8001'];
    });
    expectRule(i, 'dynamo.other-component');
    expect(i).toMatchObject({ kind: 'rolling', roles: ['Frontend'], extraGpus: 0 });
  });

  test('dynamo.graph-spec: a graph-level env change rolls every component (env is in the worker hash input)', () => {
    const i = impact(DISAGG, (o) => {
      o.spec.env = [{ name: 'X', value: '1' }];
    });
    expectRule(i, 'dynamo.graph-spec');
    expect(i.roles).toEqual(['Frontend', 'VllmPrefillWorker', 'VllmDecodeWorker']);
    expect(i.extraGpus).toBe(2);
    expect(i.inferred).toBeUndefined();
    expect(i.label).toBe('rolling restart of Frontend, VllmPrefillWorker, VllmDecodeWorker');
  });

  test('dynamo.graph-spec: backendFramework, annotations and labels are in the hash too', () => {
    for (const edit of [
      (o: Json) => (o.spec.backendFramework = 'sglang'),
      (o: Json) => (o.spec.annotations = { a: 'b' }),
      (o: Json) => (o.spec.labels = { team: 'x' }),
    ]) {
      expect(impact(DISAGG, edit).rule).toBe('dynamo.graph-spec');
    }
  });

  test('dynamo.graph-other: a graph field outside the worker hash is only an expected rollout, marked inferred', () => {
    const i = impact(DISAGG, (o) => {
      o.spec.topologyConstraint = { packDomain: 'rack' };
    });
    expectRule(i, 'dynamo.graph-other');
    expect(i).toMatchObject({ kind: 'rolling', inferred: true });
    expect(i.label).toBe('expected: rolling restart of Frontend, VllmPrefillWorker, VllmDecodeWorker (not confirmed upstream)');
  });

  test('dynamo.worker-spec: with a multinode component in the graph there is no managed rollout, only the changed worker rolls', () => {
    const mixed = dgd([
      { name: 'Frontend', type: 'frontend', replicas: 1, podTemplate: pod(0) },
      { name: 'VllmPrefillWorker', type: 'prefill', replicas: 4, podTemplate: pod(1) },
      { name: 'VllmDecodeWorker', type: 'decode', replicas: 2, podTemplate: pod(1) },
      { name: 'BigWorker', type: 'worker', replicas: 1, multinode: { nodeCount: 2 }, podTemplate: pod(8) },
    ]);
    const i = impact(mixed, (o) => {
      o.spec.components[1].podTemplate.spec.containers[0].image = 'vllm:2';
    });
    expectRule(i, 'dynamo.worker-spec');
    expect(i).toMatchObject({ kind: 'rolling', roles: ['VllmPrefillWorker'], extraGpus: 1 });
  });

  test('dynamo.backing-change: a worker that becomes multinode is expected to be recreated (inferred, not confirmed upstream)', () => {
    const i = impact(DISAGG, (o) => {
      o.spec.components[2].multinode = { nodeCount: 2 };
    });
    expectRule(i, 'dynamo.backing-change');
    expect(i).toMatchObject({
      kind: 'recreate',
      roles: ['VllmDecodeWorker'],
      inferred: true,
      label: 'expected: recreate of VllmDecodeWorker (pods deleted, then created) (not confirmed upstream)',
    });
  });
});

describe('RayService rules (KubeRay v1.6/v1.7)', () => {
  test('kuberay.serve-config-only: a serveConfigV2 change updates the Serve applications in place', () => {
    const i = impact(RAY, (o) => {
      o.spec.serveConfigV2 = 'applications: [{name: llm}]';
    });
    expectRule(i, 'kuberay.serve-config-only');
    expect(i).toMatchObject({ kind: 'in-place', extraGpus: 0, label: 'in place, no pod restarts (serve applications)' });
  });

  test('kuberay.serve-config-only: worker group replica fields and upgradeStrategy are left out of the cluster hash', () => {
    const i = impact(RAY, (o) => {
      o.spec.rayClusterConfig.workerGroupSpecs[0].replicas = 3;
      o.spec.rayClusterConfig.workerGroupSpecs[0].maxReplicas = 4;
      o.spec.upgradeStrategy = { type: 'NewCluster' };
    });
    expect(i).toMatchObject({ kind: 'in-place', rule: 'kuberay.serve-config-only', gpusBefore: 4, gpusAfter: 6 });
  });

  test('kuberay.worker-group-appended: a group added after the others updates the running cluster', () => {
    const i = impact(RAY, (o) => {
      o.spec.rayClusterConfig.workerGroupSpecs.push(group('extra', 1));
    });
    expectRule(i, 'kuberay.worker-group-appended');
    expect(i).toMatchObject({ kind: 'in-place', roles: ['extra'], extraGpus: 0 });
  });

  test('kuberay.cluster-new: a worker image change starts a second RayCluster of equal size', () => {
    const i = impact(RAY, (o) => {
      o.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image = 'ray:2';
    });
    expectRule(i, 'kuberay.cluster-new');
    expect(i).toMatchObject({ kind: 'new-cluster', extraGpus: 4, label: 'new RayCluster (two clusters run side by side until the new one is ready)' });
    // A group inserted before an existing one is not an append: a new cluster too.
    const inserted = impact(RAY, (o) => {
      o.spec.rayClusterConfig.workerGroupSpecs.unshift(group('first', 1));
    });
    expect(inserted.kind).toBe('new-cluster');
  });

  test('kuberay.cluster-incremental: the extra GPUs are maxSurgePercent of the new cluster', () => {
    const base = ray([group('gpu', 4, 1)], {
      upgradeStrategy: {
        type: 'NewClusterWithIncrementalUpgrade',
        clusterUpgradeOptions: { gatewayClassName: 'istio', stepSizePercent: 25, intervalSeconds: 30, maxSurgePercent: 50 },
      },
    });
    const i = impact(base, (o) => {
      o.spec.rayClusterConfig.rayVersion = '2.50.0';
    });
    expectRule(i, 'kuberay.cluster-incremental');
    expect(i).toMatchObject({ kind: 'new-cluster', extraGpus: 2 });
  });

  test('kuberay.cluster-none: with upgradeStrategy None a cluster change is not rolled out', () => {
    const i = impact(ray([group('gpu', 1)], { upgradeStrategy: { type: 'None' } }), (o) => {
      o.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].image = 'ray:2';
    });
    expectRule(i, 'kuberay.cluster-none');
    expect(i).toMatchObject({ kind: 'not-rolled-out', extraGpus: 0 });
  });
});

test('objects that are not models have no rollout impact, and their GPUs are not counted', () => {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  expect(rolloutImpact(cm, cm)).toBeUndefined();
  expect(modelGpus(cm)).toBeUndefined();
});

test('every rule has a before/after pair above', () => {
  expect([...seen].sort()).toEqual(ROLLOUT_RULES.map((r) => r.id).sort());
});
