import { allRuntimes, runtimeInfo } from '../../src/runtimes/registry.js';
import { runtimeStatus } from '../../src/status/runtime-status.js';
import { forbidden, healthyRuntime, FakeKube, notFoundError } from '../support/fake-kube.js';

const dynamo = runtimeInfo('dynamo');
const kuberay = runtimeInfo('kuberay');
const CRD_PERMISSION = 'get customresourcedefinitions.apiextensions.k8s.io cluster-wide';

function cluster(...objects: Array<Record<string, unknown>>): FakeKube {
  const c = new FakeKube().serveBuiltins();
  for (const o of objects) c.put(o as never);
  return c;
}

const searched = (info: typeof dynamo): string => `all namespaces for ${info.operatorSelectors.join(' or ')}`;

describe('runtimeStatus', () => {
  test('one row per runtime, in registry order', async () => {
    const rows = await runtimeStatus(cluster());
    expect(rows.map((r) => [r.id, r.name])).toEqual(allRuntimes().map((r) => [r.id, r.displayName]));
  });

  test('nothing installed: not installed, not healthy, naming the first missing CRD and where the operator was looked for', async () => {
    const [d, k] = await runtimeStatus(cluster());
    expect(d).toEqual({
      id: 'dynamo',
      name: 'NVIDIA Dynamo',
      installed: false,
      healthy: false,
      version: null,
      message: `CRD ${dynamo.crdNames[0]} not found; operator not found (searched ${searched(dynamo)})`,
    });
    expect(k!.message).toBe(`CRD ${kuberay.crdNames[0]} not found; operator not found (searched ${searched(kuberay)})`);
  });

  test('healthy: CRDs Established, operator Available with every pod Ready; version from the label', async () => {
    const [d, k] = await runtimeStatus(cluster(...healthyRuntime(dynamo, { version: 'v1.4.0' }), ...healthyRuntime(kuberay)));
    expect(d).toEqual({
      id: 'dynamo',
      name: 'NVIDIA Dynamo',
      installed: true,
      healthy: true,
      version: '1.4.0',
      message: 'operator dynamo-system/dynamo-operator: 1/1 pods ready',
    });
    expect(k).toMatchObject({ installed: true, healthy: true, version: kuberay.defaultOperatorVersion });
  });

  test('one CRD missing out of several: not installed, even with a healthy operator', async () => {
    const objects = healthyRuntime(kuberay).filter((o) => o.metadata.name !== kuberay.crdNames[1]);
    const k = (await runtimeStatus(cluster(...objects)))[1]!;
    expect(k).toMatchObject({ installed: false, healthy: false, version: kuberay.defaultOperatorVersion });
    expect(k.message).toBe(`CRD ${kuberay.crdNames[1]} not found; operator kuberay-system/kuberay-operator: 1/1 pods ready`);
  });

  test('a CRD not Established: not installed, with the condition reason', async () => {
    const k = (await runtimeStatus(cluster(...healthyRuntime(kuberay, { established: false }))))[1]!;
    expect(k).toMatchObject({ installed: false, healthy: false });
    expect(k.message).toBe(`CRD ${kuberay.crdNames[0]} not Established (Installing); operator kuberay-system/kuberay-operator: 1/1 pods ready`);
  });

  test('a CRD without an Established condition yet: not Established, no reason', async () => {
    const objects = healthyRuntime(kuberay).map((o) => (o.kind === 'CustomResourceDefinition' ? { ...o, status: {} } : o));
    expect((await runtimeStatus(cluster(...objects)))[1]!.message).toMatch(new RegExp(`^CRD ${kuberay.crdNames[0]} not Established; `));
  });

  test('CRDs installed but no operator: installed, not healthy', async () => {
    const crdsOnly = healthyRuntime(dynamo).filter((o) => o.kind === 'CustomResourceDefinition');
    expect((await runtimeStatus(cluster(...crdsOnly)))[0]).toMatchObject({
      installed: true,
      healthy: false,
      version: null,
      message: `operator not found (searched ${searched(dynamo)})`,
    });
  });

  test('operator found but its pods not ready: not healthy, version still known', async () => {
    const objects = healthyRuntime(dynamo).map((o) =>
      o.kind === 'Pod' ? { ...o, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] } } : o,
    );
    expect((await runtimeStatus(cluster(...objects)))[0]).toMatchObject({
      installed: true,
      healthy: false,
      version: dynamo.defaultOperatorVersion,
      message: 'operator dynamo-system/dynamo-operator: 0/1 pods ready',
    });
  });

  test('CRDs may not be read: "cannot check" (null), never "not installed", and the operator is not looked for', async () => {
    const c = cluster(...healthyRuntime(dynamo));
    c.fail = (call) => (call.kind === 'CustomResourceDefinition' ? forbidden('get', 'customresourcedefinitions.apiextensions.k8s.io') : undefined);
    const [d] = await runtimeStatus(c);
    expect(d).toEqual({
      id: 'dynamo',
      name: 'NVIDIA Dynamo',
      installed: null,
      healthy: null,
      version: null,
      message: `forbidden: cannot check (missing permission: ${CRD_PERMISSION})`,
      forbidden: { permission: CRD_PERMISSION },
    });
    expect(c.calls.filter((x) => x.kind === 'Deployment')).toEqual([]);
  });

  test('Deployments may not be listed anywhere: installed as far as CRDs tell, health unknown', async () => {
    const c = cluster(...healthyRuntime(kuberay));
    c.fail = (call) => (call.kind === 'Deployment' ? forbidden('list', 'deployments.apps', call.namespace) : undefined);
    expect((await runtimeStatus(c))[1]).toEqual({
      id: 'kuberay',
      name: 'KubeRay',
      installed: true,
      healthy: null,
      version: null,
      message: 'forbidden: cannot check (missing permission: list deployments.apps in namespace kuberay-system)',
      forbidden: { permission: 'list deployments.apps in namespace kuberay-system' },
    });
  });

  test('missing CRD and forbidden operator lookup: both said', async () => {
    const c = cluster();
    c.fail = (call) => (call.kind === 'Deployment' ? forbidden('list', 'deployments.apps', call.namespace) : undefined);
    expect((await runtimeStatus(c))[0]!.message).toBe(
      `CRD ${dynamo.crdNames[0]} not found; forbidden: cannot check (missing permission: list deployments.apps in namespace dynamo-system)`,
    );
  });

  test('pods may not be listed: health unknown, version known, naming the operator', async () => {
    const c = cluster(...healthyRuntime(dynamo));
    c.fail = (call) => (call.kind === 'Pod' ? forbidden('list', 'pods', call.namespace) : undefined);
    expect((await runtimeStatus(c))[0]).toEqual({
      id: 'dynamo',
      name: 'NVIDIA Dynamo',
      installed: true,
      healthy: null,
      version: dynamo.defaultOperatorVersion,
      message: 'operator dynamo-system/dynamo-operator: forbidden: cannot check (missing permission: list pods in namespace dynamo-system)',
      forbidden: { permission: 'list pods in namespace dynamo-system' },
    });
  });

  test('--namespace narrows the operator search', async () => {
    const c = cluster(...healthyRuntime(dynamo));
    const [d] = await runtimeStatus(c, { namespace: 'elsewhere' });
    expect(d!.message).toBe(`operator not found (searched namespace elsewhere for ${dynamo.operatorSelectors.join(' or ')})`);
    expect(c.calls.filter((x) => x.kind === 'Deployment').every((x) => x.namespace === 'elsewhere')).toBe(true);
  });

  test('errors other than forbidden are thrown', async () => {
    const c = cluster();
    c.fail = () => new Error('socket hang up');
    await expect(runtimeStatus(c)).rejects.toThrow('socket hang up');
  });

  describe('CRDs served in discovery (an Established CRD is served; a CRD read is not needed)', () => {
    // The kinds of each runtime's CRDs, as the API server's discovery serves them once Established.
    const served = (c: FakeKube): FakeKube =>
      c
        .serve('nvidia.com/v1alpha1', 'DynamoGraphDeployment')
        .serve('nvidia.com/v1alpha1', 'DynamoComponentDeployment')
        .serve('ray.io/v1', 'RayService')
        .serve('ray.io/v1', 'RayCluster');

    test('every CRD served: installed, without reading any CRD (each is megabytes of schema)', async () => {
      const c = served(cluster(...healthyRuntime(dynamo), ...healthyRuntime(kuberay)));
      const [d, k] = await runtimeStatus(c);
      expect(d).toMatchObject({ installed: true, healthy: true });
      expect(k).toMatchObject({ installed: true, healthy: true });
      expect(c.calls.filter((x) => x.kind === 'CustomResourceDefinition')).toEqual([]);
    });

    test('served although CRDs may not be read: installed (discovery says so), not "cannot check"', async () => {
      const c = served(cluster(...healthyRuntime(dynamo)));
      c.fail = (call) => (call.kind === 'CustomResourceDefinition' ? forbidden('get', 'customresourcedefinitions.apiextensions.k8s.io') : undefined);
      const [d] = await runtimeStatus(c);
      expect(d).toMatchObject({ installed: true, healthy: true, message: 'operator dynamo-system/dynamo-operator: 1/1 pods ready' });
    });

    test('one CRD not served: the CRDs are read to say why, as before', async () => {
      const c = cluster(...healthyRuntime(kuberay, { established: false })).serve('ray.io/v1', 'RayService');
      const k = (await runtimeStatus(c))[1]!;
      expect(k).toMatchObject({ installed: false, healthy: false });
      expect(k.message).toBe(`CRD ${kuberay.crdNames[0]} not Established (Installing); operator kuberay-system/kuberay-operator: 1/1 pods ready`);
    });

    test('discovery that cannot be read (403, an API server without aggregated discovery): the CRDs are read, as before', async () => {
      for (const error of [forbidden('discover', '/apis'), notFoundError('/apis')]) {
        const c = served(cluster(...healthyRuntime(dynamo, { established: false })));
        c.servedResources = () => Promise.reject(error);
        const [d] = await runtimeStatus(c);
        expect(d).toMatchObject({ installed: false, message: expect.stringMatching(/^CRD dynamographdeployments.nvidia.com not Established \(Installing\)/) });
        expect(c.calls.filter((x) => x.kind === 'CustomResourceDefinition').length).toBeGreaterThan(0);
      }
    });
  });
});
