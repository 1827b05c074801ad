import { describeCondition, findCondition } from './conditions.js';

export type JobPhase = 'Pending' | 'Running' | 'Complete' | 'Failed';

export interface JobState {
  readonly phase: JobPhase;
  /** Pods that failed so far (each a retry, up to backoffLimit). */
  readonly failed: number;
  readonly active: number;
  /** Retries allowed (spec.backoffLimit; the API's default is 6). */
  readonly backoffLimit: number;
  /** "reason: message" of the Complete or Failed condition. */
  readonly message: string;
}

interface JobLike {
  readonly spec?: { readonly backoffLimit?: number };
  readonly status?: { readonly active?: number; readonly failed?: number; readonly succeeded?: number };
}

/**
 * A Job's state as the Job controller writes it (batch/v1 JobStatus, Kubernetes 1.30+): the
 * Complete or Failed condition is final (Failed carries BackoffLimitExceeded or
 * DeadlineExceeded); before one is written, active pods mean Running. The SuccessCriteriaMet and
 * FailureTarget conditions (1.31+) come before the final ones while pods are still ending.
 */
export function jobState(job: unknown): JobState {
  const j = (job ?? {}) as JobLike;
  const base = { failed: j.status?.failed ?? 0, active: j.status?.active ?? 0, backoffLimit: j.spec?.backoffLimit ?? 6 };
  const complete = findCondition(job, 'Complete');
  if (complete?.status === 'True') return { ...base, phase: 'Complete', message: describeCondition(complete) };
  const failed = findCondition(job, 'Failed');
  if (failed?.status === 'True') return { ...base, phase: 'Failed', message: describeCondition(failed) };
  const ending = findCondition(job, 'FailureTarget');
  if (ending?.status === 'True') return { ...base, phase: 'Failed', message: describeCondition(ending) };
  return { ...base, phase: base.active > 0 ? 'Running' : 'Pending', message: '' };
}
