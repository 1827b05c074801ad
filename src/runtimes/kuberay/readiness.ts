import { describeCondition, findCondition } from '../../readiness/conditions.js';
import type { ModelState } from '../../readiness/model-state.js';
import { phaseByRules, type PhaseRules } from '../../readiness/phase-rules.js';

interface AppStatus {
  readonly status?: string;
  readonly message?: string;
}

interface RayServiceObj {
  readonly spec?: {
    readonly rayClusterConfig?: {
      readonly workerGroupSpecs?: ReadonlyArray<{ readonly replicas?: number; readonly minReplicas?: number; readonly numOfHosts?: number }>;
    };
  };
  readonly status?: {
    readonly activeServiceStatus?: {
      readonly applicationStatuses?: Readonly<Record<string, AppStatus>>;
      readonly rayClusterStatus?: { readonly readyWorkerReplicas?: number; readonly desiredWorkerReplicas?: number };
    };
    /** Set during a NewClusterWithIncrementalUpgrade (KubeRay 1.5+): how far the new cluster has come. */
    readonly pendingServiceStatus?: { readonly targetCapacity?: number; readonly trafficRoutedPercent?: number };
  };
}

const FAILED_APP = ['DEPLOY_FAILED'];
const UNHEALTHY_APP = ['UNHEALTHY'];
const APPS = ['status', 'activeServiceStatus', 'applicationStatuses'] as const;

/**
 * The phase of a RayService, as data (see PhaseRules): a Serve application DEPLOY_FAILED is
 * Failed, the UpgradeInProgress condition True is Upgrading, an application UNHEALTHY is
 * Unhealthy, the Ready condition True is Ready; no status or no Ready condition yet is Pending,
 * anything else Deploying.
 */
export const RAYSERVICE_PHASE_RULES: PhaseRules = {
  rules: [
    { phase: 'Failed', when: { op: 'someEntry', map: APPS, field: 'status', values: FAILED_APP } },
    { phase: 'Upgrading', when: { op: 'condition', type: 'UpgradeInProgress', status: 'True' } },
    { phase: 'Unhealthy', when: { op: 'someEntry', map: APPS, field: 'status', values: UNHEALTHY_APP } },
    { phase: 'Ready', when: { op: 'condition', type: 'Ready', status: 'True' } },
    {
      phase: 'Pending',
      when: {
        op: 'any',
        of: [
          { op: 'absent', path: ['status'] },
          { op: 'noCondition', type: 'Ready' },
        ],
      },
    },
  ],
  otherwise: 'Deploying',
};

/**
 * Phase of a RayService from its Ready and UpgradeInProgress conditions and the Serve
 * application statuses; replicas are the active cluster's worker pods. KubeRay counts ready
 * worker pods (utils.CalculateReadyReplicas), and a replica of a multi-host group is numOfHosts
 * pods, so the desired count read from the spec is replicas × numOfHosts.
 */
export function rayServiceState(obj: unknown): ModelState {
  const rs = obj as RayServiceObj;
  const specDesired = (rs.spec?.rayClusterConfig?.workerGroupSpecs ?? []).reduce((n, g) => n + (g.replicas ?? g.minReplicas ?? 0) * (g.numOfHosts ?? 1), 0);
  const cluster = rs.status?.activeServiceStatus?.rayClusterStatus;
  const desired = cluster?.desiredWorkerReplicas ?? specDesired;
  const ready = cluster?.readyWorkerReplicas ?? 0;
  const apps = Object.entries(rs.status?.activeServiceStatus?.applicationStatuses ?? {});
  const failed = apps.find(([, a]) => FAILED_APP.includes(a.status ?? ''));
  const unhealthy = apps.find(([, a]) => UNHEALTHY_APP.includes(a.status ?? ''));
  const readyCond = findCondition(obj, 'Ready');
  const upgrading = findCondition(obj, 'UpgradeInProgress');
  const phase = phaseByRules(RAYSERVICE_PHASE_RULES, obj);

  let message = describeCondition(readyCond);
  if (phase === 'Failed' && failed) {
    message = `application ${failed[0]}: ${failed[1].status}${failed[1].message ? `: ${failed[1].message}` : ''}`;
  } else if (phase === 'Upgrading') {
    message = (describeCondition(upgrading) || 'upgrade in progress') + incrementalProgress(rs.status?.pendingServiceStatus);
  } else if (phase === 'Unhealthy' && unhealthy) {
    message = `application ${unhealthy[0]}: ${unhealthy[1].status}${unhealthy[1].message ? `: ${unhealthy[1].message}` : ''}`;
  } else if (phase === 'Pending') {
    message = message || 'no status yet';
  }
  return { phase, ready, desired, message };
}

/**
 * Progress of an incremental upgrade: the share of traffic the new cluster takes and the capacity
 * it is scaled to (status.pendingServiceStatus.trafficRoutedPercent and targetCapacity, KubeRay
 * 1.7.0 CRD; see the Ray docs "RayService Zero-Downtime Incremental Upgrades", Monitoring).
 */
function incrementalProgress(pending: { readonly targetCapacity?: number; readonly trafficRoutedPercent?: number } | undefined): string {
  if (pending?.trafficRoutedPercent === undefined && pending?.targetCapacity === undefined) return '';
  return `; new cluster: ${pending.trafficRoutedPercent ?? 0}% of traffic, target capacity ${pending.targetCapacity ?? 0}%`;
}
