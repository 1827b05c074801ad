import { describeCondition, findCondition } from '../../readiness/conditions.js';
import type { ModelState } from '../../readiness/model-state.js';
import { phaseByRules, type PhaseRules } from '../../readiness/phase-rules.js';

interface Dgd {
  readonly spec?: { readonly components?: ReadonlyArray<{ readonly replicas?: number }> };
  readonly status?: {
    readonly state?: string;
    readonly components?: Readonly<Record<string, { readonly replicas?: number; readonly readyReplicas?: number }>>;
  };
}

const STATE = ['status', 'state'] as const;

/**
 * The phase of a DynamoGraphDeployment, as data (see PhaseRules): from `status.state`
 * (initializing | pending | successful | failed) and the Ready
 * condition. A status.observedGeneration behind metadata.generation means
 * the operator has not yet acted on the latest spec: Upgrading.
 */
export const DYNAMO_PHASE_RULES: PhaseRules = {
  rules: [
    {
      phase: 'Pending',
      when: {
        op: 'any',
        of: [
          { op: 'absent', path: ['status'] },
          {
            op: 'all',
            of: [
              { op: 'absent', path: STATE },
              { op: 'noCondition', type: 'Ready' },
            ],
          },
        ],
      },
    },
    { phase: 'Failed', when: { op: 'oneOf', path: STATE, values: ['failed'] } },
    { phase: 'Upgrading', when: { op: 'less', left: ['status', 'observedGeneration'], right: ['metadata', 'generation'] } },
    {
      phase: 'Ready',
      when: {
        op: 'any',
        of: [
          { op: 'condition', type: 'Ready', status: 'True' },
          {
            op: 'all',
            of: [
              { op: 'oneOf', path: STATE, values: ['successful'] },
              { op: 'noCondition', type: 'Ready' },
            ],
          },
        ],
      },
    },
    { phase: 'Unhealthy', when: { op: 'oneOf', path: STATE, values: ['successful'] } },
    { phase: 'Deploying', when: { op: 'oneOf', path: STATE, values: ['pending', 'initializing'] } },
  ],
  otherwise: 'Unknown',
};

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
  const phase = phaseByRules(DYNAMO_PHASE_RULES, obj);

  const message = describeCondition(readyCond) || (state ? `state ${state}` : 'no status yet');
  return { phase, ready, desired, message };
}
