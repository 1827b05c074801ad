import type { ChangeAction, ChangeSummary } from '../change-set.js';

/** "1 to add, 2 to change, 0 to remove, 5 unchanged", or "no changes, 5 unchanged". */
export function summaryText(s: ChangeSummary): string {
  if (s.add + s.change + s.remove === 0) return `no changes, ${s.unchanged} unchanged`;
  return `${s.add} to add, ${s.change} to change, ${s.remove} to remove, ${s.unchanged} unchanged`;
}

/** The one-character sign of an action, as in a plan: + add, ~ change, - remove. */
export const ACTION_SIGN: Readonly<Record<ChangeAction, string>> = { add: '+', change: '~', remove: '-' };
