// Autoscaler-safe replicas (issue 18): a Dynamo model with the planner leaves its workers' replica
// counts to the planner. Played here by the test with its own field manager (as the planner's
// scaling writes are), the "autoscaler" scales the decode workers; applying the stack again then
// reports no conflict and no change, the live diff is empty, and the autoscaler's count stays.
import { DynamoModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { clientFor, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { createOperatorDeployment, setOperatorReady } from './support/operator-sim.js';
import { stackManifest } from './support/stack-manifest.js';

const DYNAMO = {
  namespace: 'dynamo-system',
  name: 'dynamo-operator',
  labels: { 'app.kubernetes.io/name': 'dynamo-operator' },
  image: 'nvcr.io/nvidia/ai-dynamo/kubernetes-operator:1.4.0',
};
const AUTOSCALER = 'test-autoscaler';

describeWithCluster('an autoscaler and modelstack share a model without fighting', (kubeconfig) => {
  let admin: KubeClient;

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    await createOperatorDeployment(admin, DYNAMO);
    await setOperatorReady(admin, DYNAMO, true);
  }, 60_000);

  test('a re-apply after the autoscaler scaled the workers keeps its count: no conflict, no diff', async () => {
    const ns = uniqueNamespace('scale');
    const s = stackManifest(
      `scale-${ns.slice(-6)}`,
      (stack) => new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', planner: { optimizationTarget: 'throughput' } }),
      { namespace: ns },
    );
    const io = new RecordingIoHost();
    await apply(admin, [s], { skipPreflight: true }, io);
    const dgd = s.objects.find((o) => o.kind === 'DynamoGraphDeployment')!;
    const decode = (dgd.spec as { components: { name: string; type: string }[] }).components.find((c) => c.type === 'decode')!;

    // The autoscaler takes the decode workers to 3 under its own field manager.
    await admin.apply(
      {
        apiVersion: dgd.apiVersion,
        kind: dgd.kind,
        metadata: { name: dgd.metadata.name!, namespace: ns },
        spec: { components: [{ name: decode.name, replicas: 3 }] },
      },
      { fieldManager: AUTOSCALER, force: true },
    );

    const again = await apply(admin, [s], { skipPreflight: true }, io);
    expect(again.stacks[0]!.outcomes.map((o) => o.action)).toEqual(s.objects.map(() => 'unchanged'));
    const cs = await liveDiff(admin, [s]);
    expect(cs.changes.map((c) => `${c.action} ${c.ref}\n${c.diff}`)).toEqual([]);
    const live = await admin.get<KubeObject>(dgd);
    const liveDecode = (live!.spec as { components: { name: string; replicas?: number }[] }).components.find((c) => c.name === decode.name);
    expect(liveDecode?.replicas).toBe(3);
  }, 120_000);
});
