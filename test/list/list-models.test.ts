import { listModels } from '../../src/list/list-models.js';
import { LEGACY_PROVIDER_LABEL, RUNTIME_LABEL, STACK_LABEL } from '../../src/model/labels.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { recorded } from '../readiness/load-recorded.js';
import { forbidden, FakeKube } from '../support/fake-kube.js';

/** A recorded model state, renamed and relabelled. */
function model(name: string, namespace: string, labels: Record<string, string> = {}): KubeObject {
  const o = recorded(name) as KubeObject;
  return { ...o, metadata: { ...o.metadata, name: `${name}-obj`, namespace, labels } };
}

function servingBoth(): FakeKube {
  return new FakeKube().serve('nvidia.com/v1beta1', 'DynamoGraphDeployment').serve('ray.io/v1', 'RayService');
}

describe('listModels', () => {
  test('both kinds, with phase and replicas from their status, and the owning stack', async () => {
    const c = servingBoth();
    c.put(model('dgd-successful', 'llm', { [STACK_LABEL]: 'prod' }));
    c.put(model('rayservice-deploying', 'llm'));
    const r = await listModels(c, { namespace: 'llm' });
    expect(r.notes).toEqual([]);
    expect(r.models).toEqual([
      {
        runtime: 'dynamo',
        kind: 'DynamoGraphDeployment',
        namespace: 'llm',
        name: 'dgd-successful-obj',
        phase: 'Ready',
        ready: 4,
        desired: 4,
        stack: 'prod',
        message: 'AllComponentsReady: All components are ready',
      },
      {
        runtime: 'kuberay',
        kind: 'RayService',
        namespace: 'llm',
        name: 'rayservice-deploying-obj',
        phase: 'Deploying',
        ready: 0,
        desired: 1,
        stack: null,
        message: 'Initializing: RayService is initializing',
      },
    ]);
  });

  test('the namespace is passed to each list; undefined lists across namespaces', async () => {
    const c = servingBoth();
    c.put(model('dgd-successful', 'a'));
    c.put(model('rayservice-ready', 'b'));
    expect((await listModels(c, { namespace: 'a' })).models.map((m) => m.namespace)).toEqual(['a']);
    expect((await listModels(c)).models.map((m) => m.namespace)).toEqual(['a', 'b']);
    expect(c.calls.filter((x) => x.verb === 'list').map((x) => `${x.kind} ${x.namespace}`)).toEqual([
      'DynamoGraphDeployment a',
      'RayService a',
      'DynamoGraphDeployment undefined',
      'RayService undefined',
    ]);
  });

  test('sorted by namespace, then name, then kind', async () => {
    const c = servingBoth();
    const same = (name: string, ns: string, kind: 'dgd-successful' | 'rayservice-ready'): KubeObject => ({
      ...model(kind, ns),
      metadata: { name, namespace: ns },
    });
    for (const o of [
      same('b', 'z', 'dgd-successful'),
      same('a', 'z', 'rayservice-ready'),
      same('a', 'z', 'dgd-successful'),
      same('c', 'm', 'rayservice-ready'),
    ])
      c.put(o);
    expect((await listModels(c)).models.map((m) => `${m.namespace}/${m.name} ${m.kind}`)).toEqual([
      'm/c RayService',
      'z/a DynamoGraphDeployment',
      'z/a RayService',
      'z/b DynamoGraphDeployment',
    ]);
  });

  test("a runtime label that disagrees with the kind is pointed out; the older tool's label is read too", async () => {
    const c = servingBoth();
    c.put({
      ...model('dgd-successful', 'ns', { [RUNTIME_LABEL]: 'kuberay' }),
      metadata: { name: 'wrong-new', namespace: 'ns', labels: { [RUNTIME_LABEL]: 'kuberay' } },
    });
    c.put({ ...model('rayservice-ready', 'ns'), metadata: { name: 'legacy-ray', namespace: 'ns', labels: { [LEGACY_PROVIDER_LABEL]: 'Ray' } } });
    c.put({ ...model('rayservice-ready', 'ns'), metadata: { name: 'legacy-wrong', namespace: 'ns', labels: { [LEGACY_PROVIDER_LABEL]: 'dynamo' } } });
    c.put({
      ...model('rayservice-ready', 'ns'),
      metadata: { name: 'new-wins', namespace: 'ns', labels: { [RUNTIME_LABEL]: 'kuberay', [LEGACY_PROVIDER_LABEL]: 'dynamo' } },
    });
    const byName = Object.fromEntries((await listModels(c)).models.map((m) => [m.name, m.message]));
    expect(byName['wrong-new']).toBe('AllComponentsReady: All components are ready (labelled runtime "kuberay")');
    expect(byName['legacy-ray']).toBe('NonZeroServeEndpoints: Number of serve endpoints is greater than 0');
    expect(byName['legacy-wrong']).toBe('NonZeroServeEndpoints: Number of serve endpoints is greater than 0 (labelled runtime "dynamo")');
    expect(byName['new-wins']).not.toContain('labelled');
  });

  test('a runtime whose kind is not served is a note, not an error; the other is still listed', async () => {
    const c = new FakeKube().serve('ray.io/v1', 'RayService');
    c.put(model('rayservice-ready', 'llm'));
    const r = await listModels(c);
    expect(r.notes).toEqual(['NVIDIA Dynamo: not installed (DynamoGraphDeployment nvidia.com/v1beta1 is not served)']);
    expect(r.models.map((m) => m.kind)).toEqual(['RayService']);
  });

  test('a kind the user may not list is reported as forbidden, naming the permission, never as an empty list', async () => {
    const c = servingBoth();
    c.put(model('dgd-successful', 'llm'));
    c.fail = (call) => (call.kind === 'RayService' ? forbidden('list', 'rayservices.ray.io', call.namespace) : undefined);
    const r = await listModels(c, { namespace: 'llm' });
    expect(r.notes).toEqual([]);
    expect(r.listed).toEqual(['dynamo']);
    expect(r.forbidden).toEqual([
      { runtime: 'kuberay', kind: 'RayService', resource: 'rayservices.ray.io', permission: 'list rayservices.ray.io in namespace llm' },
    ]);
    expect(r.models).toHaveLength(1);
  });

  test('other errors are thrown', async () => {
    const c = servingBoth();
    c.fail = () => new Error('boom');
    await expect(listModels(c)).rejects.toThrow('boom');
  });
});
