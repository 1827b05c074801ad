// The live diff and apply results on the construct matrix, before and after an edit: what the
// speed work (one LIST per kind and namespace instead of a GET per object, pooled connections,
// concurrency) must not change. The expected changes are computed from the two synthesized
// versions, not written down: exactly the objects whose manifests differ are changed/configured.
import { DynamoModel, type Engine, RayModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { objectRef, type StackManifest } from '../../src/model/kube-object.js';
import { clientFor, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { stackManifest } from './support/stack-manifest.js';

/** The shapes only (the Secrets they name are never created): the preflight is skipped. */
const SHAPES_ONLY = { skipPreflight: true } as const;

/** Every engine x mode x router of DynamoModel and two RayModels; `bump` adds one replica to the named models. */
function matrix(name: string, namespace: string, bump: readonly string[]): StackManifest {
  return stackManifest(
    name,
    (stack) => {
      for (const engine of ['vllm', 'sglang', 'trtllm'] as Engine[]) {
        for (const mode of ['aggregated', 'disaggregated'] as const) {
          for (const router of ['round-robin', 'kv'] as const) {
            const id = `${engine}-${mode.slice(0, 3)}-${router === 'kv' ? 'kv' : 'rr'}`;
            const more = bump.includes(id) ? 1 : 0;
            new DynamoModel(stack, id, {
              model: 'Qwen/Qwen3-0.6B',
              engine,
              mode,
              router,
              replicas: mode === 'aggregated' ? { frontend: 1, worker: 2 + more } : { prefill: 1, decode: 2 + more },
              hfTokenSecret: { name: 'hf-token', key: 'token' },
            });
          }
        }
      }
      new RayModel(stack, 'ray-one', { model: 'Qwen/Qwen2.5-7B-Instruct', tensorParallelSize: bump.includes('ray-one') ? 2 : 1 });
      new RayModel(stack, 'ray-auto', { model: 'Qwen/Qwen2.5-7B-Instruct', autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    },
    { namespace },
  );
}

describeWithCluster('live diff and apply on the construct matrix, before and after an edit', (kubeconfig) => {
  let admin: KubeClient;
  beforeAll(() => {
    admin = clientFor(kubeconfig);
  });

  test('exactly the objects whose manifests changed are shown changed and then configured; everything else is unchanged', async () => {
    const ns = uniqueNamespace('mxchg');
    const name = `mxchg-${ns.slice(-6)}`;
    const before = matrix(name, ns, []);
    const after = matrix(name, ns, ['vllm-agg-kv', 'sglang-dis-rr', 'ray-one']);
    const io = new RecordingIoHost();

    const first = await apply(admin, [before], SHAPES_ONLY, io);
    expect(first.stacks[0]!.outcomes.map((o) => o.action)).toEqual(before.objects.map(() => 'created'));

    // Computed from the two versions: the refs whose manifests differ.
    const json = new Map(before.objects.map((o) => [objectRef(o), JSON.stringify(o)]));
    const edited = after.objects.filter((o) => json.get(objectRef(o)) !== JSON.stringify(o)).map(objectRef);
    expect(edited.length).toBe(3);

    const diff = await liveDiff(admin, [after]);
    expect(diff.changes.map((c) => [c.action, c.ref])).toEqual(edited.map((ref) => ['change', ref]));
    expect(diff.summary).toEqual({ add: 0, change: edited.length, remove: 0, unchanged: after.objects.length - edited.length });
    for (const c of diff.changes) expect(c.diff).toMatch(/^[-+] +(replicas|tensor_parallel_size|.*tensor-parallel-size|.*tp[-_]size)/m);

    const second = await apply(admin, [after], SHAPES_ONLY, io);
    // In apply order (config before models): compared as sets of [ref, action].
    const sorted = (pairs: string[][]): string[][] => [...pairs].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect(sorted(second.stacks[0]!.outcomes.map((o) => [o.ref, o.action]))).toEqual(
      sorted(after.objects.map((o) => [objectRef(o), edited.includes(objectRef(o)) ? 'configured' : 'unchanged'])),
    );

    const again = await liveDiff(admin, [after]);
    expect(again.changes.map((c) => `${c.action} ${c.ref}\n${c.diff}`)).toEqual([]);
    expect(again.summary.unchanged).toBe(after.objects.length);
  }, 180_000);
});
