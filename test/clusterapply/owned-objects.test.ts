import { APPLYSET_PART_OF, applySetParent, parentObject, withPartOf } from '../../src/clusterapply/applyset.js';
import { ownedObjects, pruneCandidates, readParent } from '../../src/clusterapply/owned-objects.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { FakeKube } from '../support/fake-kube.js';

const mine = applySetParent('mine', 'default');
const theirs = applySetParent('theirs', 'default');
const cm = (name: string, namespace = 'app'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
const deploy = (name: string, namespace = 'app'): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } });
const ray = (name: string): KubeObject => ({ apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name, namespace: 'llm' } });
const refs = (os: readonly KubeObject[]): string[] => os.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);

describe('readParent', () => {
  test('the parent ConfigMap as the cluster has it, or undefined', async () => {
    const c = new FakeKube().serveBuiltins();
    expect(await readParent(c, mine)).toBeUndefined();
    c.put(parentObject(mine, 'mine', ['ConfigMap']));
    expect((await readParent(c, mine))?.metadata).toMatchObject({ name: 'modelstack-mine', namespace: 'default' });
    expect(c.calls.map((x) => `${x.verb} ${x.kind} ${x.namespace}/${x.name}`)).toEqual([
      'get ConfigMap default/modelstack-mine',
      'get ConfigMap default/modelstack-mine',
    ]);
  });
});

describe('ownedObjects', () => {
  function cluster(): FakeKube {
    const c = new FakeKube().serveBuiltins().serve('ray.io/v1', 'RayService');
    c.put(withPartOf(cm('a'), mine));
    c.put(withPartOf(cm('b', 'other'), mine));
    c.put(withPartOf(cm('foreign'), theirs));
    c.put(cm('unlabelled'));
    c.put(withPartOf(deploy('web'), mine));
    c.put(withPartOf(ray('llm'), mine));
    return c;
  }

  test("objects carrying this stack's id, in the kinds the parent records plus the extra ones, across namespaces", async () => {
    const c = cluster();
    const parent = parentObject(mine, 'mine', ['ConfigMap', 'RayService.ray.io']);
    const owned = await ownedObjects(c, mine, parent, ['Deployment.apps']);
    expect(refs(owned)).toEqual(['v1 ConfigMap app/a', 'v1 ConfigMap other/b', 'apps/v1 Deployment app/web', 'ray.io/v1 RayService llm/llm']);
    expect(owned.every((o) => o.metadata.labels?.[APPLYSET_PART_OF] === mine.id)).toBe(true);
    const lists = c.calls.filter((x) => x.verb === 'list');
    expect(lists.map((x) => `${x.apiVersion} ${x.kind} ${x.namespace}`)).toEqual([
      'v1 ConfigMap undefined',
      'apps/v1 Deployment undefined',
      'ray.io/v1 RayService undefined',
    ]);
  });

  test('no parent: only the extra kinds are looked in', async () => {
    expect(refs(await ownedObjects(cluster(), mine, undefined, ['ConfigMap', 'ConfigMap']))).toEqual(['v1 ConfigMap app/a', 'v1 ConfigMap other/b']);
  });

  test('a group the cluster no longer serves is skipped, not an error', async () => {
    const c = new FakeKube().serveBuiltins();
    c.put(withPartOf(cm('a'), mine));
    const parent = parentObject(mine, 'mine', ['DynamoGraphDeployment.nvidia.com', 'ConfigMap']);
    expect(refs(await ownedObjects(c, mine, parent, []))).toEqual(['v1 ConfigMap app/a']);
    expect(c.calls.filter((x) => x.verb === 'list').map((x) => x.kind)).toEqual(['ConfigMap']);
  });

  test('objects already being deleted are left out', async () => {
    const c = cluster();
    c.put({
      ...withPartOf(cm('finalizing'), mine),
      metadata: { ...withPartOf(cm('finalizing'), mine).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
    } as KubeObject);
    expect(refs(await ownedObjects(c, mine, undefined, ['ConfigMap']))).toEqual(['v1 ConfigMap app/a', 'v1 ConfigMap other/b']);
  });
});

describe('pruneCandidates', () => {
  test('owned objects the desired set no longer has, matched by group, kind, namespace and name (not version)', () => {
    const owned = [cm('keep'), cm('gone'), cm('keep', 'elsewhere'), deploy('web'), { ...ray('llm'), apiVersion: 'ray.io/v1alpha1' }];
    const desired = [cm('keep'), deploy('web'), ray('llm'), cm('new')];
    expect(refs(pruneCandidates(owned, desired))).toEqual(['v1 ConfigMap app/gone', 'v1 ConfigMap elsewhere/keep']);
  });
});
