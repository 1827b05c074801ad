import { type ClusterInfo, clusterInfo, ensureKubeRayOperator, probeControllers, startCluster, stopCluster } from '../cluster/manage.js';
import { KUBECONFIG_ENV, KUBERAY_NAMESPACES, KUBERAY_UNAVAILABLE_ENV, UNAVAILABLE_ENV } from './support/env.js';
import { clientFor } from './support/cluster.js';
import { installCrds, runtimeCrds } from './support/crds.js';

/**
 * Starts the shared test cluster (a real kube-apiserver with etcd, a real kube-controller-manager
 * and the real KubeRay operator, built from Go modules and cached), checks that the controllers
 * do their work, and installs the runtimes' real CRDs into it. Under CI=true a cluster or a
 * controller that cannot be built or started fails the run; elsewhere the suites that need it
 * skip, saying why.
 */
export default async function clusterSetup(): Promise<void> {
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[testcluster] ${line}\n`);
  const ci = process.env.CI === 'true';
  let kuberay = true;
  try {
    await ensureKubeRayOperator(log);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (ci) throw new Error(`KubeRay operator unavailable under CI=true: ${reason}`);
    kuberay = false;
    process.env[KUBERAY_UNAVAILABLE_ENV] = reason;
    process.stderr.write(`\n\n!!! KUBERAY OPERATOR UNAVAILABLE: its suites will be SKIPPED: ${reason}\n\n`);
  }
  try {
    const options = { log, kuberay, kuberayWatchNamespaces: KUBERAY_NAMESPACES };
    const reused = (await clusterInfo()) !== undefined;
    let info = await startCluster(options);
    const stale = reused ? await staleReason(info) : undefined;
    if (stale) {
      log(`restarting the reused test cluster from empty: ${stale}`);
      await stopCluster();
      info = await startCluster(options);
    }
    await probeControllers(info);
    const client = clientFor(info.kubeconfig);
    await installCrds(client, await runtimeCrds());
    process.env[KUBECONFIG_ENV] = info.kubeconfig;
    const parts = ['kube-apiserver', ...info.controllers.map((c) => c.name)].join(', ');
    process.stderr.write(`\n[testcluster] ${parts} ready at ${info.server} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (ci) throw new Error(`test cluster unavailable under CI=true: ${reason}`);
    process.env[UNAVAILABLE_ENV] = reason;
    process.stderr.write(`\n\n!!! TEST CLUSTER UNAVAILABLE: cluster suites will be SKIPPED: ${reason}\n\n`);
  }
}

/**
 * Why a reused cluster (MODELSTACK_KEEP_TESTCLUSTER=1, or `npm run testcluster -- start` before
 * the run) should start over, if it should. The Dynamo CRDs declare a conversion webhook (served
 * by the Dynamo operator) that nothing serves here; with many DynamoGraphDeployments stored, the
 * API server keeps re-listing them and burns CPU that every suite shares (measured for issue 17:
 * 5 s of CPU per 10 s idle with about 18,000 stored). Suites delete what they make only in part,
 * so a cluster reused across runs accumulates them: past STALE_GRAPHS it is wiped and restarted.
 * A fresh start (the default) always begins with an empty etcd.
 */
const STALE_GRAPHS = 1000;

async function staleReason(info: ClusterInfo): Promise<string | undefined> {
  const client = clientFor(info.kubeconfig);
  try {
    const page = await client.request<{ metadata?: { remainingItemCount?: number }; items?: unknown[] }>({
      method: 'GET',
      path: '/apis/nvidia.com/v1beta1/dynamographdeployments',
      query: { limit: '1' },
      verb: 'list',
      resource: 'dynamographdeployments.nvidia.com',
    });
    const stored = (page.items?.length ?? 0) + (page.metadata?.remainingItemCount ?? 0);
    return stored >= STALE_GRAPHS ? `${stored} DynamoGraphDeployments stored (limit ${STALE_GRAPHS})` : undefined;
  } catch (e) {
    // Not installed yet (a cluster reused from a run that failed early) is fine; anything else is not.
    const message = e instanceof Error ? e.message : String(e);
    return /not found|404/i.test(message) ? undefined : `cannot count its DynamoGraphDeployments: ${message}`;
  }
}
