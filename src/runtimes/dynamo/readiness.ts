import { describeCondition, findCondition } from '../../readiness/conditions.js';
import type { ModelPhase, ModelState } from '../../readiness/model-state.js';

interface Dgd {
  readonly metadata?: { readonly generation?: number };
  readonly spec?: { readonly components?: ReadonlyArray<{ readonly replicas?: number }> };
  readonly status?: {
    readonly state?: string;
    readonly observedGeneration?: number;
    readonly components?: Readonly<Record<string, { readonly replicas?: number; readonly readyReplicas?: number }>>;
  };
}

/**
 * Phase of a DynamoGraphDeployment from `status.state` (initializing | pending | successful |
 * failed) and the Ready condition; replicas summed over components.
 */
export function dynamoState(obj: unknown): ModelState {
  const dgd = obj as Dgd;
  const desired = (dgd.spec?.components ?? []).reduce((n, c) => n + (c.replicas ?? 1), 0);
  const components = Object.values(dgd.status?.components ?? {});
  const ready = components.reduce((n, c) => n + (c.readyReplicas ?? 0), 0);
  const readyCond = findCondition(obj, 'Ready');
  const state = dgd.status?.state;
  const stale =
    dgd.status?.observedGeneration !== undefined && dgd.metadata?.generation !== undefined && dgd.status.observedGeneration < dgd.metadata.generation;

  let phase: ModelPhase;
  if (!dgd.status || (state === undefined && !readyCond)) phase = 'Pending';
  else if (state === 'failed') phase = 'Failed';
  else if (stale) phase = 'Upgrading';
  else if (readyCond?.status === 'True' || (state === 'successful' && !readyCond)) phase = 'Ready';
  else if (state === 'successful') phase = 'Unhealthy';
  else if (state === 'pending' || state === 'initializing') phase = 'Deploying';
  else phase = 'Unknown';

  const message = describeCondition(readyCond) || (state ? `state ${state}` : 'no status yet');
  return { phase, ready, desired, message };
}
