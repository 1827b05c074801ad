// An apply that would change nothing is left out (src/clusterapply/applied-config.ts), on a real
// kube-apiserver: each way the live object can differ from what the stack applied last makes the
// apply go out again, with the same result the server-side apply always gave.
import { DynamoModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { APPLIED_HASH } from '../../src/clusterapply/applied-config.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { clientFor, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { recordRequests } from './support/sent-requests.js';
import { stackManifest } from './support/stack-manifest.js';

const SHAPES_ONLY = { skipPreflight: true } as const;

function stackOf(ns: string, replicas = 1, annotations?: Record<string, string>): StackManifest {
  return stackManifest(
    `skip-${ns.slice(-6)}`,
    (stack) => {
      new DynamoModel(stack, 'a', { model: 'Qwen/Qwen3-0.6B', replicas: { frontend: 1, worker: replicas } });
      new DynamoModel(stack, 'b', { model: 'Qwen/Qwen3-0.6B', ...(annotations ? { annotations } : {}) });
    },
    { namespace: ns },
  );
}

/** Counts the PATCHes (server-side applies) a client sends. */
function countingPatches(kube: KubeClient): { patches: () => number } {
  const sent = recordRequests(kube);
  return { patches: () => sent.filter((spec) => spec.method === 'PATCH').length };
}

const actions = async (kube: KubeClient, s: StackManifest, opts: Parameters<typeof apply>[2] = SHAPES_ONLY): Promise<Record<string, string>> => {
  const r = await apply(kube, [s], opts, new RecordingIoHost());
  return Object.fromEntries(r.stacks[0]!.outcomes.map((o) => [o.ref, o.action]));
};

const dgd = (ns: string, name: string): KubeObject => ({ apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { name, namespace: ns } });

describeWithCluster('an apply that would change nothing is not sent', (kubeconfig) => {
  let admin: KubeClient;
  beforeAll(() => {
    admin = clientFor(kubeconfig);
  });

  test('unchanged objects are skipped; a changed one is applied; every object carries the hash of its applied configuration', async () => {
    const ns = uniqueNamespace('skip');
    expect(Object.values(await actions(admin, stackOf(ns)))).toEqual(['created', 'created', 'created']);
    const live = await admin.get<KubeObject>(dgd(ns, 'a'));
    expect(live?.metadata.annotations?.[APPLIED_HASH]).toMatch(/^sha256:[0-9a-f]{64}$/);

    const kube = clientFor(kubeconfig);
    const counted = countingPatches(kube);
    expect(Object.values(await actions(kube, stackOf(ns)))).toEqual(['unchanged', 'unchanged', 'unchanged']);
    // Nothing is written, not even the ApplySet parent's record (it records these kinds already).
    expect(counted.patches()).toBe(0);

    const kube2 = clientFor(kubeconfig);
    const counted2 = countingPatches(kube2);
    expect(await actions(kube2, stackOf(ns, 2))).toEqual({
      [`Namespace ${ns}`]: 'unchanged',
      [`DynamoGraphDeployment ${ns}/a`]: 'configured',
      [`DynamoGraphDeployment ${ns}/b`]: 'unchanged',
    });
    expect(counted2.patches()).toBe(1);
    const after = await admin.get<KubeObject>(dgd(ns, 'a'));
    expect(after?.metadata.annotations?.[APPLIED_HASH]).not.toBe(live?.metadata.annotations?.[APPLIED_HASH]);
    // The hash is never part of what a reviewer sees.
    const diff = await liveDiff(admin, [stackOf(ns, 3)]);
    expect(diff.changes.map((c) => c.ref)).toEqual([`DynamoGraphDeployment ${ns}/a`]);
    expect(JSON.stringify(diff.changes)).not.toContain(APPLIED_HASH);
  }, 120_000);

  test('a field the stack no longer sets is applied (and so removed), though everything it still sets is in place', async () => {
    const ns = uniqueNamespace('skiprm');
    await actions(admin, stackOf(ns, 1, { 'team.example.com/owner': 'search' }));
    expect((await admin.get<KubeObject>(dgd(ns, 'b')))?.metadata.annotations?.['team.example.com/owner']).toBe('search');
    expect((await actions(admin, stackOf(ns)))[`DynamoGraphDeployment ${ns}/b`]).toBe('configured');
    expect((await admin.get<KubeObject>(dgd(ns, 'b')))?.metadata.annotations?.['team.example.com/owner']).toBeUndefined();
  }, 120_000);

  test('a value removed by hand is applied again (configured), not skipped', async () => {
    const ns = uniqueNamespace('skipdel');
    const s = stackOf(ns);
    await actions(admin, s);
    await admin.mergePatch(dgd(ns, 'b'), { metadata: { labels: { 'modelstack.io/runtime': null } } }, 'someone');
    expect((await admin.get<KubeObject>(dgd(ns, 'b')))?.metadata.labels?.['modelstack.io/runtime']).toBeUndefined();
    expect((await actions(admin, s))[`DynamoGraphDeployment ${ns}/b`]).toBe('configured');
    expect((await admin.get<KubeObject>(dgd(ns, 'b')))?.metadata.labels?.['modelstack.io/runtime']).toBe('dynamo');
  }, 120_000);

  test('a value changed by another manager inside a list item is applied again: the conflict is reported as before', async () => {
    const ns = uniqueNamespace('skipchg');
    const s = stackOf(ns);
    await actions(admin, s);
    type Components = Array<{ podTemplate: { spec: { containers: Array<{ image: string }> } } }>;
    const live = (await admin.get<KubeObject & { spec: { components: Components } }>(dgd(ns, 'b')))!;
    const applied = live.spec.components[0]!.podTemplate.spec.containers[0]!.image;
    const components = structuredClone(live.spec.components);
    components[0]!.podTemplate.spec.containers[0]!.image = 'example.com/other:1';
    await admin.mergePatch(dgd(ns, 'b'), { spec: { components } }, 'someone');
    await expect(apply(admin, [s], SHAPES_ONLY, new RecordingIoHost())).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await actions(admin, s, { ...SHAPES_ONLY, forceConflicts: true }))[`DynamoGraphDeployment ${ns}/b`]).toBe('configured');
    const now = (await admin.get<KubeObject & { spec: { components: Components } }>(dgd(ns, 'b')))!;
    expect(now.spec.components[0]!.podTemplate.spec.containers[0]!.image).toBe(applied);
  }, 120_000);

  test('a field another manager took over and set back to the same value: applied again, so the stack owns it again', async () => {
    const ns = uniqueNamespace('skipown');
    const s = stackOf(ns);
    await actions(admin, s);
    // Changing the value takes the field over; setting it back keeps it with the other manager.
    await admin.mergePatch(dgd(ns, 'b'), { spec: { backendFramework: 'sglang' } }, 'someone');
    await admin.mergePatch(dgd(ns, 'b'), { spec: { backendFramework: 'vllm' } }, 'someone');
    const owners = async (): Promise<string[]> => {
      const live = (await admin.get<KubeObject>(dgd(ns, 'b')))!;
      const managed = (live.metadata as { managedFields: Array<{ manager: string; fieldsV1: { 'f:spec'?: Record<string, unknown> } }> }).managedFields;
      return managed.filter((m) => m.fieldsV1['f:spec']?.['f:backendFramework'] !== undefined).map((m) => m.manager);
    };
    expect(await owners()).toEqual(['someone']);
    expect((await actions(admin, s))[`DynamoGraphDeployment ${ns}/b`]).toBe('configured');
    expect((await owners()).sort()).toEqual([`modelstack/${s.stackName}`, 'someone']);
  }, 120_000);

  test('objects applied before the hash existed are applied once more (configured), then skipped', async () => {
    const ns = uniqueNamespace('skipold');
    const s = stackOf(ns);
    await actions(admin, s);
    // As an older modelstack left them: no hash (removing it as the stack's manager drops it from its fields too).
    for (const name of ['a', 'b']) await admin.mergePatch(dgd(ns, name), { metadata: { annotations: { [APPLIED_HASH]: null } } }, `modelstack/${s.stackName}`);
    const first = await actions(admin, s);
    expect([first[`DynamoGraphDeployment ${ns}/a`], first[`DynamoGraphDeployment ${ns}/b`]]).toEqual(['configured', 'configured']);
    expect(Object.values(await actions(admin, s))).toEqual(['unchanged', 'unchanged', 'unchanged']);
  }, 120_000);
});
