import type { ChangeAction, ChangeSet } from '../change-set.js';
import { ACTION_SIGN, rolloutText, secretKeysText, summaryText } from './summary.js';

export interface TextOptions {
  /** ANSI colors (the caller decides: a terminal, and NO_COLOR unset). */
  readonly color: boolean;
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' };
const ACTION_COLOR: Readonly<Record<ChangeAction, string>> = { add: ANSI.green, change: ANSI.yellow, remove: ANSI.red };

/** The change set for a terminal: per object a header and its unified diff, then the summary. */
export function renderText(cs: ChangeSet, opts: TextOptions): string {
  const paint = (codes: string, text: string): string => (opts.color && codes !== '' ? `${codes}${text}${ANSI.reset}` : text);
  const out: string[] = [];
  for (const c of cs.changes) {
    out.push(paint(ANSI.bold + ACTION_COLOR[c.action], `${ACTION_SIGN[c.action]} ${c.action} ${c.ref}`));
    if (c.rollout) out.push(paint(ANSI.bold, `  rollout: ${rolloutText(c.rollout)}`));
    const keys = c.secretKeys ? secretKeysText(c.secretKeys) : '';
    if (keys !== '') out.push(`  secret keys: ${keys} (values masked)`);
    let inHunk = false;
    for (const line of c.diff.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('@@')) inHunk = true;
      out.push(paint(lineColor(line, inHunk), line));
    }
    out.push('');
  }
  const g = cs.gpus;
  // GPU lines when a model's GPUs or pods change; the summary stays the last line.
  if (g.models.length > 0 && (g.before !== g.after || g.extraDuringRollout > 0 || cs.changes.some((c) => c.rollout))) {
    const extra = g.extraDuringRollout > 0 ? `, up to ${g.extraDuringRollout} more during the rollouts` : '';
    out.push(`GPUs: ${g.before} -> ${g.after}${extra}`);
    for (const n of g.namespaces)
      out.push(`  ${n.namespace || '(cluster)'}: ${n.before} -> ${n.after}${n.extraDuringRollout > 0 ? ` (+${n.extraDuringRollout} during the rollout)` : ''}`);
  }
  out.push(paint(ANSI.bold, summaryText(cs.summary)));
  return `${out.join('\n')}\n`;
}

function lineColor(line: string, inHunk: boolean): string {
  if (!inHunk) return ANSI.bold;
  if (line.startsWith('@@')) return ANSI.cyan;
  if (line.startsWith('+')) return ANSI.green;
  if (line.startsWith('-')) return ANSI.red;
  if (line.startsWith('\\')) return ANSI.dim;
  return '';
}
