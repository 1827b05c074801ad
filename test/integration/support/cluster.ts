import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../../src/kube/kube-client.js';
import { type ClusterInfo, startCluster, stopCluster } from '../../cluster/manage.js';
import { loadKubeConfig } from '../../../src/kube/kube-config.js';
import { KUBECONFIG_ENV, KUBERAY_UNAVAILABLE_ENV, UNAVAILABLE_ENV } from './env.js';

/**
 * The shared test cluster started by global setup, or the reason there is none. Under
 * CI=true global setup fails instead, so suites never silently skip there.
 */
export function sharedCluster(): { kubeconfig: string } | { unavailable: string } {
  const kubeconfig = process.env[KUBECONFIG_ENV];
  if (kubeconfig) return { kubeconfig };
  return { unavailable: process.env[UNAVAILABLE_ENV] ?? 'global setup did not start a test cluster' };
}

/** `describe` when the shared cluster is up, else `describe.skip` with the reason said loudly. */
export function describeWithCluster(name: string, fn: (kubeconfig: string) => void): void {
  const c = sharedCluster();
  if ('unavailable' in c) {
    console.warn(`SKIPPED "${name}": no test cluster: ${c.unavailable}`);
    describe.skip(name, () => fn(''));
    return;
  }
  describe(name, () => fn(c.kubeconfig));
}

/**
 * The user of the test cluster's `restricted` context. The kube-apiserver runs with
 * --authorization-mode=RBAC and client-certificate authentication (test/cluster/apiserver.go,
 * pki.go); its kubeconfig has two contexts:
 * - `admin`: modelstack-admin in group system:masters, allowed everything;
 * - `restricted`: this user, in no group beyond system:authenticated and bound to no role, so
 *   every request past discovery is refused with 403, the way a user without permissions is.
 * A test that needs some permissions grants them with a Role and RoleBinding in its own
 * namespace (subject: kind User, this name) and polls briefly (RBAC changes reach the authorizer
 * asynchronously). Never bind it cluster-wide on the shared cluster: other suites rely on it
 * having no permission; use privateCluster() for cluster-wide grants.
 */
export const RESTRICTED_USER = 'modelstack-restricted';

/** A client of the test cluster as the user of `context` (`admin` or `restricted`, see RESTRICTED_USER). */
export function clientFor(kubeconfig: string, context: 'admin' | 'restricted' = 'admin'): KubeClient {
  return new KubeClient(loadKubeConfig({ kubeconfig, context }));
}

/** A namespace name unique to one test run. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'modelstack-test' });
}

/** An RBAC rule, as a Role lists it. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Grants RESTRICTED_USER `rules` in `namespace`: a Role named `role` and a RoleBinding of the same name. */
export async function grantRestricted(admin: KubeClient, namespace: string, role: string, rules: readonly PolicyRule[]): Promise<void> {
  const m = { fieldManager: 'modelstack-test' };
  const rbac = 'rbac.authorization.k8s.io';
  await admin.apply({ apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { name: role, namespace }, rules }, m);
  await admin.apply(
    {
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: role, namespace },
      roleRef: { apiGroup: rbac, kind: 'Role', name: role },
      subjects: [{ apiGroup: rbac, kind: 'User', name: RESTRICTED_USER }],
    },
    m,
  );
}

/**
 * A cluster of the calling suite's own, started in beforeAll and removed in afterAll, for
 * tests that need a cluster without the runtimes' CRDs (the shared one has them). Call
 * `info()` inside tests.
 */
export function privateCluster(prefix: string): { info: () => ClusterInfo } {
  let info: ClusterInfo | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `modelstack-${prefix}-`));
    info = await startCluster({ dataDir });
  }, 180_000);
  afterAll(async () => {
    if (!dataDir) return;
    await stopCluster({ dataDir });
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
  return {
    info: () => {
      if (!info) throw new Error('the private cluster did not start');
      return info;
    },
  };
}

/**
 * `describeWithCluster` for suites that need the real KubeRay operator: skipped, saying why,
 * when global setup could not build it (only outside CI; under CI=true that fails the run).
 */
export function describeWithKubeRay(name: string, fn: (kubeconfig: string) => void): void {
  const missing = process.env[KUBERAY_UNAVAILABLE_ENV];
  if (missing) {
    console.warn(`SKIPPED "${name}": no KubeRay operator in the test cluster: ${missing}`);
    describe.skip(name, () => fn(''));
    return;
  }
  describeWithCluster(name, fn);
}
