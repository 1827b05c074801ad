import { apply } from '../../src/apply/apply.js';
import { applySetParent, withPartOf } from '../../src/clusterapply/applyset.js';
import { destroy } from '../../src/apply/destroy.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { FakeKube } from '../support/fake-kube.js';

const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.io' } };
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } };
const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' } });
const web: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app' } };
const ray: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'llm', namespace: 'app' } };
const stack = (objects: KubeObject[], stackName = 'demo'): StackManifest => ({ id: 'chart', stackName, stackId: `${stackName}-0000id`, objects });

/** A cluster where stack "demo" was applied with `applied`, plus foreign objects. */
async function appliedCluster(applied: KubeObject[], applySetNamespace?: string): Promise<FakeKube> {
  const c = new FakeKube().serveBuiltins().serve('ray.io/v1', 'RayService');
  await apply(c, [stack(applied)], { skipPreflight: true, applySetNamespace }, new RecordingIoHost());
  c.put(withPartOf(cm('other-stack'), applySetParent('other', 'default')));
  c.put(cm('by-hand'));
  c.calls.length = 0;
  return c;
}

describe('destroy', () => {
  test('deletes every object the stack created, models first and CRDs last, then the parent and lock; a namespace holding foreign objects is released', async () => {
    const c = await appliedCluster([crd, ns, cm('a'), web, ray]);
    const io = new RecordingIoHost();
    const r = await destroy(c, [stack([crd, ns, cm('a'), web, ray])], { yes: true }, io);
    expect(c.writes()).toEqual([
      'replace Lease default/modelstack-demo',
      'delete RayService app/llm',
      'delete Deployment app/web',
      'delete ConfigMap app/a',
      'delete CustomResourceDefinition widgets.example.io',
      'apply Namespace app',
      'delete ConfigMap default/modelstack-demo',
      'delete Lease default/modelstack-demo',
    ]);
    expect(r).toEqual([
      {
        stack: 'demo',
        outcomes: [
          ...['RayService app/llm', 'Deployment app/web', 'ConfigMap app/a', 'CustomResourceDefinition widgets.example.io'].map((ref) => ({
            ref,
            action: 'pruned',
          })),
          { ref: 'Namespace app', action: 'released' },
        ],
      },
    ]);
    expect(io.data(MESSAGES.RELEASE).map((d) => `${d.ref}: ${d.reason}`)).toEqual([
      'Namespace app: it holds 2 object(s) this stack does not remove: ConfigMap app/by-hand, ConfigMap app/other-stack',
    ]);
    expect(c.find('v1', 'Namespace', 'app')?.metadata.labels ?? {}).toEqual({});
    expect(io.messages.filter((m) => m.code === 'DELETE').map((m) => m.message)[0]).toBe('deleting RayService app/llm');
    expect(c.find('v1', 'ConfigMap', 'other-stack', 'app')).toBeDefined();
    expect(c.find('v1', 'ConfigMap', 'by-hand', 'app')).toBeDefined();
  });

  test("finds objects by the parent's record, even ones the current synth no longer has", async () => {
    const c = await appliedCluster([cm('a'), web]);
    const r = await destroy(c, [stack([cm('a')])], { yes: true }, new RecordingIoHost());
    expect(r[0]!.outcomes.map((o) => o.ref)).toEqual(['Deployment app/web', 'ConfigMap app/a']);
  });

  test('a name alone is not ownership: an unmarked object with a synthesized name is left', async () => {
    const c = new FakeKube().serveBuiltins();
    c.put(cm('a'));
    const r = await destroy(c, [stack([cm('a')])], { yes: true }, new RecordingIoHost());
    expect(r).toEqual([{ stack: 'demo', outcomes: [] }]);
    expect(c.writes({ lock: false })).toEqual([]);
  });

  test('dry run: reports what would be deleted, deletes nothing', async () => {
    const c = await appliedCluster([cm('a'), ray]);
    const io = new RecordingIoHost();
    const r = await destroy(c, [stack([cm('a'), ray])], { dryRun: true }, io);
    expect(r[0]!.outcomes.map((o) => o.ref)).toEqual(['RayService app/llm', 'ConfigMap app/a']);
    expect(io.text()).toEqual([
      'stack demo: would delete 2 object(s), release 0\n  delete  RayService app/llm\n  delete  ConfigMap app/a',
      'deleting RayService app/llm (dry run)',
      'deleting ConfigMap app/a (dry run)',
    ]);
    expect(c.writes({ lock: false })).toEqual([]);
  });

  test('the parent is looked for in --applyset-namespace', async () => {
    const c = await appliedCluster([cm('a')], 'ops');
    const elsewhere = await destroy(c, [stack([cm('a')])], { yes: true }, new RecordingIoHost());
    expect(elsewhere[0]!.outcomes).toEqual([]);
    await destroy(c, [stack([cm('a')])], { applySetNamespace: 'ops', yes: true }, new RecordingIoHost());
    expect(c.writes({ lock: false })).toEqual(['delete ConfigMap app/a', 'delete ConfigMap ops/modelstack-demo']);
  });

  test('each stack only deletes its own objects', async () => {
    const c = new FakeKube().serveBuiltins();
    await apply(c, [stack([cm('a')], 'one'), stack([cm('b')], 'two')], { skipPreflight: true }, new RecordingIoHost());
    c.calls.length = 0;
    await destroy(c, [stack([cm('a'), cm('b')], 'one')], { yes: true }, new RecordingIoHost());
    expect(c.writes({ lock: false })).toEqual(['delete ConfigMap app/a', 'delete ConfigMap default/modelstack-one']);
  });
});
