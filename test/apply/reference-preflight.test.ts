import { DynamoModel, ModelCache, RayModel, secretKey, Testing } from '../../index.js';
import { referencePreflight, referencesOf } from '../../src/apply/reference-preflight.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { FakeKube, forbidden } from '../support/fake-kube.js';
import { rejection as failure } from '../support/thrown.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const REV = 'c1899de289a04d12100db370d81485cdf75e47ca';

function objects(cacheProps: Record<string, unknown> = {}): KubeObject[] {
  const stack = Testing.stack({ namespace: 'llm' });
  const cache = new ModelCache(stack, 'weights', {
    model: MODEL,
    revision: REV,
    size: '20Gi',
    storageClass: 'fast',
    hfTokenSecret: secretKey('hf', 'token'),
    ...cacheProps,
  });
  new DynamoModel(stack, 'd', { model: MODEL, cache, envFromSecret: 'extra-env' });
  new RayModel(stack, 'r', { model: MODEL, cache });
  return Testing.synth(stack);
}

function cluster(): FakeKube {
  return new FakeKube().serveBuiltins().serve('v1', 'PersistentVolumeClaim').serve('storage.k8s.io/v1', 'StorageClass', false);
}

const secret = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'llm' }, data });
const fast: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } };

describe('referencesOf', () => {
  test('Secrets (keys, envFrom), the storage class of a rendered PVC; the PVC the stack renders is not a reference', () => {
    expect(referencesOf(objects()).map((r) => `${r.kind} ${r.namespace ?? ''}/${r.name}${r.key ? `:${r.key}` : ''} <- ${r.by}`)).toEqual([
      'StorageClass /fast <- PersistentVolumeClaim llm/weights',
      expect.stringMatching(/^Secret llm\/hf:token <- Job llm\/weights-download-/),
      'Secret llm/extra-env <- DynamoGraphDeployment llm/d',
    ]);
  });

  test('an existing claim is a reference', () => {
    expect(referencesOf(objects({ size: undefined, storageClass: undefined, existingClaim: 'shared' })).map((r) => `${r.kind} ${r.name}`)).toEqual([
      'Secret hf',
      'PersistentVolumeClaim shared',
      'Secret extra-env',
    ]);
  });
});

describe('referencePreflight', () => {
  test('everything there: no problem, and the values of Secrets are never needed', async () => {
    const c = cluster();
    c.put(fast);
    c.put(secret('hf', { token: 'aGY=' }));
    c.put(secret('extra-env', {}));
    await expect(referencePreflight(c, objects())).resolves.toEqual([]);
  });

  test('a missing Secret, a Secret without the key (its key names only), a missing storage class: each named with its fix', async () => {
    const c = cluster();
    c.put(secret('hf', { other: 'c2VjcmV0', more: 'eA==' }));
    const e = await failure(referencePreflight(c, objects()));
    expect(e.code).toBe('PREFLIGHT');
    expect(e.message).toBe('preflight failed: 3 referenced object(s) missing; nothing was written');
    const job = objects().find((o) => o.kind === 'Job')!.metadata.name;
    expect(e.details).toEqual([
      'StorageClass fast, referenced by PersistentVolumeClaim llm/weights: does not exist in the cluster',
      "  fix: use one of the cluster's storage classes (kubectl get storageclass), or leave storageClass unset for the default one",
      `Secret llm/hf (key "token"), referenced by Job llm/${job}: has no key "token" (its keys: more, other)`,
      '  fix: add the key "token" to the Secret, or reference the key it has',
      'Secret llm/extra-env, referenced by DynamoGraphDeployment llm/d: does not exist in namespace "llm"',
      '  fix: create it before applying: kubectl create secret generic extra-env -n llm --from-literal=<key>=<value> (create the namespace first if it is new)',
    ]);
    expect(e.hint).toBe('fix the references above, or pass --skip-preflight to apply anyway');
    expect([e.message, ...e.details].join('\n')).not.toMatch(/c2VjcmV0|eA==/);
  });

  test('an existing claim: missing, Lost, or Pending on a storage class that does not exist', async () => {
    const objs = objects({ size: undefined, storageClass: undefined, existingClaim: 'shared', hfTokenSecret: undefined });
    const withoutEnvFrom = objs.filter((o) => o.kind !== 'DynamoGraphDeployment');
    const pvc = (status: object, spec: object = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'shared', namespace: 'llm' },
      spec,
      status,
    });
    const problem = async (c: FakeKube): Promise<string> =>
      (await failure(referencePreflight(c, withoutEnvFrom))).details[0]!.replace(/ referenced by Job \S+:/, '');

    expect(await problem(cluster())).toBe('PersistentVolumeClaim llm/shared, does not exist in namespace "llm"');
    let c = cluster();
    c.put(pvc({ phase: 'Lost' }));
    expect(await problem(c)).toBe('PersistentVolumeClaim llm/shared, is Lost: the PersistentVolume it was bound to is gone');
    c = cluster();
    c.put(pvc({ phase: 'Pending' }, { storageClassName: 'gone' }));
    expect(await problem(c)).toBe('PersistentVolumeClaim llm/shared, is Pending and its storage class "gone" does not exist, so it can never bind');
    c = cluster();
    c.put(pvc({ phase: 'Bound' }));
    await expect(referencePreflight(c, withoutEnvFrom)).resolves.toEqual([]);
    c = cluster();
    c.put(pvc({ phase: 'Pending' }, { storageClassName: 'fast' }));
    c.put(fast);
    await expect(referencePreflight(c, withoutEnvFrom)).resolves.toEqual([]);
  });

  test('a check the caller may not make is "cannot be checked", naming the permission, never "missing"', async () => {
    const c = cluster();
    c.put(fast);
    c.fail = (call) => (call.verb === 'get' && call.kind === 'Secret' ? forbidden('get', 'secrets', 'llm') : undefined);
    const e = await failure(referencePreflight(c, objects()));
    expect(e.message).toBe('preflight failed: 2 reference(s) cannot be checked; nothing was written');
    expect(e.details[0]).toMatch(
      /^Secret llm\/hf \(key "token"\), referenced by Job \S+: cannot be checked: reading it was refused \(get secrets in namespace llm\)$/,
    );
    expect(e.details[1]).toBe('  fix: ask for RBAC permission to get secrets in namespace llm, or pass --skip-preflight if you know it is there');
    expect(e.details.join('\n')).not.toMatch(/does not exist/);
  });
});
