import { stopCluster } from '../cluster/manage.js';
import { KUBECONFIG_ENV } from './support/env.js';

/** Stops the shared cluster, unless MODELSTACK_KEEP_TESTCLUSTER=1 (to poke at it after a run). */
export default async function clusterTeardown(): Promise<void> {
  if (!process.env[KUBECONFIG_ENV] || process.env.MODELSTACK_KEEP_TESTCLUSTER === '1') return;
  await stopCluster();
}
