import { applySetParent, withPartOf } from '../../src/clusterapply/applyset.js';
import { findOwned } from '../../src/clusterapply/owned-objects.js';
import { withOwnershipRecord } from '../../src/clusterapply/ownership.js';
import { planRemoval } from '../../src/clusterapply/removal-plan.js';
import { objectRef, type KubeObject } from '../../src/model/kube-object.js';
import { FakeKube, forbidden } from '../support/fake-kube.js';

const ID = 'demo-0000id';
const parent = applySetParent('demo', 'default');
const created = (o: KubeObject): KubeObject => withOwnershipRecord(withPartOf(o, parent), undefined, ID);
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, namespace = 'app', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...extra },
});

describe('planRemoval', () => {
  test('created objects are deleted; adopted ones and those another stack created are released, with the reason', async () => {
    const c = new FakeKube().serveBuiltins();
    const theirs = withOwnershipRecord(withPartOf(cm('theirs'), parent), undefined, 'other-stack-id');
    const plan = await planRemoval(c, [created(cm('mine')), withPartOf(cm('adopted'), parent), theirs], { stackId: ID });
    expect(plan.deletes.map(objectRef)).toEqual(['ConfigMap app/mine']);
    expect(plan.releases.map((r) => `${objectRef(r.object)}: ${r.reason}`)).toEqual([
      'ConfigMap app/adopted: adopted: it existed before the stack applied it (or was applied before modelstack recorded what it creates)',
      'ConfigMap app/theirs: created by stack id "other-stack-id", not this stack',
    ]);
  });

  test('a created namespace: deleted when only what goes (and dependents, and the defaults) is in it, released naming the holders otherwise', async () => {
    const c = new FakeKube().serveBuiltins();
    c.put(created(ns('app')));
    const model = c.put(created(cm('model', 'app', { uid: 'u-model' })));
    c.put(cm('pod-of-model', 'app', { uid: 'u-dep', ownerReferences: [{ uid: 'u-model' }] }));
    c.put(cm('grandchild', 'app', { uid: 'u-gc', ownerReferences: [{ uid: 'u-dep' }] }));
    c.put(cm('kube-root-ca.crt'));
    const alone = await planRemoval(
      c,
      [ns('app') as KubeObject, model].map((o) => (o.kind === 'Namespace' ? created(o) : o)),
      { stackId: ID },
    );
    expect(alone.deletes.map(objectRef)).toEqual(['ConfigMap app/model', 'Namespace app']);
    expect(alone.namespaces).toEqual([{ namespace: 'app', counts: { ConfigMap: 4 }, holders: [], unlisted: [] }]);

    c.put(cm('hf-token'));
    const held = await planRemoval(c, [created(ns('app')), model], { stackId: ID });
    expect(held.deletes.map(objectRef)).toEqual(['ConfigMap app/model']);
    expect(held.releases.map((r) => r.reason)).toEqual(['it holds 1 object(s) this stack does not remove: ConfigMap app/hf-token']);
  });

  test('a namespace whose contents cannot all be listed is never deleted', async () => {
    const c = new FakeKube().serveBuiltins();
    c.fail = (call) => (call.verb === 'list' && call.kind === 'Secret' ? forbidden('list', 'secrets', call.namespace) : undefined);
    const plan = await planRemoval(c, [created(ns('app'))], { stackId: ID });
    expect(plan.deletes).toEqual([]);
    expect(plan.releases.map((r) => r.reason)).toEqual(['cannot tell what else it holds: listing Secret in it was refused']);
  });
});

describe('findOwned everywhere', () => {
  test('finds marked objects in kinds the record misses; a kind outside the record that cannot be listed is reported, a recorded one fails', async () => {
    const c = new FakeKube().serveBuiltins();
    c.put(created(cm('a')));
    c.put(withPartOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app' } }, parent));
    c.fail = (call) => (call.verb === 'list' && call.kind === 'Secret' ? forbidden('list', 'secrets') : undefined);
    const r = await findOwned(c, parent, undefined, ['ConfigMap'], { everywhere: true });
    expect(r.objects.map(objectRef).sort()).toEqual(['ConfigMap app/a', 'Deployment app/web']);
    expect(r.unrecorded).toEqual(['ConfigMap', 'Deployment.apps']);
    expect(r.unsearchable).toEqual(['Secret']);
    await expect(findOwned(c, parent, undefined, ['Secret'], { everywhere: true })).rejects.toThrow(/forbidden/);
  });
});
