// The production shapes of DynamoModel (issue 10) against a real kube-apiserver with the Dynamo
// 1.4.0 CRDs: a server-side dry run accepts every object, then a real apply round-trips (the
// live diff is empty and a second apply changes nothing), so CRD validation (CEL rules included)
// and defaulting agree with what modelstack renders.
import { DynamoModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { DYNAMO_PRODUCTION } from '../support/construct-matrix.js';
import { clientFor, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { createOperatorDeployment, setOperatorReady } from './support/operator-sim.js';
import { stackManifest } from './support/stack-manifest.js';

const DYNAMO = {
  namespace: 'dynamo-system',
  name: 'dynamo-operator',
  labels: { 'app.kubernetes.io/name': 'dynamo-operator' },
  image: 'nvcr.io/nvidia/ai-dynamo/kubernetes-operator:1.4.0',
};

describeWithCluster('Dynamo production shapes against a real kube-apiserver', (kubeconfig) => {
  let admin: KubeClient;

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    await createOperatorDeployment(admin, DYNAMO);
    await setOperatorReady(admin, DYNAMO, true);
  }, 60_000);

  test('every shape is accepted by the API server and round-trips', async () => {
    const ns = uniqueNamespace('prod');
    const build = (namespace: string) =>
      stackManifest(
        `prod-${ns.slice(-6)}`,
        (stack) => {
          for (const [id, props] of Object.entries(DYNAMO_PRODUCTION)) new DynamoModel(stack, id, props);
        },
        { namespace },
      );
    // A dry run creates nothing, so it runs in a namespace that exists.
    const drySet = build('default');
    const kinds = drySet.objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'DynamoGraphDeployment')).toHaveLength(Object.keys(DYNAMO_PRODUCTION).length);
    expect(kinds).toContain('ConfigMap');
    // The shapes reference Secrets this test never creates: the reference preflight is skipped.
    const io = new RecordingIoHost();
    const dry = await apply(admin, [drySet], { dryRun: true, skipPreflight: true }, io);
    expect(dry.stacks[0]!.outcomes.map((o) => o.action)).toEqual(drySet.objects.map(() => 'created'));

    const s = build(ns);
    const first = await apply(admin, [s], { skipPreflight: true }, io);
    expect(first.stacks[0]!.outcomes.map((o) => o.action)).toEqual(s.objects.map(() => 'created'));
    const cs = await liveDiff(admin, [s]);
    expect(cs.changes.map((c) => `${c.action} ${c.ref}\n${c.diff}`)).toEqual([]);
    const second = await apply(admin, [s], { skipPreflight: true }, io);
    expect(second.stacks[0]!.outcomes.map((o) => o.action)).toEqual(s.objects.map(() => 'unchanged'));
  }, 120_000);
});
