import type { ChangeAction, ChangeSummary } from '../change-set.js';
import type { RolloutImpact } from '../rollout/rollout-impact.js';
import type { SecretKeyChanges } from '../secret-keys.js';

/** "1 to add, 2 to change, 0 to remove, 5 unchanged", or "no changes, 5 unchanged". */
export function summaryText(s: ChangeSummary): string {
  if (s.add + s.change + s.remove === 0) return `no changes, ${s.unchanged} unchanged`;
  return `${s.add} to add, ${s.change} to change, ${s.remove} to remove, ${s.unchanged} unchanged`;
}

/** The one-character sign of an action, as in a plan: + add, ~ change, - remove. */
export const ACTION_SIGN: Readonly<Record<ChangeAction, string>> = { add: '+', change: '~', remove: '-' };

/** "rolling restart of VllmDecodeWorker, +2 GPUs during the rollout" (the label and what it costs). */
export function rolloutText(r: RolloutImpact): string {
  const delta = r.gpusAfter - r.gpusBefore;
  const parts = [r.label];
  if (delta !== 0) parts.push(`${delta > 0 ? '+' : '−'}${Math.abs(delta)} GPUs`);
  if (r.extraGpus > 0) parts.push(`${r.extraGpus} extra GPU${r.extraGpus === 1 ? '' : 's'} during the rollout`);
  return parts.join(', ');
}

/** "changed: token; added: extra; removed: old", or "" when no key changed. */
export function secretKeysText(k: SecretKeyChanges): string {
  const parts: string[] = [];
  if (k.changed.length > 0) parts.push(`changed: ${k.changed.join(', ')}`);
  if (k.added.length > 0) parts.push(`added: ${k.added.join(', ')}`);
  if (k.removed.length > 0) parts.push(`removed: ${k.removed.join(', ')}`);
  return parts.join('; ');
}
