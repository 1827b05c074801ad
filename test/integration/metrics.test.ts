import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { RecordingIoHost, Toolkit } from '../../src/toolkit/index.js';
import { DynamoModel, RayModel, Testing } from '../../index.js';
import { clientFor, createNamespace, describeWithCluster, grantRestricted, RESTRICTED_USER, uniqueNamespace } from './support/cluster.js';
import { markDynamoReady } from './support/dynamo-sim.js';
import { applyStatus } from './support/status-writer.js';
import { createVethAddress, type VethAddress } from './support/veth-address.js';
import { repoRoot } from '../support/paths.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'metrics');
const T = '2026-11-29T10:00:00Z';
const m = { fieldManager: 'metrics-test' };

/** A real HTTP server standing in for a model's metrics endpoint: answers `texts` in turn (the last one from then on). */
async function metricsServer(
  host: string,
  texts: readonly string[],
  opts: { hang?: boolean } = {},
): Promise<{ server: Server; port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res: ServerResponse) => {
    hits++;
    if (opts.hang) return; // never answers: the scrape deadline must end it
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(texts[Math.min(hits - 1, texts.length - 1)]);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function dgd(
  namespace: string,
  name: string,
): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> } {
  return {
    apiVersion: 'nvidia.com/v1beta1',
    kind: 'DynamoGraphDeployment',
    metadata: { name, namespace },
    spec: {
      backendFramework: 'vllm',
      components: [
        { name: 'Frontend', type: 'frontend', replicas: 1 },
        { name: 'VllmWorker', type: 'worker', replicas: 1 },
      ],
    },
  };
}

/** A graph the (played) Dynamo operator reports Ready (support/dynamo-sim.ts holds its status shape). */
async function readyDgd(admin: KubeClient, namespace: string, name: string): Promise<void> {
  const o = dgd(namespace, name);
  await admin.apply(o, m);
  await markDynamoReady(admin, o);
}

