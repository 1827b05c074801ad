import { findCondition } from './conditions.js';

/** A pod counts as ready when its Ready condition is True and it is not being deleted. */
export function podReady(pod: unknown): boolean {
  const deleting = (pod as { metadata?: { deletionTimestamp?: string } } | undefined)?.metadata?.deletionTimestamp;
  return !deleting && findCondition(pod, 'Ready')?.status === 'True';
}
