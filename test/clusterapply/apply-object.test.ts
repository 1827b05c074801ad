import { applyObserved } from '../../src/clusterapply/apply-object.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { FakeKube, notFoundError } from '../support/fake-kube.js';

const O: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'r', namespace: 'llm' } };
const LIVE = { ...O, metadata: { ...O.metadata, resourceVersion: '1' } } as KubeObject;
const SERVED = { group: 'ray.io', version: 'v1', kind: 'RayService', plural: 'rayservices', namespaced: true };

describe('applyObserved', () => {
  test('reads the live object, then applies, passing the options through', async () => {
    const seen: unknown[] = [];
    const client = new FakeKube({
      resourceFor: async () => SERVED,
      get: async () => LIVE,
      apply: async (o, opts) => {
        seen.push(opts);
        return { ...o, metadata: { ...o.metadata, resourceVersion: '2' } };
      },
    });
    const r = await applyObserved(client, O, { fieldManager: 'modelstack', force: true });
    expect(r.before).toBe(LIVE);
    expect(r.after?.metadata).toMatchObject({ resourceVersion: '2' });
    expect(seen).toEqual([{ fieldManager: 'modelstack', force: true }]);
  });

  test('a dry run of a kind whose CRD the same apply creates: nothing read, nothing sent, would be created', async () => {
    const client = new FakeKube({ resourceFor: async () => undefined });
    expect(await applyObserved(client, O, { fieldManager: 'm', dryRun: true })).toEqual({});
    expect(client.calls).toEqual([]);
  });

  test('a dry run into a namespace the same apply creates (404 on a new object): would be created', async () => {
    const client = new FakeKube({
      resourceFor: async () => SERVED,
      get: async () => undefined,
      apply: async () => Promise.reject(notFoundError('namespaces "llm"')),
    });
    expect(await applyObserved(client, O, { fieldManager: 'm', dryRun: true })).toEqual({});
  });

  test('a 404 outside a dry run, or on an object that exists, is an error', async () => {
    const fails = async () => Promise.reject(notFoundError('namespaces "llm"'));
    const real = new FakeKube({ resourceFor: async () => SERVED, get: async () => undefined, apply: fails });
    await expect(applyObserved(real, O, { fieldManager: 'm' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const existing = new FakeKube({ resourceFor: async () => SERVED, get: async () => LIVE, apply: fails });
    await expect(applyObserved(existing, O, { fieldManager: 'm', dryRun: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
