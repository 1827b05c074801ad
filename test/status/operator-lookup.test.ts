import { type Deployment, findOperator, operatorPods, operatorVersion } from '../../src/status/operator-lookup.js';
import { runtimeInfo } from '../../src/runtimes/registry.js';
import { FakeKube, forbidden } from '../support/fake-kube.js';

const dynamo = runtimeInfo('dynamo');
const kuberay = runtimeInfo('kuberay');

function deployment(
  name: string,
  namespace: string,
  opts: { labels?: Record<string, string>; images?: string[]; matchLabels?: Record<string, string> } = {},
): Deployment {
  return {
    metadata: { name, namespace, labels: opts.labels },
    spec: {
      selector: opts.matchLabels ? { matchLabels: opts.matchLabels } : undefined,
      template: { spec: { containers: (opts.images ?? []).map((image, i) => ({ name: `c${i}`, image })) } },
    },
  };
}

describe('operatorVersion', () => {
  test('the app.kubernetes.io/version label wins, without a leading v', () => {
    expect(operatorVersion(deployment('op', 'ns', { labels: { 'app.kubernetes.io/version': 'v1.4.0' }, images: ['x/dynamo-operator:v0.1'] }), dynamo)).toBe(
      '1.4.0',
    );
    expect(operatorVersion(deployment('op', 'ns', { labels: { 'app.kubernetes.io/version': '1.7.0' } }), kuberay)).toBe('1.7.0');
  });

  test('else the tag of the container whose image has the hint, not of a sidecar', () => {
    const d = deployment('op', 'ns', { images: ['gcr.io/kubebuilder/kube-rbac-proxy:v0.15.0', 'nvcr.io/nvidia/ai-dynamo/dynamo-operator:v1.4.1'] });
    expect(operatorVersion(d, dynamo)).toBe('1.4.1');
  });

  test('the first container when none has the hint', () => {
    expect(operatorVersion(deployment('op', 'ns', { images: ['example.io/manager:2.0.0', 'example.io/other:3.0.0'] }), kuberay)).toBe('2.0.0');
  });

  test('a registry port is not a tag', () => {
    expect(operatorVersion(deployment('op', 'ns', { images: ['localhost:5000/kuberay/kuberay-operator:v1.7.0'] }), kuberay)).toBe('1.7.0');
    expect(operatorVersion(deployment('op', 'ns', { images: ['localhost:5000/kuberay/kuberay-operator'] }), kuberay)).toBeNull();
  });

  test('a digest (with or without a tag) or no image at all: unknown', () => {
    expect(operatorVersion(deployment('op', 'ns', { images: ['quay.io/kuberay/operator@sha256:0123abcd'] }), kuberay)).toBeNull();
    expect(operatorVersion(deployment('op', 'ns', { images: ['quay.io/kuberay/operator:v1.2.0@sha256:0123abcd'] }), kuberay)).toBeNull();
    expect(operatorVersion(deployment('op', 'ns'), kuberay)).toBeNull();
    expect(operatorVersion({ metadata: { name: 'op', namespace: 'ns' } }, kuberay)).toBeNull();
  });
});

