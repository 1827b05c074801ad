import { describeCondition, findCondition } from '../../readiness/conditions.js';
import type { ModelPhase, ModelState } from '../../readiness/model-state.js';

interface AppStatus {
  readonly status?: string;
  readonly message?: string;
}

interface RayServiceObj {
  readonly spec?: {
    readonly rayClusterConfig?: { readonly workerGroupSpecs?: ReadonlyArray<{ readonly replicas?: number; readonly minReplicas?: number }> };
  };
  readonly status?: {
    readonly activeServiceStatus?: {
      readonly applicationStatuses?: Readonly<Record<string, AppStatus>>;
      readonly rayClusterStatus?: { readonly readyWorkerReplicas?: number; readonly desiredWorkerReplicas?: number };
    };
  };
}

const FAILED_APP = new Set(['DEPLOY_FAILED']);
const UNHEALTHY_APP = new Set(['UNHEALTHY']);

/**
 * Phase of a RayService from its Ready and UpgradeInProgress conditions and the Serve
 * application statuses; replicas are the active cluster's worker replicas.
 */
export function rayServiceState(obj: unknown): ModelState {
  const rs = obj as RayServiceObj;
  const specDesired = (rs.spec?.rayClusterConfig?.workerGroupSpecs ?? []).reduce((n, g) => n + (g.replicas ?? g.minReplicas ?? 0), 0);
  const cluster = rs.status?.activeServiceStatus?.rayClusterStatus;
  const desired = cluster?.desiredWorkerReplicas ?? specDesired;
  const ready = cluster?.readyWorkerReplicas ?? 0;
  const apps = Object.entries(rs.status?.activeServiceStatus?.applicationStatuses ?? {});
  const failed = apps.find(([, a]) => FAILED_APP.has(a.status ?? ''));
  const unhealthy = apps.find(([, a]) => UNHEALTHY_APP.has(a.status ?? ''));
  const readyCond = findCondition(obj, 'Ready');
  const upgrading = findCondition(obj, 'UpgradeInProgress');

  let phase: ModelPhase;
  let message = describeCondition(readyCond);
  if (failed) {
    phase = 'Failed';
    message = `application ${failed[0]}: ${failed[1].status}${failed[1].message ? `: ${failed[1].message}` : ''}`;
  } else if (upgrading?.status === 'True') {
    phase = 'Upgrading';
    message = describeCondition(upgrading) || 'upgrade in progress';
  } else if (unhealthy) {
    phase = 'Unhealthy';
    message = `application ${unhealthy[0]}: ${unhealthy[1].status}${unhealthy[1].message ? `: ${unhealthy[1].message}` : ''}`;
  } else if (readyCond?.status === 'True') {
    phase = 'Ready';
  } else if (!rs.status || !readyCond) {
    phase = 'Pending';
    message = message || 'no status yet';
  } else {
    phase = 'Deploying';
  }
  return { phase, ready, desired, message };
}
