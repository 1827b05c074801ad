// Request shapes of KubeClient, against test/support/fake-apiserver.ts: a canned-JSON stand-in
// that only records what it is sent. Real API server behaviour is in test/integration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForbiddenError } from '../../src/kube/api-error.js';
import type { ResourceInfo } from '../../src/kube/kube-api.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import { loadKubeConfig } from '../../src/kube/kube-config.js';
import { FakeApiServer, type Handler, notFound, type Reply, type SeenRequest, writeKubeconfig } from '../support/fake-apiserver.js';
import { rejection } from '../support/thrown.js';
import { applyStatus } from '../integration/support/status-writer.js';

const CORE_V1 = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'namespaces/status', kind: 'Namespace', namespaced: false },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'pods/log', kind: 'Pod', namespaced: true },
  ],
};
const RAY_V1 = {
  kind: 'APIResourceList',
  groupVersion: 'ray.io/v1',
  resources: [
    { name: 'rayservices', kind: 'RayService', namespaced: true },
    { name: 'rayservices/status', kind: 'RayService', namespaced: true },
  ],
};

/** Discovery for v1 and ray.io/v1, then `more` for anything else (404 when it returns undefined). */
function routes(more: (r: SeenRequest) => Reply | 'hang' | undefined = () => undefined): Handler {
  return (r) => {
    if (r.method === 'GET' && r.path === '/api/v1') return { body: CORE_V1 };
    if (r.method === 'GET' && r.path === '/apis/ray.io/v1') return { body: RAY_V1 };
    return more(r) ?? notFound();
  };
}

const nonDiscovery = (fake: FakeApiServer): SeenRequest[] => fake.requests.filter((r) => r.path !== '/api/v1' && r.path !== '/apis/ray.io/v1');

const rayService = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'llm', namespace: 'models' }, spec: { x: { unknownField: true } } };
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'b' } };