interface ListCall {
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/** A client whose Deployment lists answer from `answer`, recording each (namespace, selector). */
function listing(answer: (c: ListCall) => Deployment[] | undefined | Error): { client: FakeKube; calls: ListCall[] } {
  const calls: ListCall[] = [];
  const client = new FakeKube({
    list: async (apiVersion, kind, opts = {}) => {
      expect(`${apiVersion} ${kind}`).toBe('apps/v1 Deployment');
      calls.push({ namespace: opts.namespace, labelSelector: opts.labelSelector });
      const a = answer(opts);
      if (a instanceof Error) throw a;
      return a;
    },
  });
  return { client, calls };
}

describe('findOperator', () => {
  const [sel1, sel2] = dynamo.operatorSelectors as [string, string];

  test('cluster-wide first, each selector in order; the first match by name', async () => {
    const { client, calls } = listing((c) => (c.labelSelector === sel2 ? [deployment('zeta', 'a'), deployment('alpha', 'b')] : []));
    const r = await findOperator(client, dynamo);
    expect(r).toEqual({ found: true, deployment: deployment('alpha', 'b') });
    expect(calls).toEqual([
      { namespace: undefined, labelSelector: sel1 },
      { namespace: undefined, labelSelector: sel2 },
    ]);
  });

  test('found by the first selector: the second is not tried', async () => {
    const { client, calls } = listing(() => [deployment('op', 'dynamo-system')]);
    expect((await findOperator(client, dynamo)).found).toBe(true);
    expect(calls).toHaveLength(1);
  });

  test('nothing cluster-wide: not found, saying where it looked (the usual namespace is not tried again)', async () => {
    const { client, calls } = listing(() => undefined);
    expect(await findOperator(client, dynamo)).toEqual({ found: false, searched: `all namespaces for ${sel1} or ${sel2}` });
    expect(calls.every((c) => c.namespace === undefined)).toBe(true);
  });

  test("cluster-wide listing forbidden: falls back to the runtime's usual namespace", async () => {
    const { client, calls } = listing((c) =>
      c.namespace === undefined ? forbidden('list', 'deployments.apps') : c.labelSelector === sel1 ? [deployment('dynamo-operator', 'dynamo-system')] : [],
    );
    const r = await findOperator(client, dynamo);
    expect(r).toEqual({ found: true, deployment: deployment('dynamo-operator', 'dynamo-system') });
    expect(calls.map((c) => c.namespace)).toEqual([undefined, 'dynamo-system']);
  });

  test('forbidden cluster-wide and not in the usual namespace: not found there', async () => {
    const { client } = listing((c) => (c.namespace === undefined ? forbidden('list', 'deployments.apps') : []));
    expect(await findOperator(client, kuberay)).toEqual({
      found: false,
      searched: `namespace kuberay-system for ${kuberay.operatorSelectors.join(' or ')}`,
    });
  });

  test('forbidden everywhere: forbidden, with the last permission missing', async () => {
    const { client } = listing((c) => forbidden('list', 'deployments.apps', c.namespace));
    expect(await findOperator(client, kuberay)).toEqual({ found: 'forbidden', permission: 'list deployments.apps in namespace kuberay-system' });
  });

  test('--namespace: only that namespace', async () => {
    const { client, calls } = listing(() => []);
    expect(await findOperator(client, dynamo, 'ops')).toEqual({ found: false, searched: `namespace ops for ${sel1} or ${sel2}` });
    expect(calls.map((c) => c.namespace)).toEqual(['ops', 'ops']);
    const denied = listing(() => forbidden('list', 'deployments.apps', 'ops'));
    expect(await findOperator(denied.client, dynamo, 'ops')).toEqual({ found: 'forbidden', permission: 'list deployments.apps in namespace ops' });
    expect(denied.calls).toHaveLength(1);
  });

  test('errors other than forbidden are not swallowed', async () => {
    const { client } = listing(() => new Error('connection reset'));
    await expect(findOperator(client, dynamo)).rejects.toThrow('connection reset');
  });
});

describe('operatorPods', () => {
  test("pods selected by the matchLabels, in the Deployment's namespace", async () => {
    const calls: unknown[] = [];
    const client = new FakeKube({
      list: async (apiVersion, kind, opts) => {
        calls.push([apiVersion, kind, opts]);
        return [{ metadata: { name: 'p' } }];
      },
    });
    const pods = await operatorPods(client, deployment('op', 'ray-ops', { matchLabels: { app: 'op', tier: 'control' } }));
    expect(pods).toEqual([{ metadata: { name: 'p' } }]);
    expect(calls).toEqual([['v1', 'Pod', { namespace: 'ray-ops', labelSelector: 'app=op,tier=control' }]]);
  });

  test('no matchLabels: no pods, and no list of every pod', async () => {
    const kube = new FakeKube();
    expect(await operatorPods(kube, deployment('op', 'ns'))).toEqual([]);
    expect(kube.calls).toEqual([]);
  });
});
