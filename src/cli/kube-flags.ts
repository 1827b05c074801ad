import { KubeClient } from '../kube/kube-client.js';
import { loadKubeConfig } from '../kube/kube-config.js';

/** The kubectl-style connection flags every cluster command takes. */
export const KUBE_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
} as const;

export const KUBE_FLAGS_USAGE = `  --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  -n, --namespace NS  namespace`;

export function kubeClientFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): KubeClient {
  const kubeconfig = (values.kubeconfig as string | undefined) ?? undefined;
  // KubeConfig.loadFromDefault reads process.env.KUBECONFIG; pass ours explicitly when set.
  const fromEnv = env.KUBECONFIG && !env.KUBECONFIG.includes(':') ? env.KUBECONFIG : undefined;
  return new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig ?? fromEnv, context: values.context as string | undefined }));
}