describe('KubeClient', () => {
  let fake: FakeApiServer;
  let tmp: string;
  let kubeconfig: string;
  let client: KubeClient;

  beforeAll(async () => {
    fake = await FakeApiServer.start();
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kube-client-'));
    kubeconfig = writeKubeconfig(join(tmp, 'config'), [{ name: 'fake', server: fake.url, token: 'secret-token' }]);
  });

  afterAll(async () => {
    await fake.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    fake.requests.length = 0;
    fake.handler = routes();
    client = new KubeClient(loadKubeConfig({ kubeconfig }), 2_000);
  });

  describe('construction and raw requests', () => {
    test('serverUrl is the origin of the current cluster', () => {
      expect(client.serverUrl).toBe(fake.url);
    });

    test('sends Accept: application/json and the bearer token of the kubeconfig user', async () => {
      fake.handler = () => ({ body: { ok: true } });
      expect(await client.request({ method: 'GET', path: '/version', verb: 'get', resource: 'version' })).toEqual({ ok: true });
      const [r] = fake.requests;
      expect(r!.headers.accept).toBe('application/json');
      expect(r!.headers.authorization).toBe('Bearer secret-token');
      expect(r!.headers['content-type']).toBeUndefined();
      expect(r!.body).toBe('');
    });

    test('query values that are undefined are left out; an empty 2xx body is undefined', async () => {
      fake.handler = () => ({ status: 200 });
      expect(await client.request({ method: 'GET', path: '/x', query: { a: '1', b: undefined }, verb: 'get', resource: 'x' })).toBeUndefined();
      expect(fake.requests[0]!.query).toEqual({ a: '1' });
    });

    test('a non-2xx answer becomes the typed error for the verb and resource', async () => {
      fake.handler = () => ({ status: 403, body: { kind: 'Status', message: 'forbidden' } });
      const e = await rejection(client.request({ method: 'GET', path: '/api/v1/namespaces/ns1/pods', verb: 'list', resource: 'pods', namespace: 'ns1' }));
      expect(e).toBeInstanceOf(ForbiddenError);
      expect((e as ForbiddenError).permission).toBe('list pods in namespace ns1');
    });

    test('a body that is not JSON becomes the message (cut to 500 characters)', async () => {
      fake.handler = () => ({ status: 500, raw: `upstream exploded ${'x'.repeat(1000)}` });
      const e = await rejection(client.request({ method: 'GET', path: '/boom', verb: 'get', resource: 'x' }));
      expect(e.code).toBe('INTERNAL');
      expect(e.message).toMatch(/^the API server answered 500 to GET \/boom: upstream exploded x+$/);
      expect(e.message.length).toBeLessThan(600);
    });

    test('an http:// server without insecure-skip-tls-verify is a KUBECONFIG error, not a request', async () => {
      const plain = writeKubeconfig(join(tmp, 'plain'), [{ name: 'plain', server: fake.url, insecureSkipTlsVerify: false }]);
      const e = await rejection(new KubeClient(loadKubeConfig({ kubeconfig: plain })).request({ method: 'GET', path: '/x', verb: 'get', resource: 'x' }));
      expect(e.code).toBe('KUBECONFIG');
      expect(e.message).toContain(`cannot use the kubeconfig's credentials for ${fake.url}`);
      expect(fake.requests).toEqual([]);
    });

    test('no server listening: UNREACHABLE naming the server, with the cause', async () => {
      const gone = await FakeApiServer.start();
      const url = gone.url;
      await gone.close();
      const cfg = writeKubeconfig(join(tmp, 'gone'), [{ name: 'gone', server: url }]);
      const e = await rejection(new KubeClient(loadKubeConfig({ kubeconfig: cfg })).resources('v1'));
      expect(e.code).toBe('UNREACHABLE');
      expect(e.message).toMatch(new RegExp(`^cannot reach the API server at ${url}: .*ECONNREFUSED`));
      expect(e.hint).toContain('--context');
      expect((e.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    });

    test('no answer within the timeout: TIMEOUT naming the server and the time', async () => {
      fake.handler = () => 'hang';
      const slow = new KubeClient(loadKubeConfig({ kubeconfig }), 150);
      const started = Date.now();
      const e = await rejection(slow.request({ method: 'GET', path: '/slow', verb: 'get', resource: 'x' }));
      expect(e.code).toBe('TIMEOUT');
      expect(e.message).toBe(`GET /slow: no complete answer from the API server at ${fake.url} within 0.15s`);
      expect(Date.now() - started).toBeLessThan(1_500);
    });
  });

  describe('discovery', () => {
    test('core and group versions are read from /api/v1 and /apis/<group>/<version>, without subresources', async () => {
      expect(await client.resources('v1')).toEqual<ResourceInfo[]>([
        { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
        { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
        { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
      ]);
      expect(await client.resourceFor('ray.io/v1', 'RayService')).toEqual({
        group: 'ray.io',
        version: 'v1',
        kind: 'RayService',
        plural: 'rayservices',
        namespaced: true,
      });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1', 'GET /apis/ray.io/v1']);
    });

    test('a group version the server does not serve is undefined', async () => {
      expect(await client.resources('nvidia.com/v1beta1')).toBeUndefined();
      expect(await client.resourceFor('nvidia.com/v1beta1', 'DynamoGraphDeployment')).toBeUndefined();
      expect(await client.resourceFor('v1', 'NoSuchKind')).toBeUndefined();
    });

    test('results are cached (concurrent callers share one request) until resetDiscovery', async () => {
      await Promise.all([client.resources('v1'), client.resources('v1'), client.resourceFor('v1', 'Pod')]);
      await client.resources('v1');
      expect(fake.requests).toHaveLength(1);
      client.resetDiscovery();
      await client.resources('v1');
      expect(fake.requests).toHaveLength(2);
    });

    test('a failed discovery is not cached: the next call asks again', async () => {
      fake.handler = () => ({ status: 500, body: { message: 'etcd down' } });
      expect((await rejection(client.resources('v1'))).code).toBe('INTERNAL');
      fake.handler = routes();
      expect(await client.resourceFor('v1', 'Pod')).toBeDefined();
      expect(fake.requests).toHaveLength(2);
    });

    test('preferredApiVersion: v1 for the core group without asking; the group document otherwise; undefined when not served', async () => {
      fake.handler = routes((r) =>
        r.path === '/apis/apps' ? { body: { kind: 'APIGroup', name: 'apps', preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } } } : undefined,
      );
      expect(await client.preferredApiVersion('')).toBe('v1');
      expect(fake.requests).toEqual([]);
      expect(await client.preferredApiVersion('apps')).toBe('apps/v1');
      expect(await client.preferredApiVersion('nvidia.com')).toBeUndefined();
      expect(fake.requests.map((r) => r.path)).toEqual(['/apis/apps', '/apis/nvidia.com']);
    });

    test('collectionPath and resourceName', () => {
      const pods: ResourceInfo = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };
      const crds: ResourceInfo = {
        group: 'apiextensions.k8s.io',
        version: 'v1',
        kind: 'CustomResourceDefinition',
        plural: 'customresourcedefinitions',
        namespaced: false,
      };
      expect(KubeClient.collectionPath(pods, 'ns')).toBe('/api/v1/namespaces/ns/pods');
      expect(KubeClient.collectionPath(pods)).toBe('/api/v1/pods');
      expect(KubeClient.collectionPath(crds, 'ns')).toBe('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
      expect(KubeClient.resourceName(pods)).toBe('pods');
      expect(KubeClient.resourceName(crds)).toBe('customresourcedefinitions.apiextensions.k8s.io');
    });
  });

  describe('objects', () => {
    test('get: GET of the object path; undefined on 404', async () => {
      fake.handler = routes((r) =>
        r.path === '/apis/ray.io/v1/namespaces/models/rayservices/llm' ? { body: { ...rayService, status: { s: 1 } } } : undefined,
      );
      expect(await client.get(rayService)).toEqual({ ...rayService, status: { s: 1 } });
      expect(await client.get({ ...rayService, metadata: { name: 'other', namespace: 'models' } })).toBeUndefined();
      expect(nonDiscovery(fake).map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /apis/ray.io/v1/namespaces/models/rayservices/llm',
        'GET /apis/ray.io/v1/namespaces/models/rayservices/other',
      ]);
    });

    test('get: a namespaced object without a namespace is looked up in default; cluster-scoped ones without; names are escaped', async () => {
      await client.get({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a b' } });
      await client.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', namespace: 'ignored' } });
      expect(nonDiscovery(fake).map((r) => r.path)).toEqual(['/api/v1/namespaces/default/configmaps/a%20b', '/api/v1/namespaces/team']);
    });

    test('get: other errors are thrown, with the permission for a 403', async () => {
      fake.handler = routes((r) => (r.path.startsWith('/api/v1/namespaces/ns1/') ? { status: 403, body: { message: 'no' } } : undefined));
      const e = await rejection(client.get(configMap));
      expect((e as ForbiddenError).permission).toBe('get configmaps in namespace ns1');
    });

    test('a kind the cluster does not serve is NOT_FOUND naming it, before any object request', async () => {
      const dgd = { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { name: 'm', namespace: 'ns' } };
      for (const p of [client.get(dgd), client.apply(dgd, { fieldManager: 'm' }), client.delete(dgd)]) {
        const e = await rejection(p);
        expect(e.code).toBe('NOT_FOUND');
        expect(e.message).toBe('the cluster does not serve DynamoGraphDeployment (nvidia.com/v1beta1)');
      }
      expect(fake.requests.every((r) => r.path === '/apis/nvidia.com/v1beta1')).toBe(true);
    });

    test('list: follows continue tokens, 500 a page, with the label selector; items of every page in order', async () => {
      fake.handler = routes((r) => {
        if (r.path !== '/api/v1/namespaces/ns1/configmaps') return undefined;
        if (r.query.continue === undefined) return { body: { items: [{ n: 1 }, { n: 2 }], metadata: { continue: 'page-2' } } };
        if (r.query.continue === 'page-2') return { body: { items: [{ n: 3 }], metadata: { continue: '' } } };
        return { status: 410, body: { message: 'expired' } };
      });
      expect(await client.list('v1', 'ConfigMap', { namespace: 'ns1', labelSelector: 'a=b,c' })).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(nonDiscovery(fake).map((r) => r.query)).toEqual([
        { labelSelector: 'a=b,c', limit: '500' },
        { labelSelector: 'a=b,c', limit: '500', continue: 'page-2' },
      ]);
    });

    test('list: across namespaces without a namespace; cluster-scoped kinds ignore it; undefined for unserved kinds', async () => {
      fake.handler = routes((r) => (r.path === '/api/v1/pods' || r.path === '/api/v1/namespaces' ? { body: { items: [] } } : undefined));
      expect(await client.list('v1', 'Pod')).toEqual([]);
      expect(await client.list('v1', 'Namespace', { namespace: 'ns1' })).toEqual([]);
      expect(await client.list('nvidia.com/v1beta1', 'DynamoGraphDeployment')).toBeUndefined();
      expect(nonDiscovery(fake).map((r) => `${r.path} ${JSON.stringify(r.query)}`)).toEqual([
        '/api/v1/pods {"limit":"500"}',
        '/api/v1/namespaces {"limit":"500"}',
        '/apis/nvidia.com/v1beta1 {}',
      ]);
    });

    test('apply: server-side apply PATCH with the raw object, field manager, force and dry run', async () => {
      fake.handler = routes((r) =>
        r.method === 'PATCH' ? { body: { ...JSON.parse(r.body), metadata: { ...rayService.metadata, resourceVersion: '7' } } } : undefined,
      );
      const out = await client.apply(rayService, { fieldManager: 'modelstack', force: true, dryRun: true });
      expect(out).toMatchObject({ metadata: { resourceVersion: '7' } });
      await client.apply(rayService, { fieldManager: 'modelstack' });
      const [forced, plain] = nonDiscovery(fake);
      expect(forced!.method).toBe('PATCH');
      expect(forced!.path).toBe('/apis/ray.io/v1/namespaces/models/rayservices/llm');
      expect(forced!.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(forced!.query).toEqual({ fieldManager: 'modelstack', force: 'true', dryRun: 'All' });
      expect(JSON.parse(forced!.body)).toEqual(rayService);
      expect(Number(forced!.headers['content-length'])).toBe(Buffer.byteLength(forced!.body));
      expect(plain!.query).toEqual({ fieldManager: 'modelstack' });
    });

    test('apply: a 409 is a CONFLICT carrying the causes', async () => {
      fake.handler = routes((r) =>
        r.method === 'PATCH'
          ? { status: 409, body: { message: 'Apply failed with 1 conflict', details: { causes: [{ message: 'conflict with "other"', field: '.data.a' }] } } }
          : undefined,
      );
      const e = await rejection(client.apply(configMap, { fieldManager: 'modelstack' }));
      expect(e.code).toBe('CONFLICT');
      expect(e.details).toEqual(['.data.a: conflict with "other"']);
    });

    test('applyStatus: forced apply to the status subresource, errors name the subresource', async () => {
      fake.handler = routes((r) => (r.path.endsWith('/status') ? { status: 403, body: { message: 'no' } } : undefined));
      const e = await rejection(applyStatus(client, rayService, 'operator-sim'));
      expect((e as ForbiddenError).permission).toBe('patch rayservices.ray.io/status in namespace models');
      const [r] = nonDiscovery(fake);
      expect(r!.path).toBe('/apis/ray.io/v1/namespaces/models/rayservices/llm/status');
      expect(r!.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(r!.query).toEqual({ fieldManager: 'operator-sim', force: 'true' });
    });

    test('delete: DELETE with DeleteOptions (Background unless asked); false when already gone', async () => {
      fake.handler = routes((r) => (r.method === 'DELETE' && r.path.endsWith('/cfg') ? { body: { kind: 'Status', status: 'Success' } } : undefined));
      expect(await client.delete(configMap)).toBe(true);
      expect(await client.delete(configMap, 'Foreground')).toBe(true);
      expect(await client.delete({ ...configMap, metadata: { name: 'gone', namespace: 'ns1' } })).toBe(false);
      const reqs = nonDiscovery(fake);
      expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual([
        'DELETE /api/v1/namespaces/ns1/configmaps/cfg',
        'DELETE /api/v1/namespaces/ns1/configmaps/cfg',
        'DELETE /api/v1/namespaces/ns1/configmaps/gone',
      ]);
      expect(reqs[0]!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(reqs[0]!.body)).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
      expect(JSON.parse(reqs[1]!.body).propagationPolicy).toBe('Foreground');
    });

    test('delete: other errors are thrown', async () => {
      fake.handler = routes((r) => (r.method === 'DELETE' ? { status: 500, body: { message: 'nope' } } : undefined));
      expect((await rejection(client.delete(configMap))).code).toBe('INTERNAL');
    });
  });
  describe('servedResources (aggregated discovery)', () => {
    const groups = (items: unknown[]): Reply => ({ body: { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', items } });
    const res = (resource: string, kind: string, scope: string, verbs: string[]) => ({ resource, responseKind: { kind }, scope, verbs });

    test('two requests for the whole API; listable resources of each preferred version; later lookups need no per-version discovery', async () => {
      fake.handler = (r) => {
        if (r.path === '/api')
          return groups([
            {
              metadata: { name: '' },
              versions: [
                {
                  version: 'v1',
                  resources: [res('configmaps', 'ConfigMap', 'Namespaced', ['get', 'list']), res('bindings', 'Binding', 'Namespaced', ['create'])],
                },
              ],
            },
          ]);
        if (r.path === '/apis')
          return groups([
            {
              metadata: { name: 'ray.io' },
              versions: [
                { version: 'v1', resources: [res('rayservices', 'RayService', 'Namespaced', ['get', 'list', 'patch'])] },
                { version: 'v1alpha1', resources: [res('rayjobs', 'RayJob', 'Namespaced', ['list'])] },
              ],
            },
          ]);
        if (r.method === 'GET' && r.path.startsWith('/apis/ray.io/v1/namespaces/')) return { body: { items: [] } };
        return notFound();
      };
      const served = await client.servedResources();
      expect(served.map((r) => `${r.group}/${r.version}/${r.kind}`)).toEqual(['/v1/ConfigMap', 'ray.io/v1/RayService']);
      expect(fake.requests.map((r) => r.path)).toEqual(['/api', '/apis']);
      expect(fake.requests[0]!.headers.accept).toContain('as=APIGroupDiscoveryList');
      // Kinds of every version, listable or not, are known without asking again.
      expect(await client.resourceFor('v1', 'Binding')).toMatchObject({ plural: 'bindings', namespaced: true });
      expect(await client.resourceFor('ray.io/v1alpha1', 'RayJob')).toMatchObject({ plural: 'rayjobs' });
      await client.list('ray.io/v1', 'RayService', { namespace: 'a' });
      expect(fake.requests.map((r) => r.path)).toEqual(['/api', '/apis', '/apis/ray.io/v1/namespaces/a/rayservices']);
      // The whole answer is cached too, until resetDiscovery.
      await client.servedResources();
      expect(fake.requests.map((r) => r.path)).toEqual(['/api', '/apis', '/apis/ray.io/v1/namespaces/a/rayservices']);
      client.resetDiscovery();
      await client.servedResources();
      expect(fake.requests.map((r) => r.path).slice(3)).toEqual(['/api', '/apis']);
    });

    test('a server without aggregated discovery is named, not misread', async () => {
      fake.handler = () => ({ body: { kind: 'APIVersions', versions: ['v1'] } });
      expect((await rejection(client.servedResources())).message).toMatch(/did not serve aggregated discovery \(\/api\)/);
    });
  });
});
