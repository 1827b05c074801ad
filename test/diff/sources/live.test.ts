import { applySetParent, parentObject, withPartOf } from '../../../src/clusterapply/applyset.js';
import { withOwnershipRecord } from '../../../src/clusterapply/ownership.js';
import { liveDiff, liveSides } from '../../../src/diff/sources/live.js';
import type { KubeObject, StackManifest } from '../../../src/model/kube-object.js';
import { FakeKube, notFoundError } from '../../support/fake-kube.js';

const cm = (name: string, data: Record<string, string> = { k: 'v' }, namespace = 'app'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const ray: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'llm', namespace: 'app' }, spec: { x: 1 } };
const OPTS = { fieldManager: 'modelstack' };

const names = (os: readonly KubeObject[]): string[] => os.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);

describe('liveSides', () => {
  test("dry runs run at most 4 at once (or opts.concurrency), and the sides keep the objects' order whatever order they finish in", async () => {
    class SlowKube extends FakeKube {
      public inFlight = 0;
      public maxInFlight = 0;
      public override async apply<T = Record<string, unknown>>(o: Parameters<FakeKube['apply']>[0], opts: Parameters<FakeKube['apply']>[1]): Promise<T> {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        // Later objects finish first, so a result kept in finishing order would come out reversed.
        await new Promise((r) => setTimeout(r, 5 * (20 - Number(String(o.metadata.name).slice(1)))));
        try {
          return await super.apply<T>(o, opts);
        } finally {
          this.inFlight--;
        }
      }
    }
    const objects = Array.from({ length: 12 }, (_, i) => cm(`c${i}`, { k: 'new' }));
    const c = new SlowKube().serveBuiltins();
    for (const o of objects) c.put(cm(String(o.metadata.name)));
    const { before, after } = await liveSides(c, objects, OPTS);
    expect(c.maxInFlight).toBe(4);
    expect(names(before)).toEqual(names(objects));
    expect(after).toEqual(objects);
    const one = new SlowKube().serveBuiltins();
    await liveSides(one, objects, { ...OPTS, concurrency: 1 });
    expect(one.maxInFlight).toBe(1);
  });

  test('before: the live object; after: the forced server-side dry run; both normalized', async () => {
    const c = new FakeKube().serveBuiltins();
    c.put({ ...cm('a'), status: { s: 1 } });
    const { before, after } = await liveSides(c, [cm('a', { k: 'new' })], OPTS);
    expect(before).toEqual([cm('a')]);
    expect(after).toEqual([cm('a', { k: 'new' })]);
    expect(c.calls.filter((x) => x.verb === 'apply')).toEqual([
      { verb: 'apply', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'app', name: 'a', dryRun: true, force: true, fieldManager: 'modelstack' },
    ]);
    expect(c.writes()).toEqual(['apply (dry run) ConfigMap app/a']);
  });

  test('an object not in the cluster yet: only an after side (an add)', async () => {
    const c = new FakeKube().serveBuiltins();
    const { before, after } = await liveSides(c, [cm('new')], OPTS);
    expect(before).toEqual([]);
    expect(names(after)).toEqual(['ConfigMap app/new']);
    expect(after[0]!.metadata).not.toHaveProperty('resourceVersion');
  });

  test('a kind the cluster does not serve (CRD not installed): the synthesized object as an add, nothing asked of it', async () => {
    const c = new FakeKube().serveBuiltins();
    const { before, after } = await liveSides(c, [ray], OPTS);
    expect(before).toEqual([]);
    expect(after).toEqual([ray]);
    expect(c.calls).toEqual([]);
  });

  test('a dry run that is NOT_FOUND (its namespace does not exist yet): the synthesized object as an add', async () => {
    const c = new FakeKube().serveBuiltins();
    c.fail = (call) => (call.verb === 'apply' ? notFoundError('namespaces "app"') : undefined);
    const { before, after } = await liveSides(c, [cm('a')], OPTS);
    expect(before).toEqual([]);
    expect(after).toEqual([cm('a')]);
  });

  test('NOT_FOUND for an object that exists, or any other error, is thrown', async () => {
    const c = new FakeKube().serveBuiltins();
    c.put(cm('a'));
    c.fail = (call) => (call.verb === 'apply' ? notFoundError('something') : undefined);
    await expect(liveSides(c, [cm('a')], OPTS)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    c.fail = (call) => (call.verb === 'apply' ? new Error('boom') : undefined);
    await expect(liveSides(c, [cm('b')], OPTS)).rejects.toThrow('boom');
  });

  test('prune candidates are appended to before (removals), normalized', async () => {
    const c = new FakeKube().serveBuiltins();
    const doomed = { ...cm('old'), metadata: { ...cm('old').metadata, resourceVersion: '5', uid: 'u' }, status: {} } as KubeObject;
    const { before, after } = await liveSides(c, [cm('a')], { ...OPTS, pruneCandidates: [doomed] });
    expect(before).toEqual([cm('old')]);
    expect(names(after)).toEqual(['ConfigMap app/a']);
  });

  test('objects keep their order on each side', async () => {
    const c = new FakeKube().serveBuiltins();
    for (const n of ['b', 'a']) c.put(cm(n));
    const { before, after } = await liveSides(c, [cm('b'), ray, cm('c'), cm('a')], OPTS);
    expect(names(before)).toEqual(['ConfigMap app/b', 'ConfigMap app/a']);
    expect(names(after)).toEqual(['ConfigMap app/b', 'RayService app/llm', 'ConfigMap app/c', 'ConfigMap app/a']);
  });
});

describe('liveDiff', () => {
  const stack = (objects: KubeObject[], stackName = 'demo'): StackManifest => ({ id: 'chart', stackName, stackId: `${stackName}-0000id`, objects });

  /** A cluster where stack "demo" owns ConfigMaps a and old (its parent in `parentNs`), plus one by hand. */
  function cluster(parentNs = 'default'): FakeKube {
    const c = new FakeKube().serveBuiltins();
    const parent = applySetParent('demo', parentNs);
    c.put(parentObject(parent, 'demo', ['ConfigMap']));
    for (const n of ['a', 'old']) c.put(withOwnershipRecord(withPartOf(cm(n), parent), undefined, 'demo-0000id'));
    c.put(cm('by-hand'));
    return c;
  }

  test('--prune: an adopted object (no created-by record) shows as released, a change dropping the marks, not as a removal', async () => {
    const c = cluster();
    c.put(withPartOf(cm('adopted'), applySetParent('demo', 'default')));
    const cs = await liveDiff(c, [stack([cm('a')])], { prune: true });
    expect(cs.changes.map((x) => `${x.action} ${x.ref}`)).toEqual(['change ConfigMap app/adopted', 'remove ConfigMap app/old']);
    const released = cs.changes.find((x) => x.ref === 'ConfigMap app/adopted')!;
    expect(released.before?.metadata.labels).toEqual({ 'applyset.kubernetes.io/part-of': applySetParent('demo', 'default').id });
    expect(released.after?.metadata.labels ?? {}).toEqual({});
    expect(c.find('v1', 'ConfigMap', 'adopted', 'app')?.metadata.labels).toEqual({ 'applyset.kubernetes.io/part-of': applySetParent('demo', 'default').id });
  });

  test('the stacks against a dry run of apply, ownership marks included: an owned object unchanged, a new one added', async () => {
    const c = cluster();
    const cs = await liveDiff(c, [stack([cm('a'), cm('b')])]);
    expect(cs.summary).toEqual({ add: 1, change: 0, remove: 0, unchanged: 1 });
    expect(cs.changes.map((x) => `${x.action} ${x.ref}`)).toEqual(['add ConfigMap app/b']);
    expect(cs.changes[0]!.after?.metadata.labels).toEqual({ 'applyset.kubernetes.io/part-of': applySetParent('demo', 'default').id });
    expect(c.writes()).toEqual(['apply (dry run) ConfigMap app/a', 'apply (dry run) ConfigMap app/b']);
  });

  test('--prune: what the stack owns and no longer has shows as removals; never what it does not own', async () => {
    const cs = await liveDiff(cluster(), [stack([cm('a')])], { prune: true });
    expect(cs.changes.map((x) => `${x.action} ${x.ref}`)).toEqual(['remove ConfigMap app/old']);
    expect((await liveDiff(cluster(), [stack([cm('a')])])).changes).toEqual([]);
  });

  test('the ApplySet parent is looked for in applySetNamespace (its id, and so the mark, depends on it)', async () => {
    const elsewhere = await liveDiff(cluster('ops'), [stack([cm('a')])], { prune: true });
    expect(elsewhere.changes.map((x) => `${x.action} ${x.ref}`)).toEqual(['change ConfigMap app/a']);
    const there = await liveDiff(cluster('ops'), [stack([cm('a')])], { prune: true, applySetNamespace: 'ops' });
    expect(there.changes.map((x) => `${x.action} ${x.ref}`)).toEqual(['remove ConfigMap app/old']);
  });

  test('several stacks: one change set, stack by stack', async () => {
    const c = cluster();
    const cs = await liveDiff(c, [stack([cm('x')], 'one'), stack([cm('y')], 'two')]);
    expect(cs.changes.map((x) => `${x.action} ${x.ref}`)).toEqual(['add ConfigMap app/x', 'add ConfigMap app/y']);
  });
});
