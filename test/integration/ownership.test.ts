// Ownership on a real kube-apiserver (issue 9): what apply, prune and destroy may delete, stack
// identity, one field manager per stack, the stack lock, and the mass-deletion guard. Each test
// reproduces a failure of modelstack 0.1 (which deleted adopted namespaces with everything in
// them, let two stacks of one name share objects, and let concurrent applies interleave).
import { DynamoModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { destroy } from '../../src/apply/destroy.js';
import { waitFor } from './support/kubelet.js';
import { APPLYSET_GROUP_KINDS, APPLYSET_PART_OF, applySetParent } from '../../src/clusterapply/applyset.js';
import { CREATED_BY } from '../../src/clusterapply/ownership.js';
import { StackLock } from '../../src/clusterapply/stack-lock.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { ModelstackError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { clientFor, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { recordRequests } from './support/sent-requests.js';
import { stackManifest } from './support/stack-manifest.js';

const NO_PREFLIGHT = { skipPreflight: true } as const;

function dgdRef(namespace: string, name: string): KubeObject {
  return { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { namespace, name } };
}
function nsRef(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
function leaseRef(stack: string): KubeObject {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `modelstack-${stack}`, namespace: 'default' } };
}

/** A stack of `models` DynamoModels in namespace `ns`. */
function modelsStack(name: string, ns: string, models: readonly string[], props: Record<string, unknown> = {}, replicas = 1): StackManifest {
  return stackManifest(
    name,
    (stack) => {
      for (const m of models) new DynamoModel(stack, m, { model: 'Qwen/Qwen3-0.6B', replicas: { frontend: 1, worker: replicas } });
    },
    { namespace: ns, ...props },
  );
}

async function failure(p: Promise<unknown>): Promise<ModelstackError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ModelstackError)) throw new Error(`expected a ModelstackError, got ${String(e)}`);
  return e;
}

async function workerReplicas(kube: KubeClient, ns: string, name: string): Promise<number | undefined> {
  const o = await kube.get<{ spec: { components: Array<{ name: string; replicas?: number }> } }>(dgdRef(ns, name));
  return o?.spec.components.find((c) => c.name !== 'Frontend')?.replicas;
}