/** The frontend Service the Dynamo operator makes (its labels and port name), and its EndpointSlice (and Endpoints) pointing at `host:port`. */
async function frontendService(
  admin: KubeClient,
  namespace: string,
  model: string,
  endpoint?: { host: string; port: number },
  as: { name: string; labels: Record<string, string>; port: string; serviceLabels?: Record<string, string> } = {
    name: `${model}-frontend`,
    labels: { 'nvidia.com/dynamo-graph-deployment-name': model, 'nvidia.com/dynamo-component-type': 'frontend' },
    port: 'http',
  },
): Promise<string> {
  const name = as.name;
  await admin.apply(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: as.serviceLabels ?? as.labels },
      spec: {
        clusterIP: 'None',
        ...(as.serviceLabels ? { selector: as.labels } : {}),
        ports: [{ name: as.port, port: 8000, targetPort: as.port, protocol: 'TCP' }],
      },
    },
    m,
  );
  if (endpoint) {
    // The frontend pod, its IP written as a kubelet would: the API server proxies only to an
    // endpoint address whose target Pod has that IP.
    const pod = `${name}-pod-0`;
    await admin.apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace, labels: as.labels },
        spec: {
          containers: [{ name: 'main', image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.0.0-test', ports: [{ name: as.port, containerPort: endpoint.port }] }],
        },
      },
      m,
    );
    await applyStatus(
      admin,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace },
        status: {
          phase: 'Running',
          podIP: endpoint.host,
          podIPs: [{ ip: endpoint.host }],
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T }],
        },
      },
      'kubelet-sim',
    );
    const targetRef = { kind: 'Pod', name: pod, namespace };
    await admin.apply(
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-test`, namespace, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'metrics-test' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [endpoint.host], conditions: { ready: true }, targetRef }],
        ports: [{ name: as.port, port: endpoint.port, protocol: 'TCP' }],
      },
      m,
    );
    // The service proxy of kube-apiserver 1.36 resolves through v1 Endpoints, which a real
    // cluster's endpoints controller writes beside the slice (the test cluster runs no controllers).
    await admin.apply(
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace },
        subsets: [{ addresses: [{ ip: endpoint.host, targetRef }], ports: [{ name: as.port, port: endpoint.port, protocol: 'TCP' }] }],
      },
      m,
    );
  }
  return name;
}

/** A worker pod as its operator labels it, its metrics port named `port`, its IP written as a kubelet would (Running, `status.podIP`). */
async function workerPod(
  admin: KubeClient,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  port: { name: string; host: string; number: number },
  phase = 'Running',
): Promise<void> {
  await admin.apply(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels },
      spec: {
        containers: [{ name: 'main', image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.0.0-test', ports: [{ name: port.name, containerPort: port.number }] }],
      },
    },
    m,
  );
  await applyStatus(
    admin,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace },
      status:
        phase === 'Running'
          ? { phase, podIP: port.host, podIPs: [{ ip: port.host }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T }] }
          : { phase },
    },
    'kubelet-sim',
  );
}

/** The value of the first sample of `metric` in a fixture text. */
function fixtureValue(text: string, metric: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
  if (!line) throw new Error(`no ${metric} in the fixture`);
  return Number(line.trim().split(/\s+/).pop());
}

/** The text with every sample of `metric` set to `value`. */
function withValue(text: string, metric: string, value: number): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith(`${metric}{`) || l.startsWith(`${metric} `) ? l.replace(/\s\S+$/, ` ${value}`) : l))
    .join('\n');
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describeWithCluster('metrics through the API server service proxy', (kubeconfig) => {
  let admin: KubeClient;
  let veth: VethAddress | undefined;
  const servers: Array<{ close: () => Promise<void> }> = [];
  const ns = uniqueNamespace('metrics');
  let skipReason: string | undefined;

  beforeAll(async () => {
    admin = clientFor(kubeconfig);
    try {
      veth = await createVethAddress();
    } catch (e) {
      const reason = `cannot create a network namespace and veth pair (needs root and iproute2): ${(e as Error).message}`;
      if (process.env.CI === 'true') throw new Error(`under CI=true: ${reason}`);
      skipReason = reason;
      console.warn(`SKIPPING the metrics end-to-end tests: ${reason}`);
      return;
    }
    await createNamespace(admin, ns);
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
    await veth?.remove();
  }, 30_000);

  /** Runs `fn` unless the veth address could not be made (skipped loudly outside CI). */
  const withVeth = (name: string, fn: (v: VethAddress) => Promise<void>, timeout = 60_000): void =>
    test(
      name,
      async () => {
        if (!veth) {
          console.warn(`SKIPPED "${name}": ${skipReason}`);
          return;
        }
        await fn(veth);
      },
      timeout,
    );

  withVeth('a ready Dynamo model: frontend metrics scraped twice through the proxy; no worker pod running is a problem line, not "n/a" rows', async (v) => {
    const t0 = readFileSync(join(FIXTURES, 'dynamo-frontend.t0.txt'), 'utf8');
    const t1 = readFileSync(join(FIXTURES, 'dynamo-frontend.t1.txt'), 'utf8');
    const srv = await metricsServer(v.host, [t0, t1]);
    servers.push(srv);
    await readyDgd(admin, ns, 'qwen3');
    const service = await frontendService(admin, ns, 'qwen3', { host: v.host, port: srv.port });

    const io = new RecordingIoHost();
    const toolkit = new Toolkit({ ioHost: io });
    const r = await toolkit.metrics({ kubeconfig, namespace: ns, model: 'qwen3', intervalMs: 1_000 });
    expect(srv.hits()).toBe(2);
    const workerSelector = 'nvidia.com/dynamo-graph-deployment-name=qwen3,nvidia.com/dynamo-component-type in (worker,prefill,decode)';
    expect(r.problems).toEqual([
      {
        namespace: ns,
        name: 'qwen3',
        message: `no running worker pod (labels ${workerSelector}): the rows only workers publish (KV cache, prefix cache) are missing, not unpublished`,
        hint: `check "kubectl get pods -n ${ns} -l '${workerSelector}'"`,
      },
    ]);
    expect(r.models).toHaveLength(1);
    const [model] = r.models;
    expect(model).toMatchObject({ namespace: ns, name: 'qwen3', runtime: 'dynamo', engine: 'vllm', endpoint: `Service ${ns}/${service} port http /metrics` });
    const seconds = model!.intervalMs / 1000;
    expect(seconds).toBeGreaterThanOrEqual(1);
    const v2 = Object.fromEntries(model!.values.map((x) => [x.concept, x]));
    expect(v2.requestsRunning).toMatchObject({ published: true, value: 5, metric: 'dynamo_frontend_inflight_requests' });
    expect(v2.requestRate!.value).toBeCloseTo(20 / seconds, 6);
    expect(v2.errorRate!.value).toBeCloseTo(0.1, 6);
    expect(v2.ttftP95!.value).toBeCloseTo(0.208, 6);
    expect(v2.outputTokensPerSecond!.value).toBeCloseTo(2000 / seconds, 6);
    expect(v2.kvCacheUsage).toMatchObject({ published: false, value: null });
    expect(io.messages.filter((x) => x.code === 'METRICS_SCRAPE')).toHaveLength(2);

    // The same through the CLI: one table, "n/a" where the frontend publishes nothing, and the missing workers as an error line.
    const run = await cli(['metrics', 'qwen3', '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`\nerror: ${ns}/qwen3: no running worker pod (labels ${workerSelector})`);
    expect(run.stdout).toMatch(new RegExp(`^qwen3 \\(dynamo, vllm\\): Service ${ns}/${service} port http /metrics, over 1\\.\\d+s\\nMETRIC `));
    expect(run.stdout).toMatch(/\nrequests running +5 +dynamo_frontend_inflight_requests\n/);
    expect(run.stdout).toMatch(/\nKV-cache usage +n\/a +-\n/);
    // The server answers t1 from the third request on: no traffic between the CLI's scrapes.
    expect(run.stdout).toMatch(/\nTTFT p50 +- +dynamo_frontend_time_to_first_token_seconds_bucket\n/);
    expect(run.stdout).toMatch(/\nrequest rate +0\.00 req\/s +dynamo_frontend_requests_total\n/);
  });

  withVeth(
    "a Dynamo model's worker pods (system port, through the pod proxy): KV-cache and prefix-cache rows from the workers' mean; an unanswering worker is a problem line",
    async (v) => {
      const fe = [readFileSync(join(FIXTURES, 'dynamo-frontend.t0.txt'), 'utf8'), readFileSync(join(FIXTURES, 'dynamo-frontend.t1.txt'), 'utf8')];
      const wa = [readFileSync(join(FIXTURES, 'dynamo-vllm-worker.t0.txt'), 'utf8'), readFileSync(join(FIXTURES, 'dynamo-vllm-worker.t1.txt'), 'utf8')];
      const KV = 'dynamo_component_kvstats_gpu_cache_usage_percent';
      const HIT = 'dynamo_component_kvstats_gpu_prefix_cache_hit_rate';
      // Worker b: the same text with its own KV-cache numbers (a busier worker).
      const wb = wa.map((t) => withValue(withValue(t, KV, 0.7), HIT, 0.9));
      const frontend = await metricsServer(v.host, fe);
      const a = await metricsServer(v.host, wa);
      const b = await metricsServer(v.host, wb);
      const hang = await metricsServer(v.host, [], { hang: true });
      servers.push(frontend, a, b, hang);
      const model = 'withworkers';
      await readyDgd(admin, ns, model);
      await frontendService(admin, ns, model, { host: v.host, port: frontend.port });
      const labels = (type: string): Record<string, string> => ({
        'nvidia.com/dynamo-graph-deployment-name': model,
        'nvidia.com/dynamo-component-type': type,
        'nvidia.com/metrics-enabled': 'true',
      });
      await workerPod(admin, ns, `${model}-worker-a`, labels('worker'), { name: 'system', host: v.host, number: a.port });
      await workerPod(admin, ns, `${model}-worker-b`, labels('decode'), { name: 'system', host: v.host, number: b.port });
      await workerPod(admin, ns, `${model}-worker-c`, labels('prefill'), { name: 'system', host: v.host, number: hang.port });
      // Not running yet: serves nothing, left out (not a problem).
      await workerPod(admin, ns, `${model}-worker-d`, labels('worker'), { name: 'system', host: v.host, number: hang.port }, 'Pending');
      // Another model's worker: not selected.
      await workerPod(
        admin,
        ns,
        'other-worker',
        { ...labels('worker'), 'nvidia.com/dynamo-graph-deployment-name': 'other' },
        { name: 'system', host: v.host, number: hang.port },
      );

      const io = new RecordingIoHost();
      const r = await new Toolkit({ ioHost: io }).metrics({ kubeconfig, namespace: ns, model, intervalMs: 1_000, timeoutMs: 1_000 });
      expect([a.hits(), b.hits(), hang.hits(), frontend.hits()]).toEqual([2, 2, 1, 2]);
      expect(r.models).toHaveLength(1);
      const [got] = r.models;
      expect(got!.workers).toEqual([
        `Pod ${ns}/${model}-worker-a port system (${a.port}) /metrics`,
        `Pod ${ns}/${model}-worker-b port system (${b.port}) /metrics`,
      ]);
      const byConcept = Object.fromEntries(got!.values.map((x) => [x.concept, x]));
      expect(byConcept.kvCacheUsage).toMatchObject({ published: true, metric: KV });
      expect(byConcept.kvCacheUsage!.value).toBeCloseTo((fixtureValue(wa[1]!, KV) + 0.7) / 2, 9);
      expect(byConcept.prefixCacheHitRate).toMatchObject({ published: true, metric: HIT });
      expect(byConcept.prefixCacheHitRate!.value).toBeCloseTo((fixtureValue(wa[1]!, HIT) + 0.9) / 2, 9);
      // The frontend's rows still come from the frontend.
      expect(byConcept.requestsRunning).toMatchObject({
        value: fixtureValue(fe[1]!, 'dynamo_frontend_inflight_requests'),
        metric: 'dynamo_frontend_inflight_requests',
      });
      expect(r.problems).toEqual([
        {
          namespace: ns,
          name: model,
          message: `worker pod ${model}-worker-c (port "system"): scrape of port ${hang.port} /metrics: no complete answer within 1s; the model's numbers are shown without it`,
          hint: 'the worker is slow or unreachable from the API server; retry, or raise --timeout',
        },
      ]);
      expect(io.messages.filter((x) => x.code === 'METRICS_POD_SCRAPE')).toHaveLength(5);

      // The CLI: the table with the workers' numbers, the worker that did not answer as an error line, exit 2.
      const run = await cli(['metrics', model, '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1', '--timeout', '1']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(2);
      expect(run.stdout).toContain(`\n  worker Pod ${ns}/${model}-worker-a port system (${a.port}) /metrics\n`);
      expect(run.stdout).toMatch(new RegExp(`\\nKV-cache usage +${(((fixtureValue(wa[1]!, KV) + 0.7) / 2) * 100).toFixed(1)}% +${KV}\\n`));
      expect(run.stdout).toContain(
        `error: ${ns}/${model}: worker pod ${model}-worker-c (port "system"): scrape of port ${hang.port} /metrics: no complete answer within 1s`,
      );
    },
    90_000,
  );

  withVeth("a Dynamo frontend Service that carries the component's labels only in its selector is found through the frontend pods", async (v) => {
    // The operator's Grove path labels a component's Service with the graph's and the pod template's labels
    // (graph.go GetDGDComponentResourceLabels, commit 0367e404b084); the frontend pods always carry these two.
    const srv = await metricsServer(v.host, [readFileSync(join(FIXTURES, 'dynamo-frontend.t1.txt'), 'utf8')]);
    servers.push(srv);
    await readyDgd(admin, ns, 'grove');
    // Unrelated Services: one with the port but another model's selector, one without a selector.
    await frontendService(admin, ns, 'other', undefined, {
      name: 'other-frontend',
      labels: { 'nvidia.com/dynamo-graph-deployment-name': 'other', 'nvidia.com/dynamo-component-type': 'frontend' },
      port: 'http',
      serviceLabels: {},
    });
    const service = await frontendService(
      admin,
      ns,
      'grove',
      { host: v.host, port: srv.port },
      {
        name: 'grove-frontend',
        labels: { 'nvidia.com/dynamo-graph-deployment-name': 'grove', 'nvidia.com/dynamo-component-type': 'frontend' },
        port: 'http',
        serviceLabels: { 'app.kubernetes.io/part-of': 'grove' },
      },
    );
    const r = await new Toolkit().metrics({ kubeconfig, namespace: ns, model: 'grove', intervalMs: 1_000 });
    expect(r.models.map((x) => x.endpoint)).toEqual([`Service ${ns}/${service} port http /metrics`]);
    expect(srv.hits()).toBe(2);
  });

  withVeth('errors: model not found, not ready, no endpoints, scrape timeout', async (v) => {
    const notFound = await cli(['metrics', 'nope', '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1']);
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toBe(
      `error: model "nope" not found in namespace ${ns} (no DynamoGraphDeployment or RayService of that name)\nhint: run "modelstack list -n ${ns}" to see the models there\n`,
    );

    await admin.apply(dgd(ns, 'starting'), m); // no status yet: Pending
    const notReady = await cli(['metrics', 'starting', '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1']);
    expect(notReady.code).toBe(2);
    expect(notReady.stderr).toMatch(new RegExp(`^error: model ${ns}/starting is not ready yet \\((Pending|Unknown|Deploying)`));

    await readyDgd(admin, ns, 'noeps');
    const svc = await frontendService(admin, ns, 'noeps');
    const noEndpoints = await cli(['metrics', 'noeps', '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1']);
    expect(noEndpoints.code).toBe(2);
    expect(noEndpoints.stderr).toMatch(new RegExp(`^error: Service ${ns}/${svc} of model noeps has no ready endpoint for port "http"\\n`));

    const hang = await metricsServer(v.host, [], { hang: true });
    servers.push(hang);
    await readyDgd(admin, ns, 'slow');
    await frontendService(admin, ns, 'slow', { host: v.host, port: hang.port });
    const started = Date.now();
    const slow = await cli(['metrics', 'slow', '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1', '--timeout', '1']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(slow.code).toBe(2);
    expect(slow.stderr).toMatch(new RegExp(`^error: scrape of Service ${ns}/slow-frontend port http /metrics for model slow: no complete answer within 1s\\n`));
    expect(hang.hits()).toBe(1);

    // All models of the namespace: those that cannot be scraped are listed as errors after the tables, exit 2.
    const all = await cli(['metrics', '--kubeconfig', kubeconfig, '-n', ns, '--interval', '1', '--timeout', '1']);
    expect(all.code).toBe(2);
    expect(all.stdout).toMatch(/^noeps|^qwen3|\nqwen3 \(dynamo, vllm\)/);
    expect(all.stdout).toContain(`error: ${ns}/starting: model ${ns}/starting is not ready yet`);
    expect(all.stdout).toContain(`error: ${ns}/noeps: Service ${ns}/noeps-frontend of model noeps has no ready endpoint`);
    expect(all.stdout).toContain(`error: ${ns}/slow: scrape of Service ${ns}/slow-frontend port http /metrics for model slow: no complete answer within 1s`);
  });

  withVeth('403 on the service proxy names the verb and resource to ask for', async (v) => {
    const srv = await metricsServer(v.host, ['# TYPE x gauge\nx 1\n']);
    servers.push(srv);
    const rbacNs = uniqueNamespace('metrics-rbac');
    await createNamespace(admin, rbacNs);
    await readyDgd(admin, rbacNs, 'qwen3');
    await frontendService(admin, rbacNs, 'qwen3', { host: v.host, port: srv.port });
    // Everything but services/proxy.
    await grantRestricted(admin, rbacNs, 'metrics-reader', [
      { apiGroups: ['nvidia.com'], resources: ['dynamographdeployments'], verbs: ['get', 'list'] },
      { apiGroups: ['ray.io'], resources: ['rayservices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services'], verbs: ['list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
    ]);
    const args = ['metrics', 'qwen3', '--kubeconfig', kubeconfig, '--context', 'restricted', '-n', rbacNs, '--interval', '1'];
    let run = await cli(args);
    // RBAC reaches the authorizer asynchronously: wait until the listing is allowed.
    for (let i = 0; i < 50 && /cannot list/.test(run.stderr); i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await cli(args);
    }
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: forbidden: user "${RESTRICTED_USER}" cannot get services/proxy in namespace ${rbacNs} (scraping Service ${rbacNs}/qwen3-frontend port http goes through the API server's service proxy)\n` +
        `hint: ask for RBAC permission to get services/proxy in namespace ${rbacNs}\n`,
    );
    expect(srv.hits()).toBe(0);
  });

  withVeth('403 on the pod proxy: the model is shown from its frontend, the worker is an error line naming get pods/proxy', async (v) => {
    const fe = await metricsServer(v.host, [readFileSync(join(FIXTURES, 'dynamo-frontend.t1.txt'), 'utf8')]);
    const w = await metricsServer(v.host, [readFileSync(join(FIXTURES, 'dynamo-vllm-worker.t1.txt'), 'utf8')]);
    servers.push(fe, w);
    const rbacNs = uniqueNamespace('metrics-podproxy');
    await createNamespace(admin, rbacNs);
    await readyDgd(admin, rbacNs, 'qwen3');
    await frontendService(admin, rbacNs, 'qwen3', { host: v.host, port: fe.port });
    await workerPod(
      admin,
      rbacNs,
      'qwen3-worker-0',
      { 'nvidia.com/dynamo-graph-deployment-name': 'qwen3', 'nvidia.com/dynamo-component-type': 'worker' },
      { name: 'system', host: v.host, number: w.port },
    );
    // Everything but pods/proxy.
    await grantRestricted(admin, rbacNs, 'metrics-reader', [
      { apiGroups: ['nvidia.com'], resources: ['dynamographdeployments'], verbs: ['get', 'list'] },
      { apiGroups: ['ray.io'], resources: ['rayservices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
    ]);
    const args = ['metrics', 'qwen3', '--kubeconfig', kubeconfig, '--context', 'restricted', '-n', rbacNs, '--interval', '1'];
    let run = await cli(args);
    // RBAC reaches the authorizer asynchronously: wait until the listing and the service proxy are allowed.
    for (let i = 0; i < 50 && /cannot (list|get services)/.test(run.stderr + run.stdout); i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await cli(args);
    }
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/\nrequests running +\d+ +dynamo_frontend_inflight_requests\n/);
    expect(run.stdout).toContain(
      `error: ${rbacNs}/qwen3: worker pod qwen3-worker-0 (port "system"): forbidden: user "${RESTRICTED_USER}" cannot get pods/proxy in namespace ${rbacNs} (scraping worker pods goes through the API server's pod proxy); the model's numbers are shown without it\n` +
        `  hint: ask for RBAC permission to get pods/proxy in namespace ${rbacNs}\n`,
    );
    expect(w.hits()).toBe(0);
  });

  test('the scrape objects a stack renders are accepted by the API server with the prometheus-operator CRDs installed', async () => {
    const crdNs = uniqueNamespace('metrics-crd');
    await createNamespace(admin, crdNs);
    const stack = Testing.stack({ namespace: crdNs });
    new DynamoModel(stack, 'qwen3', { model: 'Qwen/Qwen3-0.6B', metrics: { podMonitor: true, interval: '30s' } });
    new RayModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B', metrics: { serviceMonitor: true } });
    const monitors = Testing.synth(stack).filter((o) => o.apiVersion === 'monitoring.coreos.com/v1');
    expect(monitors.map((o) => o.kind)).toEqual(['PodMonitor', 'ServiceMonitor']);
    for (const o of monitors) {
      const stored = await admin.apply<{ spec: unknown }>(o, m);
      expect(stored.spec).toEqual(o.spec);
    }
    // A field the CRD does not have is refused by the API server's strict field validation.
    await expect(
      admin.request({
        method: 'PATCH',
        path: `/apis/monitoring.coreos.com/v1/namespaces/${crdNs}/podmonitors/qwen3`,
        query: { fieldManager: 'metrics-test', fieldValidation: 'Strict' },
        body: { ...monitors[0], spec: { ...(monitors[0]!.spec as object), bogus: 1 } },
        contentType: 'application/apply-patch+yaml',
        verb: 'patch',
        resource: 'podmonitors.monitoring.coreos.com',
        namespace: crdNs,
      }),
    ).rejects.toThrow(/bogus/);
  });

  withVeth('a ready KubeRay model: the head Service (originated-from labels, port "metrics") with ray_serve_* and ray_vllm:*', async (v) => {
    const t0 = readFileSync(join(FIXTURES, 'ray-head.t0.txt'), 'utf8');
    const t1 = readFileSync(join(FIXTURES, 'ray-head.t1.txt'), 'utf8');
    const srv = await metricsServer(v.host, [t0, t1]);
    servers.push(srv);
    const rs = {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'qwen', namespace: ns },
      spec: {
        serveConfigV2: 'applications: []\n',
        rayClusterConfig: { headGroupSpec: { template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray-llm:2.52.0' }] } } } },
      },
    };
    await admin.apply(rs, m);
    await applyStatus(
      admin,
      {
        ...rs,
        status: {
          serviceStatus: 'Running',
          conditions: [
            { type: 'Ready', status: 'True', reason: 'NonZeroServeEndpoints', message: 'Number of serve endpoints is greater than 0', lastTransitionTime: T },
            { type: 'UpgradeInProgress', status: 'False', reason: 'NoActiveCluster', message: '', lastTransitionTime: T },
          ],
          activeServiceStatus: { rayClusterName: 'qwen-abcde', rayClusterStatus: { state: 'ready', desiredWorkerReplicas: 0, readyWorkerReplicas: 0 } },
        },
      },
      'kuberay-operator',
    );
    const labels = { 'ray.io/originated-from-crd': 'RayService', 'ray.io/originated-from-cr-name': 'qwen' };
    // The serve Service carries the same labels but no "metrics" port: it must not be picked.
    await admin.apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'qwen-serve-svc', namespace: ns, labels },
        spec: { clusterIP: 'None', ports: [{ name: 'serve', port: 8000 }] },
      },
      m,
    );
    const name = await frontendService(admin, ns, 'qwen', { host: v.host, port: srv.port }, { name: 'qwen-head-svc', labels, port: 'metrics' });
    // A worker node of the active RayCluster: its metrics agent serves the engine metrics of the replica on it (ray_vllm:* only).
    const engineOnly = (t: string): string =>
      t
        .split('\n')
        .filter((l) => /^(# (HELP|TYPE) )?ray_vllm:/.test(l))
        .join('\n');
    const USAGE = 'ray_vllm:gpu_cache_usage_perc';
    const workerText = [engineOnly(withValue(t0, USAGE, 0.62)), engineOnly(withValue(t1, USAGE, 0.62))];
    const worker = await metricsServer(v.host, workerText);
    servers.push(worker);
    const rayWorker = { 'ray.io/cluster': 'qwen-abcde', 'ray.io/node-type': 'worker', 'ray.io/group': 'gpu' };
    await workerPod(admin, ns, 'qwen-abcde-gpu-worker-x1', rayWorker, { name: 'metrics', host: v.host, number: worker.port });
    // The head pod (node-type head) and a worker of an older RayCluster are not scraped.
    await workerPod(
      admin,
      ns,
      'qwen-old-gpu-worker-x2',
      { ...rayWorker, 'ray.io/cluster': 'qwen-old' },
      { name: 'metrics', host: v.host, number: worker.port + 1 },
    );

    const r = await new Toolkit().metrics({ kubeconfig, namespace: ns, model: 'qwen', intervalMs: 1_000 });
    expect(r.problems).toEqual([]);
    expect(worker.hits()).toBe(2);
    if (r.models.length === 0) throw new Error(JSON.stringify(r.problems));
    const [model] = r.models;
    expect(model).toMatchObject({ runtime: 'kuberay', engine: 'vllm', endpoint: `Service ${ns}/${name} port metrics /metrics` });
    const seconds = model!.intervalMs / 1000;
    const v2 = Object.fromEntries(model!.values.map((x) => [x.concept, x]));
    expect(v2.requestsRunning).toMatchObject({ value: 4, metric: 'ray_serve_num_ongoing_http_requests' });
    expect(v2.requestRate!.value).toBeCloseTo(50 / seconds, 6);
    expect(v2.errorRate!.value).toBeCloseTo(0.1, 6);
    expect(model!.workers).toEqual([`Pod ${ns}/qwen-abcde-gpu-worker-x1 port metrics (${worker.port}) /metrics`]);
    // The mean of the head's and the worker's engine.
    expect(v2.kvCacheUsage).toMatchObject({ published: true, metric: USAGE });
    expect(v2.kvCacheUsage!.value).toBeCloseTo((fixtureValue(t1, USAGE) + 0.62) / 2, 9);
    expect(v2.prefixCacheHitRate).toMatchObject({ published: false });
  });

  withVeth(
    '--watch redraws every interval until Ctrl-C, then exits 0',
    async (v) => {
      const srv = await metricsServer(v.host, [readFileSync(join(FIXTURES, 'dynamo-frontend.t1.txt'), 'utf8')]);
      servers.push(srv);
      await readyDgd(admin, ns, 'watched');
      await frontendService(admin, ns, 'watched', { host: v.host, port: srv.port });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'metrics', 'watched', '--kubeconfig', kubeconfig, '-n', ns, '--watch', '--interval', '1'],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 45_000;
        while ((out.match(/^every 1s, /gm) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect((out.match(/^every 1s, /gm) ?? []).length).toBeGreaterThanOrEqual(2);
        child.kill('SIGINT');
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([exited, new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 15_000)))]).finally(() => clearTimeout(timer));
        expect([code, err.replace(/\nSIGINT: cleaning up[^\n]*\n/, '')]).toEqual([0, '']);
        expect(out).toMatch(/\nrequests running +5 +dynamo_frontend_inflight_requests\n/);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    90_000,
  );
});
