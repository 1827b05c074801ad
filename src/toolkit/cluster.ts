import type { KubeApi } from '../kube/kube-api.js';
import { loadEngine } from './load-engine.js';

/**
 * How a toolkit call reaches the cluster: a ready KubeApi (tests, library users with their own
 * client), or a kubeconfig to load as kubectl does (`KUBECONFIG`, else ~/.kube/config).
 */
export interface ClusterOptions {
  /** A cluster client to use as it is; kubeconfig and context are then ignored. */
  readonly kube?: KubeApi;
  /** @default $KUBECONFIG, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** @default the kubeconfig's current context */
  readonly context?: string;
}

export interface Connection {
  readonly kube: KubeApi;
  /** The namespace of the kubeconfig context ("default" when it names none, or for a given KubeApi). */
  readonly defaultNamespace: string;
  /** What the client has sent so far (live counters); absent for a given KubeApi. */
  readonly stats?: RequestStats;
}

/** API requests sent and connections opened (a request on a reused keep-alive connection opens none). */
export interface RequestStats {
  readonly requests: number;
  readonly connections: number;
}

/**
 * Connects as the options say; nothing is requested from the server yet. The kube client is
 * loaded here, on first use, so commands that never reach a cluster (synth, validate, local runs,
 * --help) do not pay for it; client-node itself is loaded only for kubeconfigs our reader hands
 * over (exec plugins, auth-provider; src/kube/kube-config.ts).
 */
export async function connect(opts: ClusterOptions, env: NodeJS.ProcessEnv): Promise<Connection> {
  if (opts.kube) return { kube: opts.kube, defaultNamespace: 'default' };
  const [{ KubeClient }, { contextNamespace, loadKubeConfig }] = await Promise.all([
    loadEngine(() => import('../kube/kube-client.js')),
    loadEngine(() => import('../kube/kube-config.js')),
  ]);
  // loadKubeConfig reads process.env.KUBECONFIG (all its files, merged); pass ours explicitly when it names one file.
  const fromEnv = env.KUBECONFIG && !env.KUBECONFIG.includes(':') ? env.KUBECONFIG : undefined;
  const kubeConfig = loadKubeConfig({ kubeconfig: opts.kubeconfig ?? fromEnv, context: opts.context });
  const kube = new KubeClient(kubeConfig);
  return { kube, defaultNamespace: contextNamespace(kubeConfig), stats: kube.stats };
}
