import type { KubeApi } from '../kube/kube-api.js';
import { KubeClient } from '../kube/kube-client.js';
import { contextNamespace, loadKubeConfig } from '../kube/kube-config.js';

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
}

/** Connects as the options say; nothing is requested from the server yet. */
export function connect(opts: ClusterOptions, env: NodeJS.ProcessEnv): Connection {
  if (opts.kube) return { kube: opts.kube, defaultNamespace: 'default' };
  // KubeConfig.loadFromDefault reads process.env.KUBECONFIG; pass ours explicitly when set.
  const fromEnv = env.KUBECONFIG && !env.KUBECONFIG.includes(':') ? env.KUBECONFIG : undefined;
  const kubeConfig = loadKubeConfig({ kubeconfig: opts.kubeconfig ?? fromEnv, context: opts.context });
  return { kube: new KubeClient(kubeConfig), defaultNamespace: contextNamespace(kubeConfig) };
}
