import type { ClusterOptions } from '../toolkit/index.js';
import { APP_TIMEOUT_FLAG } from './command.js';

/** The kubectl-style connection flags every cluster command takes. */
export const KUBE_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
} as const;

/** Flags of the commands that write a stack to the cluster (apply, destroy). */
export const STACK_CLUSTER_FLAGS = {
  kubeconfig: KUBE_FLAGS.kubeconfig,
  context: KUBE_FLAGS.context,
  app: { type: 'string' },
  ...APP_TIMEOUT_FLAG,
  'applyset-namespace': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export const KUBE_FLAGS_USAGE = `  --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  -n, --namespace NS  namespace`;

/** --kubeconfig and --context as the toolkit's cluster options. */
export function clusterFlags(values: Record<string, unknown>): ClusterOptions {
  return { kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined };
}
