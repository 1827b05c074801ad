import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterInfo } from '../cluster/manage.js';
import { runCli } from '../../src/cli/main.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { runtimeStatus } from '../../src/status/runtime-status.js';
import { clientFor, describeWithCluster, privateCluster } from './support/cluster.js';
import { installCrds, runtimeCrds } from './support/crds.js';
import { createOperatorDeployment, type OperatorSimOptions, setOperatorReady } from './support/operator-sim.js';

const KUBERAY: OperatorSimOptions = {
  namespace: 'kuberay-system',
  name: 'kuberay-operator',
  labels: { 'app.kubernetes.io/name': 'kuberay-operator', 'app.kubernetes.io/version': '1.7.0' },
  image: 'quay.io/kuberay/operator:v1.7.0',
};
const DYNAMO: OperatorSimOptions = {
  namespace: 'dynamo-system',
  name: 'dynamo-platform-dynamo-operator-controller-manager',
  labels: { 'app.kubernetes.io/name': 'dynamo-operator' },
  image: 'nvcr.io/nvidia/ai-dynamo/kubernetes-operator:1.4.0',
};

async function byId(client: KubeClient): Promise<Record<string, Awaited<ReturnType<typeof runtimeStatus>>[number]>> {
  return Object.fromEntries((await runtimeStatus(client)).map((r) => [r.id, r]));
}

