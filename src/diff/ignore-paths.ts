import { ModelstackError } from '../errors.js';
import type { KubeObject } from '../model/kube-object.js';
import { isPlainObject } from './align-keys.js';

/**
 * One `--ignore` path: an optional `Kind:` prefix, then dot-separated keys; `[]` (or `[*]`) is
 * every element of a list, `[N]` one element, `[key=value]` the elements whose key has that
 * value, and `["a.b/c"]` a key with dots or slashes. E.g. `metadata.annotations["x/y"]`,
 * `DynamoGraphDeployment:spec.components[type=decode].replicas`.
 */
export interface IgnorePath {
  readonly text: string;
  readonly kind?: string;
  readonly steps: readonly Step[];
}

type Step = { readonly key: string } | { readonly each: true } | { readonly index: number } | { readonly match: readonly [string, string] };

const STEP = /^(?:\.?([A-Za-z0-9_$-]+)|\[\]|\[\*\]|\[(\d+)\]|\[([A-Za-z0-9_.-]+)=([^\]]*)\]|\["([^"]+)"\])/;

export function parseIgnorePath(text: string): IgnorePath {
  const colon = /^([A-Z][A-Za-z0-9]*):/.exec(text);
  let rest = colon ? text.slice(colon[0].length) : text;
  const steps: Step[] = [];
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m || (steps.length === 0 && rest.startsWith('.'))) {
      throw new ModelstackError('USAGE', `--ignore ${JSON.stringify(text)}: cannot read the path at ${JSON.stringify(rest)}`, {
        hint: 'use dot-separated keys with [] for every list element, [N], [key=value] or ["key.with.dots"], e.g. spec.components[type=decode].replicas',
      });
    }
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ match: [m[3], m[4]!] });
    else if (m[5] !== undefined) steps.push({ key: m[5] });
    else steps.push({ each: true });
    rest = rest.slice(m[0].length);
  }
  if (steps.length === 0) throw new ModelstackError('USAGE', '--ignore needs a path', { hint: 'e.g. --ignore metadata.labels' });
  return { text, ...(colon ? { kind: colon[1] } : {}), steps };
}

/** A copy of `o` without the values the paths name (the object itself is never changed). */
export function withoutIgnored(o: KubeObject, paths: readonly IgnorePath[]): KubeObject {
  let out: unknown = o;
  for (const p of paths) if (p.kind === undefined || p.kind === o.kind) out = drop(out, p.steps);
  return out as KubeObject;
}

function drop(v: unknown, steps: readonly Step[]): unknown {
  const [step, ...rest] = steps;
  if (!step) return v;
  if ('key' in step) {
    if (!isPlainObject(v) || !Object.hasOwn(v, step.key)) return v;
    if (rest.length === 0) return Object.fromEntries(Object.entries(v).filter(([k]) => k !== step.key));
    return { ...v, [step.key]: drop(v[step.key], rest) };
  }
  if (!Array.isArray(v)) return v;
  const picked = (e: unknown, i: number): boolean =>
    'each' in step ? true : 'index' in step ? i === step.index : isPlainObject(e) && String(e[step.match[0]]) === step.match[1];
  if (rest.length === 0) return v.filter((e, i) => !picked(e, i));
  return v.map((e, i) => (picked(e, i) ? drop(e, rest) : e));
}
