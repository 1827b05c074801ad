import { startCluster } from '../cluster/manage.js';
import { KUBECONFIG_ENV, UNAVAILABLE_ENV } from './support/env.js';
import { clientFor } from './support/cluster.js';
import { installCrds, runtimeCrds } from './support/crds.js';

/**
 * Starts the shared test cluster (a real kube-apiserver with etcd, built from Go modules and
 * cached) and installs the runtimes' real CRDs into it. Under CI=true a cluster that cannot be
 * built or started fails the run; elsewhere the cluster suites skip, saying why.
 */
export default async function clusterSetup(): Promise<void> {
  const started = Date.now();
  try {
    const info = await startCluster({ log: (line) => process.stderr.write(`[testcluster] ${line}\n`) });
    const client = clientFor(info.kubeconfig);
    await installCrds(client, await runtimeCrds());
    process.env[KUBECONFIG_ENV] = info.kubeconfig;
    process.stderr.write(`\n[testcluster] ready at ${info.server} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env.CI === 'true') throw new Error(`test cluster unavailable under CI=true: ${reason}`);
    process.env[UNAVAILABLE_ENV] = reason;
    process.stderr.write(`\n\n!!! TEST CLUSTER UNAVAILABLE: cluster suites will be SKIPPED: ${reason}\n\n`);
  }
}
