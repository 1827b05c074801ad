import { describeCondition, findCondition } from './conditions.js';
import { podReady } from './pod.js';

export interface DeploymentHealth {
  readonly available: boolean;
  readonly readyPods: number;
  readonly totalPods: number;
  readonly healthy: boolean;
  readonly message: string;
}

/**
 * A Deployment is healthy when its Available condition is True and every pod it owns (at
 * least one) is Ready. Pods are passed in, found by the Deployment's selector.
 */
export function deploymentHealth(deployment: unknown, pods: readonly unknown[]): DeploymentHealth {
  const available = findCondition(deployment, 'Available');
  const readyPods = pods.filter(podReady).length;
  const isAvailable = available?.status === 'True';
  const healthy = isAvailable && pods.length > 0 && readyPods === pods.length;
  let message: string;
  if (!available) message = 'no Available condition yet (rollout not observed)';
  else if (!isAvailable) message = `not available (${describeCondition(available) || available.status})`;
  else if (pods.length === 0) message = 'no pods found';
  else if (readyPods < pods.length) message = `${readyPods}/${pods.length} pods ready`;
  else message = `${readyPods}/${pods.length} pods ready`;
  return { available: isAvailable, readyPods, totalPods: pods.length, healthy, message };
}