// The lifecycle needs a cluster with no CRDs at first, so it runs on a private cluster of its
// own (the shared one has the CRDs installed for the other suites).
describeWithCluster('status against a real kube-apiserver', () => {
  const cluster = privateCluster('status');
  let info: ClusterInfo;
  let dataDir: string;
  let admin: KubeClient;

  beforeAll(() => {
    info = cluster.info();
    dataDir = info.dataDir;
    admin = clientFor(info.kubeconfig);
  });

  test('no CRDs: not installed, not healthy', async () => {
    const s = await byId(admin);
    expect(s.dynamo).toMatchObject({ installed: false, healthy: false, version: null });
    expect(s.dynamo!.message).toContain('CRD dynamographdeployments.nvidia.com not found');
    expect(s.kuberay).toMatchObject({ installed: false, healthy: false });
    expect(s.kuberay!.message).toContain('CRD rayservices.ray.io not found');
  });

  test('CRDs but no operator: installed, not healthy, operator not found', async () => {
    await installCrds(admin, await runtimeCrds());
    const s = await byId(admin);
    expect(s.kuberay).toMatchObject({ installed: true, healthy: false, version: null });
    expect(s.kuberay!.message).toContain('operator not found');
    expect(s.dynamo).toMatchObject({ installed: true, healthy: false });
  }, 120_000);

  test('operator not ready: installed, not healthy, version known', async () => {
    await createOperatorDeployment(admin, KUBERAY);
    await setOperatorReady(admin, KUBERAY, false);
    const s = await byId(admin);
    expect(s.kuberay).toMatchObject({ installed: true, healthy: false, version: '1.7.0' });
    expect(s.kuberay!.message).toContain('kuberay-system/kuberay-operator: not available (MinimumReplicasUnavailable');
  });

  test('healthy operator: available and every pod ready', async () => {
    await setOperatorReady(admin, KUBERAY, true);
    const s = await byId(admin);
    expect(s.kuberay).toMatchObject({ installed: true, healthy: true, version: '1.7.0' });
    expect(s.kuberay!.message).toBe('operator kuberay-system/kuberay-operator: 1/1 pods ready');
  });

  test('version from the image tag when the chart sets no version label', async () => {
    await createOperatorDeployment(admin, DYNAMO);
    await setOperatorReady(admin, DYNAMO, true);
    const s = await byId(admin);
    expect(s.dynamo).toMatchObject({ installed: true, healthy: true, version: '1.4.0' });
  });

  test('--namespace narrows where operators are looked for', async () => {
    const rows = await runtimeStatus(admin, { namespace: 'kuberay-system' });
    expect(rows.find((r) => r.id === 'kuberay')).toMatchObject({ healthy: true });
    expect(rows.find((r) => r.id === 'dynamo')).toMatchObject({ healthy: false });
    expect(rows.find((r) => r.id === 'dynamo')!.message).toContain('operator not found (searched namespace kuberay-system');
  });

  // The "restricted" context is the client-certificate user modelstack-restricted, bound to no
  // role until the next test binds one.
  test('a user without CRD read permission: installed as far as discovery tells (it serves a CRD only once Established; no CRD read is needed), health "cannot check" and why, never "not installed"', async () => {
    const restricted = clientFor(info.kubeconfig, 'restricted');
    const s = await byId(restricted);
    for (const id of ['dynamo', 'kuberay']) {
      expect(s[id]).toMatchObject({ installed: true, healthy: null });
      expect(s[id]!.message).toMatch(/^forbidden: cannot check \(missing permission: list deployments\.apps\b/);
      expect(s[id]!.forbidden).toMatchObject({ user: 'modelstack-restricted' });
      expect(s[id]!.forbidden!.permission).toMatch(/^list deployments\.apps\b/);
    }
    let out = '';
    expect(await runCli(['status', '--kubeconfig', info.kubeconfig, '--context', 'restricted'], { stdout: (t) => (out += t), stderr: () => {} })).toBe(0);
    expect(out).toMatch(/\nkuberay +KubeRay +yes +unknown +- +forbidden: cannot check \(missing permission: list deployments\.apps/);
    expect(out).not.toMatch(/not installed|not found/);
  });

  test('a user who may read CRDs but not deployments gets forbidden for health only', async () => {
    await admin.apply(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'crd-reader' },
        rules: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list'] }],
      },
      { fieldManager: 'test' },
    );
    await admin.apply(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'crd-reader-restricted' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'crd-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'modelstack-restricted' }],
      },
      { fieldManager: 'test' },
    );
    const restricted = clientFor(info.kubeconfig, 'restricted');
    // RBAC changes take effect asynchronously; poll briefly.
    let s = await byId(restricted);
    for (let i = 0; i < 50 && s.kuberay!.installed === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await byId(restricted);
    }
    expect(s.kuberay).toMatchObject({ installed: true, healthy: null });
    expect(s.kuberay!.message).toContain('forbidden: cannot check (missing permission: list deployments.apps in namespace kuberay-system)');
  });

  test('the CLI prints the same rows as a table and as JSON, honoring --kubeconfig and --context', async () => {
    let out = '';
    const streams = { stdout: (t: string) => (out += t), stderr: () => {} };
    expect(await runCli(['status', '--kubeconfig', info.kubeconfig, '-o', 'json'], streams)).toBe(0);
    const rows = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(rows.map((r) => Object.keys(r))).toEqual([
      ['id', 'name', 'installed', 'healthy', 'version', 'message'],
      ['id', 'name', 'installed', 'healthy', 'version', 'message'],
    ]);
    expect(rows.find((r) => r.id === 'kuberay')).toMatchObject({ installed: true, healthy: true, version: '1.7.0' });

    out = '';
    expect(await runCli(['status', '--kubeconfig', info.kubeconfig, '--context', 'restricted'], streams)).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^RUNTIME\s+NAME\s+INSTALLED\s+HEALTHY\s+VERSION\s+MESSAGE$/);
    expect(out).toMatch(/kuberay\s+KubeRay\s+yes\s+unknown/);
  });

  test('an unreachable API server is a clear error with exit code 2', async () => {
    let err = '';
    const streams = { stdout: () => {}, stderr: (t: string) => (err += t) };
    const dead = join(dataDir, 'dead-kubeconfig');
    writeFileSync(dead, readFileSync(info.kubeconfig, 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/g, 'https://127.0.0.1:1'));
    expect(await runCli(['status', '--kubeconfig', dead], streams)).toBe(2);
    expect(err).toContain('error: cannot reach the API server at https://127.0.0.1:1');
    expect(err).toContain('hint: check that the cluster is running');
    expect(err).not.toMatch(/\n\s+at /);
  });
});
