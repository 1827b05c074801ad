// What a no-op apply and a live diff cost in requests and connections against a real
// kube-apiserver (issue 13): connections are reused (not a TLS handshake per request), and the
// live state is read with a LIST per kind and namespace, not a GET per object, and an object whose
// applied configuration is unchanged is not applied again (applied-config.ts). Counts, not times:
// the timing targets live in the benchmark (npm run bench).
import { DynamoModel } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { liveDiff } from '../../src/diff/sources/live.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { clientFor, describeWithCluster, uniqueNamespace } from './support/cluster.js';
import { recordRequests } from './support/sent-requests.js';
import { stackManifest } from './support/stack-manifest.js';

describeWithCluster('API requests and connections of apply and diff', (kubeconfig) => {
  test('a no-op apply of 30 models: a constant few requests (no PATCH per object), over at most as many connections as requests in flight', async () => {
    const ns = uniqueNamespace('reqs');
    const s = stackManifest(
      `reqs-${ns.slice(-6)}`,
      (stack) => {
        for (let i = 0; i < 30; i++) new DynamoModel(stack, `m${i}`, { model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: ns },
    );
    await apply(clientFor(kubeconfig), [s], { skipPreflight: true }, new RecordingIoHost());

    const kube = clientFor(kubeconfig);
    const again = await apply(kube, [s], { skipPreflight: true }, new RecordingIoHost());
    expect(new Set(again.stacks[0]!.outcomes.map((o) => o.action))).toEqual(new Set(['unchanged']));
    const objects = s.objects.length;
    // Discovery (4 versions), the lock (get, replace, release), the parent (get), a LIST per kind (3): nothing per object.
    expect(objects).toBeGreaterThan(30);
    expect(kube.stats.requests).toBeLessThanOrEqual(11);
    expect(kube.stats.connections).toBeLessThanOrEqual(4 + 1);

    const diffClient = clientFor(kubeconfig);
    expect((await liveDiff(diffClient, [s])).changes).toEqual([]);
    expect(diffClient.stats.requests).toBeLessThanOrEqual(10);
    // Dry runs go 4 at a time, as apply's writes do.
    expect(diffClient.stats.connections).toBeLessThanOrEqual(4 + 1);
  }, 120_000);

  test('a burst of lists (the search of every served kind) waits for pooled keep-alive connections: at most 16, and no per-version discovery after the aggregated documents', async () => {
    const kube = clientFor(kubeconfig);
    const served = await kube.servedResources();
    expect(kube.stats.requests).toBe(2);
    // Requests as sent (a 429 retried inside one request, as a CRD just created may answer, is not another).
    const sent = recordRequests(kube);
    await Promise.all(served.map((r) => kube.list(r.group ? `${r.group}/${r.version}` : r.version, r.kind, { labelSelector: 'modelstack.io/none=x' })));
    expect(sent.filter((spec) => spec.verb !== 'list').map((spec) => `${spec.verb} ${spec.path}`)).toEqual([]);
    expect(sent).toHaveLength(served.length);
    expect(kube.stats.connections).toBeLessThanOrEqual(16);
  }, 60_000);
});
