import { type ClusterOptions, ModelstackError } from '../toolkit/index.js';
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

/** Flags of the commands that take a stack's lock (apply, destroy). */
export const LOCK_FLAGS = {
  'wait-for-lock': { type: 'string' },
  'break-lock': { type: 'boolean' },
} as const;

export const LOCK_FLAGS_USAGE = `  --wait-for-lock SECONDS  wait this long for the stack's lock when another run holds it
                           (default: fail at once, naming the holder and since when)
  --break-lock             take the stack's lock even though another run holds it (only when
                           that run is certainly gone; a stale lock is taken over on its own
                           60 s after its holder stopped renewing it)`;

/** --wait-for-lock and --break-lock as the toolkit's locking options. */
export function lockFlags(values: Record<string, unknown>): { waitForLockMs?: number; breakLock?: boolean } {
  const raw = values['wait-for-lock'] as string | undefined;
  const seconds = raw === undefined ? undefined : Number(raw);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new ModelstackError('USAGE', `--wait-for-lock: "${raw}" is not a number of seconds`, { hint: 'e.g. --wait-for-lock 300' });
  }
  return { ...(seconds !== undefined ? { waitForLockMs: seconds * 1000 } : {}), ...(values['break-lock'] === true ? { breakLock: true } : {}) };
}

export const KUBE_FLAGS_USAGE = `  --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  -n, --namespace NS  namespace`;

/** --kubeconfig and --context as the toolkit's cluster options. */
export function clusterFlags(values: Record<string, unknown>): ClusterOptions {
  return { kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined };
}
