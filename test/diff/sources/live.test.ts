import { liveSides } from '../../../src/diff/sources/live.js';
import type { KubeObject } from '../../../src/model/kube-object.js';
import { MemoryCluster, notFoundError } from '../../support/stub-client.js';

const cm = (name: string, data: Record<string, string> = { k: 'v' }, namespace = 'app'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
const ray: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'llm', namespace: 'app' }, spec: { x: 1 } };
const OPTS = { fieldManager: 'modelstack' };

const names = (os: readonly KubeObject[]): string[] => os.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);

describe('liveSides', () => {
  test('before: the live object; after: the forced server-side dry run; both normalized', async () => {
    const c = new MemoryCluster().serveBuiltins();
    c.put({ ...cm('a'), status: { s: 1 } });
    const { before, after } = await liveSides(c.client(), [cm('a', { k: 'new' })], OPTS);
    expect(before).toEqual([cm('a')]);
    expect(after).toEqual([cm('a', { k: 'new' })]);
    expect(c.calls.filter((x) => x.verb === 'apply')).toEqual([
      { verb: 'apply', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'app', name: 'a', dryRun: true, force: true, fieldManager: 'modelstack' },
    ]);
    expect(c.writes()).toEqual(['apply (dry run) ConfigMap app/a']);
  });

  test('an object not in the cluster yet: only an after side (an add)', async () => {
    const c = new MemoryCluster().serveBuiltins();
    const { before, after } = await liveSides(c.client(), [cm('new')], OPTS);
    expect(before).toEqual([]);
    expect(names(after)).toEqual(['ConfigMap app/new']);
    expect(after[0]!.metadata).not.toHaveProperty('resourceVersion');
  });

  test('a kind the cluster does not serve (CRD not installed): the synthesized object as an add, nothing asked of it', async () => {
    const c = new MemoryCluster().serveBuiltins();
    const { before, after } = await liveSides(c.client(), [ray], OPTS);
    expect(before).toEqual([]);
    expect(after).toEqual([ray]);
    expect(c.calls).toEqual([]);
  });

  test('a dry run that is NOT_FOUND (its namespace does not exist yet): the synthesized object as an add', async () => {
    const c = new MemoryCluster().serveBuiltins();
    c.fail = (call) => (call.verb === 'apply' ? notFoundError('namespaces "app"') : undefined);
    const { before, after } = await liveSides(c.client(), [cm('a')], OPTS);
    expect(before).toEqual([]);
    expect(after).toEqual([cm('a')]);
  });

  test('NOT_FOUND for an object that exists, or any other error, is thrown', async () => {
    const c = new MemoryCluster().serveBuiltins();
    c.put(cm('a'));
    c.fail = (call) => (call.verb === 'apply' ? notFoundError('something') : undefined);
    await expect(liveSides(c.client(), [cm('a')], OPTS)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    c.fail = (call) => (call.verb === 'apply' ? new Error('boom') : undefined);
    await expect(liveSides(c.client(), [cm('b')], OPTS)).rejects.toThrow('boom');
  });

  test('prune candidates are appended to before (removals), normalized', async () => {
    const c = new MemoryCluster().serveBuiltins();
    const doomed = { ...cm('old'), metadata: { ...cm('old').metadata, resourceVersion: '5', uid: 'u' }, status: {} } as KubeObject;
    const { before, after } = await liveSides(c.client(), [cm('a')], { ...OPTS, pruneCandidates: [doomed] });
    expect(before).toEqual([cm('old')]);
    expect(names(after)).toEqual(['ConfigMap app/a']);
  });

  test('objects keep their order on each side', async () => {
    const c = new MemoryCluster().serveBuiltins();
    for (const n of ['b', 'a']) c.put(cm(n));
    const { before, after } = await liveSides(c.client(), [cm('b'), ray, cm('c'), cm('a')], OPTS);
    expect(names(before)).toEqual(['ConfigMap app/b', 'ConfigMap app/a']);
    expect(names(after)).toEqual(['ConfigMap app/b', 'RayService app/llm', 'ConfigMap app/c', 'ConfigMap app/a']);
  });
});
