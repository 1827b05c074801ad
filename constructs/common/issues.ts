import type { z } from 'zod';

/**
 * One problem with a construct's props. Rendered as
 * `<prop>: <value> <problem>. Fix: <fix>`; cdk8s prefixes it with `[construct/path]`.
 */
export interface PropIssue {
  readonly prop: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export function formatIssue(issue: PropIssue): string {
  return `${issue.prop}: ${showValue(issue.value)} ${issue.problem}. Fix: ${issue.fix}`;
}

/** A short, single-line rendering of a prop value for messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'function') return '(function)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

export function propPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** Turns zod's issues into PropIssues that name the prop, quote the value and say how to fix it. */
export function zodIssues(error: z.ZodError, input: unknown, known: readonly string[]): PropIssue[] {
  const out: PropIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({
          prop: propPath(path),
          value: valueAt(input, path),
          problem: 'is not a known prop',
          fix: issue.path.length === 0 ? `remove it (known props: ${known.join(', ')})` : 'remove it',
        });
      }
      continue;
    }
    const value = valueAt(input, issue.path);
    out.push({ prop: propPath(issue.path) || '(props)', value, problem: problemOf(issue), fix: fixOf(issue) });
  }
  return out;
}

function problemOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return 'is not allowed';
    case 'invalid_type':
      return `is not a valid ${issue.expected}`;
    case 'too_small':
      return `is too small (${sizeOf(issue.origin)}minimum ${String(issue.minimum)})`;
    case 'too_big':
      return `is too big (${sizeOf(issue.origin)}maximum ${String(issue.maximum)})`;
    default:
      return splitMessage(issue.message).problem;
  }
}

/**
 * Custom zod messages are written "<problem>. Fix: <fix>" (or just "Fix: <fix>"), so one
 * string carries both halves of an actionable error.
 */
function splitMessage(message: string): { problem: string; fix?: string } {
  const at = message.indexOf('Fix: ');
  if (at < 0) return { problem: `is invalid: ${message}` };
  const problem = message.slice(0, at).trim().replace(/\.$/, '');
  return { problem: problem || 'is not valid', fix: message.slice(at + 5) };
}

/** What a size bound counts: characters of a string, items of a list, else the value itself. */
function sizeOf(origin: string): string {
  return origin === 'string' ? 'length ' : origin === 'array' || origin === 'set' ? 'items ' : '';
}

function unitOf(origin: string, bound: string, n: number | bigint): string {
  if (origin === 'string') return `${bound} ${String(n)} character${n === 1 ? '' : 's'}`;
  if (origin === 'array' || origin === 'set') return `${bound} ${String(n)} item${n === 1 ? '' : 's'}`;
  return `a value of ${bound} ${String(n)}`;
}

function fixOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'use a whole number' : `pass ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return `use ${unitOf(issue.origin, 'at least', issue.minimum)}`;
    case 'too_big':
      return `use ${unitOf(issue.origin, 'at most', issue.maximum)}`;
    default:
      return splitMessage(issue.message).fix ?? 'correct the value';
  }
}
