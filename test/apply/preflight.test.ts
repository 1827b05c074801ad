import { preflight, requiredRuntimes } from '../../src/apply/preflight.js';
import { runtimeInfo } from '../../src/runtimes/registry.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { FakeKube, forbidden, healthyRuntime } from '../support/fake-kube.js';
import { rejection as failure } from '../support/thrown.js';

const dynamo = runtimeInfo('dynamo');
const kuberay = runtimeInfo('kuberay');
const obj = (apiVersion: string, kind: string): KubeObject => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'llm' } });
const RAY = obj('ray.io/v1', 'RayService');
const DGD = obj('nvidia.com/v1beta1', 'DynamoGraphDeployment');
const CM = obj('v1', 'ConfigMap');

function cluster(...objects: KubeObject[]): FakeKube {
  const c = new FakeKube().serveBuiltins();
  for (const o of objects) c.put(o);
  return c;
}

describe('requiredRuntimes', () => {
  test('the runtimes whose model kind (in its group) is among the objects', () => {
    expect(requiredRuntimes([CM, RAY]).map((r) => r.id)).toEqual(['kuberay']);
    expect(requiredRuntimes([DGD]).map((r) => r.id)).toEqual(['dynamo']);
    expect(requiredRuntimes([RAY, DGD, RAY]).map((r) => r.id)).toEqual(['dynamo', 'kuberay']);
    expect(requiredRuntimes([CM, obj('ray.io/v1', 'RayCluster'), obj('example.io/v1', 'RayService'), obj('notray.io/v1', 'RayService')])).toEqual([]);
  });
});

describe('preflight', () => {
  test('an operator older than the one that serves the model kind is refused, naming both versions', async () => {
    const e = await failure(preflight(cluster(...healthyRuntime(dynamo, { version: '1.3.2' })), [DGD]));
    expect(e.code).toBe('PREFLIGHT');
    expect(e.details).toEqual([
      'NVIDIA Dynamo (dynamo) operator 1.3.2 is older than 1.4.0, the oldest that serves DynamoGraphDeployment nvidia.com/v1beta1',
      `  to upgrade: ${dynamo.installHint}`,
    ]);
  });

  test('an operator whose version cannot be read as a version is not refused for it', async () => {
    await expect(preflight(cluster(...healthyRuntime(dynamo, { version: 'main' })), [DGD])).resolves.toMatchObject({
      checked: [{ id: 'dynamo', version: 'main' }],
    });
  });

  test('no models: nothing to check, the cluster is not asked', async () => {
    const kube = new FakeKube();
    expect(await preflight(kube, [CM])).toEqual({ checked: [], toInstall: [] });
    expect(kube.calls).toEqual([]);
  });

  test('the needed runtime installed and healthy: passes, reporting only what was needed', async () => {
    const r = await preflight(cluster(...healthyRuntime(kuberay)), [CM, RAY]);
    expect(r.checked.map((s) => [s.id, s.installed, s.healthy])).toEqual([['kuberay', true, true]]);
  });

  test('a runtime that is not needed may be missing', async () => {
    await expect(preflight(cluster(...healthyRuntime(dynamo)), [DGD])).resolves.toMatchObject({ checked: [{ id: 'dynamo' }] });
  });

  test('not installed: refuses naming the runtime, what is missing and how to install it; only reads were made', async () => {
    const c = cluster();
    const e = await failure(preflight(c, [RAY, CM]));
    expect(e.code).toBe('PREFLIGHT');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('preflight failed: kuberay not ready for the models of this stack; nothing was written');
    expect(e.details).toEqual([
      `KubeRay (kuberay) is not installed: CRD ${kuberay.crdNames[0]} not found; operator not found (searched all namespaces for ${kuberay.operatorSelectors.join(' or ')})`,
      `  to install: ${kuberay.installHint}`,
    ]);
    expect(e.hint).toBe('install the runtime(s) named above, or pass --skip-preflight to apply anyway');
    expect(c.writes()).toEqual([]);
    expect(new Set(c.calls.map((x) => x.verb))).toEqual(new Set(['get', 'list']));
  });

  test('installed but not healthy: says so', async () => {
    const unhealthy = healthyRuntime(dynamo).map((o) =>
      o.kind === 'Pod' ? { ...o, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] } } : o,
    );
    const e = await failure(preflight(cluster(...unhealthy), [DGD]));
    expect(e.details[0]).toBe('NVIDIA Dynamo (dynamo) is installed but not healthy: operator dynamo-system/dynamo-operator: 0/1 pods ready');
    expect(e.details[1]).toBe(`  to install: ${dynamo.installHint}`);
  });

  test('status that cannot be read (forbidden) is not taken as healthy: "cannot be checked"', async () => {
    const c = cluster(...healthyRuntime(kuberay));
    c.fail = (call) => (call.kind === 'CustomResourceDefinition' ? forbidden('get', 'customresourcedefinitions.apiextensions.k8s.io') : undefined);
    const e = await failure(preflight(c, [RAY]));
    expect(e.message).toBe('preflight failed: kuberay cannot be checked for the models of this stack; nothing was written');
    expect(e.details).toEqual([
      'KubeRay (kuberay) cannot be checked: forbidden: cannot check (missing permission: get customresourcedefinitions.apiextensions.k8s.io cluster-wide)',
      '  to check it: ask for RBAC permission to get customresourcedefinitions.apiextensions.k8s.io cluster-wide',
    ]);
    expect(e.hint).toBe('get the permissions named above (kubectl auth can-i shows what you may do), or pass --skip-preflight to apply anyway');
  });

  test('health that cannot be read is "cannot be checked"; a missing CRD is "not installed" whatever else could not be read', async () => {
    const c = cluster(...healthyRuntime(kuberay));
    c.fail = (call) => (call.kind === 'Deployment' ? forbidden('list', 'deployments.apps', call.namespace) : undefined);
    const e = await failure(preflight(c, [RAY, DGD]));
    expect(e.message).toBe('preflight failed: dynamo not ready; kuberay cannot be checked for the models of this stack; nothing was written');
    expect(e.details).toEqual([
      `NVIDIA Dynamo (dynamo) is not installed: CRD ${dynamo.crdNames[0]} not found; forbidden: cannot check (missing permission: list deployments.apps in namespace dynamo-system)`,
      `  to install: ${dynamo.installHint}`,
      'KubeRay (kuberay) cannot be checked: forbidden: cannot check (missing permission: list deployments.apps in namespace kuberay-system)',
      '  to check it: ask for RBAC permission to list deployments.apps in namespace kuberay-system',
    ]);
    expect(e.hint).toBe(
      'install the runtime(s) named above and get the permissions named above (kubectl auth can-i shows what you may do), or pass --skip-preflight to apply anyway',
    );
  });

  test('both runtimes failing: both named, in registry order', async () => {
    const e = await failure(preflight(cluster(), [RAY, DGD]));
    expect(e.message).toBe('preflight failed: dynamo, kuberay not ready for the models of this stack; nothing was written');
    expect(e.details).toHaveLength(4);
  });
});