describeWithCluster('ownership against a real kube-apiserver', (kubeconfig) => {
  let admin: KubeClient;
  beforeAll(() => {
    admin = clientFor(kubeconfig);
  });

  test("an adopted namespace (another team's operator and a hand-made Secret in it) is shown as adopted and released, never deleted, by destroy and prune", async () => {
    const ns = uniqueNamespace('adopt');
    await admin.apply(nsRef(ns), { fieldManager: 'platform-team' });
    await admin.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'dynamo-operator', namespace: ns },
        spec: {
          selector: { matchLabels: { app: 'op' } },
          template: { metadata: { labels: { app: 'op' } }, spec: { containers: [{ name: 'm', image: 'example.io/op:1' }] } },
        },
      },
      { fieldManager: 'platform-team' },
    );
    await admin.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf-token', namespace: ns }, stringData: { token: 'x' } },
      { fieldManager: 'kubectl-create' },
    );

    const name = `adopt-${ns.slice(-6)}`;
    const s = modelsStack(name, ns, ['m']);
    const io = new RecordingIoHost();
    const r = await apply(admin, [s], NO_PREFLIGHT, io);
    expect(r.stacks[0]!.outcomes).toEqual([
      { ref: `Namespace ${ns}`, action: 'adopted' },
      { ref: `DynamoGraphDeployment ${ns}/m`, action: 'created' },
    ]);
    expect(io.text()).toContain(`Namespace ${ns} adopted (it existed before: the stack manages it now but will release, never delete, it)`);
    const liveNs = await admin.get<KubeObject>(nsRef(ns));
    expect(liveNs?.metadata.annotations?.[CREATED_BY]).toBeUndefined();
    expect((await admin.get<KubeObject>(dgdRef(ns, 'm')))?.metadata.annotations?.[CREATED_BY]).toBe(s.stackId);
    // Applying it again keeps the record as it is.
    const again = await apply(admin, [s], NO_PREFLIGHT, new RecordingIoHost());
    expect(again.stacks[0]!.outcomes.map((o) => o.action)).toEqual(['unchanged', 'unchanged']);

    // The live diff of a prune shows the namespace released (a change), not removed.
    const empty = modelsStack(name, ns, []);
    const preview = await liveDiff(admin, [{ ...empty, objects: [] }], { prune: true });
    expect(preview.changes.map((c) => `${c.action} ${c.ref}`)).toEqual([`change Namespace ${ns}`, `remove DynamoGraphDeployment ${ns}/m`]);

    const dio = new RecordingIoHost();
    const d = await destroy(admin, [s], { yes: true }, dio);
    expect(d[0]!.outcomes).toEqual([
      { ref: `DynamoGraphDeployment ${ns}/m`, action: 'pruned' },
      { ref: `Namespace ${ns}`, action: 'released' },
    ]);
    expect(dio.data(MESSAGES.RELEASE).map((x) => x.reason)).toEqual([
      'adopted: it existed before the stack applied it (or was applied before modelstack recorded what it creates)',
    ]);
    const after = await admin.get<KubeObject>(nsRef(ns));
    expect(after).toBeDefined();
    expect(after!.metadata.labels?.[APPLYSET_PART_OF]).toBeUndefined();
    expect(after!.metadata.labels?.['modelstack.io/stack']).toBeUndefined();
    expect(await admin.get({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dynamo-operator', namespace: ns } })).toBeDefined();
    expect(await admin.get({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf-token', namespace: ns } })).toBeDefined();
    expect(await admin.get(leaseRef(name))).toBeUndefined();
  }, 90_000);

  test('a namespace the stack created is deleted with everything listed when only the stack is in it, and kept (naming the holder) when a hand-made Secret is', async () => {
    const ns = uniqueNamespace('holds');
    const name = `holds-${ns.slice(-6)}`;
    const s = modelsStack(name, ns, ['m']);
    await apply(admin, [s], NO_PREFLIGHT, new RecordingIoHost());
    await admin.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf-token', namespace: ns }, stringData: { token: 'x' } },
      { fieldManager: 'kubectl-create' },
    );
    const io = new RecordingIoHost();
    await destroy(admin, [s], { yes: true }, io);
    expect(io.data(MESSAGES.RELEASE).map((x) => `${x.ref}: ${x.reason}`)).toEqual([
      `Namespace ${ns}: it holds 1 object(s) this stack does not remove: Secret ${ns}/hf-token`,
    ]);
    expect(await admin.get(nsRef(ns))).toBeDefined();

    const ns2 = uniqueNamespace('alone');
    const s2 = modelsStack(`alone-${ns2.slice(-6)}`, ns2, ['a', 'b']);
    await apply(admin, [s2], NO_PREFLIGHT, new RecordingIoHost());
    const io2 = new RecordingIoHost();
    await destroy(admin, [s2], { yes: true }, io2);
    const plan = io2.data(MESSAGES.DESTROY_CONFIRM)[0]!.stacks[0]!;
    expect(plan.deletes).toEqual([`DynamoGraphDeployment ${ns2}/b`, `DynamoGraphDeployment ${ns2}/a`, `Namespace ${ns2}`]);
    // The namespace's contents as the API server has them: our two graphs plus the defaults every namespace gets.
    expect(plan.namespaces).toEqual([{ namespace: ns2, contents: expect.stringContaining('2 DynamoGraphDeployment') }]);
    expect(io2.data(MESSAGES.DELETE).at(-1)?.namespaceContents).toContain('2 DynamoGraphDeployment');
    expect(io2.text('info').at(-1)).toMatch(new RegExp(`^deleting Namespace ${ns2} and everything in it \\(.*2 DynamoGraphDeployment`));
    // The real namespace controller (kube-controller-manager) finishes the deletion: the namespace
    // and both graphs in it are gone, not left Terminating.
    await waitFor(`namespace ${ns2} to be gone`, async () => ((await admin.get(nsRef(ns2))) ? undefined : true));
    expect(await admin.get(dgdRef(ns2, 'a'))).toBeUndefined();
  }, 90_000);

  test("a namespace shared by two stacks is never deleted by one of them: the other's models hold it", async () => {
    const ns = uniqueNamespace('shared');
    const a = modelsStack(`sa-${ns.slice(-6)}`, ns, ['a']);
    const b = modelsStack(`sb-${ns.slice(-6)}`, ns, ['b'], { createNamespaces: false });
    await apply(admin, [a, b], NO_PREFLIGHT, new RecordingIoHost());
    const io = new RecordingIoHost();
    await destroy(admin, [a], { yes: true }, io);
    expect(io.data(MESSAGES.RELEASE).map((x) => x.reason)).toEqual([`it holds 1 object(s) this stack does not remove: DynamoGraphDeployment ${ns}/b`]);
    expect(await admin.get(dgdRef(ns, 'b'))).toBeDefined();
    expect(await admin.get(nsRef(ns))).toBeDefined();
  }, 90_000);

  test('destroy asks first: without an answer (no terminal) it refuses and deletes nothing; a yes deletes', async () => {
    const ns = uniqueNamespace('confirm');
    const s = modelsStack(`confirm-${ns.slice(-6)}`, ns, ['m']);
    await apply(admin, [s], NO_PREFLIGHT, new RecordingIoHost());
    const e = await failure(destroy(admin, [s], {}, new RecordingIoHost()));
    expect(e.code).toBe('CONFIRMATION');
    expect(e.message).toBe('destroy was not confirmed; nothing was deleted');
    expect(await admin.get(dgdRef(ns, 'm'))).toBeDefined();
    const asked: string[] = [];
    const yes = new RecordingIoHost((m) => {
      asked.push(m.message);
      return true;
    });
    await destroy(admin, [s], {}, yes);
    expect(asked).toEqual([
      `stack ${s.stackName}: will delete 2 object(s), release 0\n  delete  DynamoGraphDeployment ${ns}/m\n  delete  Namespace ${ns}  AND EVERYTHING IN IT: ${yes.data(MESSAGES.DESTROY_CONFIRM)[0]!.stacks[0]!.namespaces[0]!.contents}`,
    ]);
    expect(await admin.get(dgdRef(ns, 'm'))).toBeUndefined();
  }, 90_000);

  test('two stacks of the same name from different repositories (different stackIds): the second apply is refused before any write', async () => {
    const ns = uniqueNamespace('ident');
    const name = `ident-${ns.slice(-6)}`;
    const first = modelsStack(name, ns, ['m'], { stackId: `${name}-repo-one` });
    await apply(admin, [first], NO_PREFLIGHT, new RecordingIoHost());
    const second = modelsStack(name, ns, ['m', 'other'], { stackId: `${name}-repo-two` });
    const e = await failure(apply(admin, [second], { ...NO_PREFLIGHT, prune: true }, new RecordingIoHost()));
    expect(e.code).toBe('OWNERSHIP');
    expect(e.message).toBe(
      `apply: the ApplySet parent ConfigMap default/modelstack-${name} belongs to stack id "${name}-repo-one", but this stack "${name}" has stackId "${name}-repo-two": another stack of the same name (from another repository?) owns these objects`,
    );
    expect(await admin.get(dgdRef(ns, 'other'))).toBeUndefined();
    const d = await failure(destroy(admin, [second], { yes: true }, new RecordingIoHost()));
    expect(d.code).toBe('OWNERSHIP');
    expect(await admin.get(dgdRef(ns, 'm'))).toBeDefined();
  }, 90_000);

  test('a stack without a stackId is refused by apply and destroy with a fresh id to add', async () => {
    const ns = uniqueNamespace('noid');
    const s = modelsStack(`noid-${ns.slice(-6)}`, ns, ['m']);
    const { stackId: _id, ...withoutId } = s;
    const e = await failure(apply(admin, [withoutId], NO_PREFLIGHT, new RecordingIoHost()));
    expect(e.code).toBe('OWNERSHIP');
    expect(e.message).toBe(
      `apply: stack "${s.stackName}" has no stackId, so nothing would stop a stack of the same name in another repository from owning (and pruning) its objects`,
    );
    expect(e.hint).toMatch(new RegExp(`^add stackId: '${s.stackName}-[0-9a-f]{8}' \\(freshly generated\\) to the props of new ModelStack`));
    expect(await admin.get(nsRef(ns))).toBeUndefined();
  }, 30_000);

  test('one owner per object: a second stack rendering the same object gets a conflict naming the first stack', async () => {
    const ns = uniqueNamespace('owner');
    const a = modelsStack(`oa-${ns.slice(-6)}`, ns, ['m']);
    await apply(admin, [a], NO_PREFLIGHT, new RecordingIoHost());
    const b = modelsStack(`ob-${ns.slice(-6)}`, ns, ['m'], {}, 3);
    const e = await failure(apply(admin, [b], NO_PREFLIGHT, new RecordingIoHost()));
    expect(e.code).toBe('CONFLICT');
    expect(e.details).toContain(
      `Namespace ${ns}: .metadata.labels.modelstack.io/stack is managed by stack "${a.stackName}" (field manager "modelstack/${a.stackName}")`,
    );
    expect(e.hint).toBe('two stacks render the same object: keep it in one of them (or take the fields over with --force-conflicts)');
    // The first stack's live diff still works (it used to fail with "the before side has Namespace ... more than once").
    expect((await liveDiff(admin, [a])).changes).toEqual([]);
  }, 60_000);

  test('objects applied by modelstack 0.1 (field manager "modelstack") are taken over without a conflict', async () => {
    const ns = uniqueNamespace('legacy');
    const s = modelsStack(`legacy-${ns.slice(-6)}`, ns, ['m']);
    const parent = applySetParent(s.stackName!, 'default');
    for (const o of s.objects) {
      const marked: KubeObject = { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [APPLYSET_PART_OF]: parent.id } } };
      await admin.apply(o.kind === 'DynamoGraphDeployment' ? { ...marked, spec: { ...(marked.spec as object), backendFramework: 'sglang' } } : marked, {
        fieldManager: 'modelstack',
      });
    }
    // The first apply after the upgrade moves the fields to the stack's own manager (and sets the DGD's backend back).
    const r = await apply(admin, [s], NO_PREFLIGHT, new RecordingIoHost());
    expect(r.stacks[0]!.outcomes.map((o) => o.action)).toEqual(['configured', 'configured']);
    const managers = ((await admin.get<KubeObject>(dgdRef(ns, 'm')))!.metadata as { managedFields?: Array<{ manager: string }> }).managedFields ?? [];
    expect(managers.map((m) => m.manager)).toContain(`modelstack/${s.stackName}`);
    const again = await apply(admin, [s], NO_PREFLIGHT, new RecordingIoHost());
    expect(again.stacks[0]!.outcomes.map((o) => o.action)).toEqual(['unchanged', 'unchanged']);
  }, 60_000);

  test('one apply at a time: a held lock fails a second apply naming the holder, --wait-for-lock waits for it, a stale lock is taken over, --break-lock breaks it', async () => {
    const ns = uniqueNamespace('lock');
    const name = `lock-${ns.slice(-6)}`;
    const s = modelsStack(name, ns, ['m']);
    const parent = applySetParent(name, 'default');
    const held = await StackLock.acquire(admin, parent, { description: 'apply of abc1234 by someone' });
    const e = await failure(apply(admin, [s], NO_PREFLIGHT, new RecordingIoHost()));
    expect(e.code).toBe('LOCKED');
    expect(e.message).toMatch(
      new RegExp(
        `^stack lock default/modelstack-${name} is held by \\S+@\\S+ pid ${process.pid} \\w+ since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\(apply of abc1234 by someone\\); it expires at `,
      ),
    );
    expect(e.hint).toContain('--wait-for-lock');
    expect(await admin.get(nsRef(ns))).toBeUndefined();

    setTimeout(() => void held.release(), 1500);
    const io = new RecordingIoHost();
    await apply(admin, [s], { ...NO_PREFLIGHT, waitForLockMs: 20_000 }, io);
    expect(io.data(MESSAGES.LOCK).map((d) => d.kind)).toEqual(['waiting']);
    expect(await admin.get(dgdRef(ns, 'm'))).toBeDefined();

    // A holder that died: its lease was last renewed long ago.
    const stale = await StackLock.acquire(admin, parent, { description: 'a killed apply', leaseSeconds: 1, now: () => Date.now() - 3_600_000 });
    await stale.release().catch(() => undefined);
    const lease = await admin.get<KubeObject & { spec: Record<string, unknown> }>(leaseRef(name));
    const old = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '000Z');
    await admin.replace({
      ...lease!,
      spec: { ...lease!.spec, holderIdentity: 'ghost@gone pid 1', acquireTime: old, renewTime: old, leaseDurationSeconds: 60 },
    });
    const io2 = new RecordingIoHost();
    await apply(admin, [s], NO_PREFLIGHT, io2);
    expect(io2.data(MESSAGES.LOCK).map((d) => `${d.kind} ${d.holder}`)).toEqual(['taken-over ghost@gone pid 1']);

    const live = await StackLock.acquire(admin, parent, { description: 'stuck' });
    const io3 = new RecordingIoHost();
    await apply(admin, [s], { ...NO_PREFLIGHT, breakLock: true }, io3);
    expect(io3.data(MESSAGES.LOCK).map((d) => d.kind)).toEqual(['broken']);
    await live.renew();
    expect(() => live.assertHeld()).toThrow(/^lost the stack lock: now held by /);
    await live.release();
  }, 90_000);

  test('two applies of different commits at once: one wins whole, the other is refused; no mix of versions', async () => {
    const ns = uniqueNamespace('race');
    const name = `race-${ns.slice(-6)}`;
    const models = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const v1 = modelsStack(name, ns, models, {}, 1);
    const v2 = modelsStack(name, ns, models, {}, 2);
    const results = await Promise.allSettled([
      apply(admin, [v1], NO_PREFLIGHT, new RecordingIoHost()),
      apply(admin, [v2], NO_PREFLIGHT, new RecordingIoHost()),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as ModelstackError).code)).toEqual(['LOCKED']);
    const winner = results[0]!.status === 'fulfilled' ? 1 : 2;
    const replicas = await Promise.all(models.map((m) => workerReplicas(admin, ns, m)));
    expect(new Set(replicas)).toEqual(new Set([winner]));
  }, 90_000);

  test('mass deletion: an empty synth with --prune is refused naming what would go; --allow-mass-delete lets it through', async () => {
    const ns = uniqueNamespace('mass');
    const name = `mass-${ns.slice(-6)}`;
    await apply(admin, [modelsStack(name, ns, ['a', 'b', 'c'])], NO_PREFLIGHT, new RecordingIoHost());
    const empty: StackManifest = { ...modelsStack(name, ns, []), objects: [] };
    const e = await failure(apply(admin, [empty], { ...NO_PREFLIGHT, prune: true }, new RecordingIoHost()));
    expect(e.code).toBe('MASS_DELETE');
    expect(e.message).toBe(`refusing to prune every object of stack ${name}: that looks like an empty or broken synth, not an edit`);
    expect(e.details).toEqual(
      expect.arrayContaining([`Namespace ${ns}`, `DynamoGraphDeployment ${ns}/a`, `DynamoGraphDeployment ${ns}/b`, `DynamoGraphDeployment ${ns}/c`]),
    );
    expect(e.hint).toContain('--allow-mass-delete');
    for (const m of ['a', 'b', 'c']) expect(await admin.get(dgdRef(ns, m))).toBeDefined();
    // Three of four objects is more than half: refused as well.
    const full = modelsStack(name, ns, ['a']);
    const onlyNamespace: StackManifest = { ...full, objects: full.objects.filter((o) => o.kind === 'Namespace') };
    const e2 = await failure(apply(admin, [onlyNamespace], { ...NO_PREFLIGHT, prune: true }, new RecordingIoHost()));
    expect(e2.message).toBe(`refusing to prune 3 of its 4 objects of stack ${name}: that looks like an empty or broken synth, not an edit`);
    // One of four is an edit.
    await apply(admin, [modelsStack(name, ns, ['a', 'b'])], { ...NO_PREFLIGHT, prune: true }, new RecordingIoHost());
    expect(await admin.get(dgdRef(ns, 'c'))).toBeUndefined();
    await apply(admin, [empty], { ...NO_PREFLIGHT, prune: true, allowMassDelete: true }, new RecordingIoHost());
    expect(await admin.get(dgdRef(ns, 'a'))).toBeUndefined();
  }, 90_000);

  test('a deleted or hand-edited parent record does not hide owned objects: prune finds them by their marks and says it repaired the record', async () => {
    const ns = uniqueNamespace('repair');
    const name = `repair-${ns.slice(-6)}`;
    await apply(admin, [modelsStack(name, ns, ['a', 'b', 'c', 'd'])], NO_PREFLIGHT, new RecordingIoHost());
    const parentRef = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `modelstack-${name}`, namespace: 'default' } };
    // Hand-edited: the record no longer lists DynamoGraphDeployments.
    await admin.mergePatch(parentRef, { metadata: { annotations: { [APPLYSET_GROUP_KINDS]: 'Namespace' } } }, 'kubectl-edit');
    const io = new RecordingIoHost();
    const r = await apply(admin, [modelsStack(name, ns, ['a', 'b', 'c'])], { ...NO_PREFLIGHT, prune: true }, io);
    expect(r.stacks[0]!.outcomes.filter((o) => o.action === 'pruned').map((o) => o.ref)).toEqual([`DynamoGraphDeployment ${ns}/d`]);
    expect(io.text('warn')).toContain(
      `stack ${name}: found 4 object(s) marked as the stack's in kinds its ApplySet parent ConfigMap default/modelstack-${name} does not record: DynamoGraphDeployment.nvidia.com; the record is repaired`,
    );
    // Deleted: the first apply after it finds the objects and rebuilds the record; destroy still finds everything.
    await admin.delete(parentRef);
    const io2 = new RecordingIoHost();
    await apply(admin, [modelsStack(name, ns, ['a'])], NO_PREFLIGHT, io2);
    expect(io2.text('warn')[0]).toMatch(/would record \(the parent was missing\): DynamoGraphDeployment\.nvidia\.com, Namespace; the record is repaired$/);
    const parent = await admin.get<KubeObject>(parentRef);
    expect(parent?.metadata.annotations?.[APPLYSET_GROUP_KINDS]).toBe('DynamoGraphDeployment.nvidia.com,Namespace');
    await admin.delete(parentRef);
    const d = await destroy(admin, [modelsStack(name, ns, [])], { yes: true }, new RecordingIoHost());
    expect(d[0]!.outcomes.map((o) => o.ref).sort()).toEqual([
      `DynamoGraphDeployment ${ns}/a`,
      `DynamoGraphDeployment ${ns}/b`,
      `DynamoGraphDeployment ${ns}/c`,
      `Namespace ${ns}`,
    ]);
  }, 90_000);
  test("a stack's first apply to a cluster (no parent, no lease) searches nothing; when both were deleted by hand, prune and destroy still find the marked objects", async () => {
    const ns = uniqueNamespace('first');
    const name = `first-${ns.slice(-6)}`;
    const kube = clientFor(kubeconfig);
    const sent = recordRequests(kube);
    await apply(kube, [modelsStack(name, ns, ['a', 'b', 'c'])], NO_PREFLIGHT, new RecordingIoHost());
    // Only the stack's own kinds in its namespace (to read their live state), never every served kind.
    const lists = sent.filter((spec) => spec.verb === 'list').map((spec) => spec.path);
    expect(lists.every((p) => p.includes(`/namespaces/${ns}/`))).toBe(true);

    const parentRef = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `modelstack-${name}`, namespace: 'default' } };
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `modelstack-${name}`, namespace: 'default' } };
    await admin.delete(parentRef);
    await admin.delete(lease);
    // Taken for a first apply: no search, no note; the record holds the current kinds.
    const io = new RecordingIoHost();
    await apply(admin, [modelsStack(name, ns, ['a'])], NO_PREFLIGHT, io);
    expect(io.text('warn')).toEqual([]);
    // Prune searches every kind all the same: b and c, marked as the stack's and created by it, go.
    const pruned = await apply(admin, [modelsStack(name, ns, ['a', 'd'])], { ...NO_PREFLIGHT, prune: true }, new RecordingIoHost());
    expect(
      pruned.stacks[0]!.outcomes.filter((o) => o.action === 'pruned')
        .map((o) => o.ref)
        .sort(),
    ).toEqual([`DynamoGraphDeployment ${ns}/b`, `DynamoGraphDeployment ${ns}/c`]);
    await admin.delete(parentRef);
    await admin.delete(lease);
    const d = await destroy(admin, [modelsStack(name, ns, [])], { yes: true }, new RecordingIoHost());
    expect(d[0]!.outcomes.map((o) => o.ref).sort()).toEqual([`DynamoGraphDeployment ${ns}/a`, `DynamoGraphDeployment ${ns}/d`, `Namespace ${ns}`]);
  }, 90_000);
});
