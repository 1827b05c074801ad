import type { KubeObject } from '../model/kube-object.js';
import { deepEqual } from '../clusterapply/deep-equal.js';
import { isPlainObject } from './align-keys.js';

/** What a Secret value becomes when it is the same on both sides (or has no other side). */
export const MASKED = '<masked>';
/** The before side of a Secret value that changed. */
export const MASKED_OLD = '<masked: old value>';
/** The after side of a Secret value that changed. */
export const MASKED_NEW = '<masked: new value>';

/** The fields of a Secret whose values are masked, each value on its own. */
const VALUE_MAPS = ['data', 'stringData'] as const;
/** kubectl keeps the whole object, values included, in this annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function isSecret(o: KubeObject | undefined): boolean {
  return o !== undefined && o.apiVersion === 'v1' && o.kind === 'Secret';
}

/**
 * Both sides of an object with every Secret value replaced by a mask. The mask never depends on
 * the value (no hash: a hash of a short secret can be guessed), only on whether the two sides
 * differ: a value that is the same is `<masked>` on both sides, one that changed is
 * `<masked: old value>` before and `<masked: new value>` after, so a diff still shows the change.
 * Objects that are not Secrets are returned as they are.
 */
export function maskSecretPair(before: KubeObject | undefined, after: KubeObject | undefined): [KubeObject | undefined, KubeObject | undefined] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  let b = before === undefined ? undefined : { ...before };
  let a = after === undefined ? undefined : { ...after };
  for (const field of VALUE_MAPS) {
    const [mb, ma] = maskMap(before?.[field], after?.[field]);
    if (b && field in b) b = { ...b, [field]: mb };
    if (a && field in a) a = { ...a, [field]: ma };
  }
  const [lb, la] = maskValue(before?.metadata.annotations?.[LAST_APPLIED], after?.metadata.annotations?.[LAST_APPLIED]);
  if (b && typeof lb === 'string') b = withAnnotation(b, lb);
  if (a && typeof la === 'string') a = withAnnotation(a, la);
  return [b, a];
}

/** One object with every Secret value masked (for a side that has no counterpart). */
export function maskSecret(o: KubeObject): KubeObject {
  return maskSecretPair(o, undefined)[0]!;
}

/** Masks a map of values key by key; anything that is not a map is masked as one value. */
function maskMap(before: unknown, after: unknown): [unknown, unknown] {
  if (!isPlainObject(before) && !isPlainObject(after)) return maskValue(before, after);
  if (!isPlainObject(before) || !isPlainObject(after)) {
    // A map on one side only: nothing to compare value by value.
    const mask = (v: unknown): unknown => (isPlainObject(v) ? mapValues(v, () => MASKED) : maskValue(v, undefined)[0]);
    return [mask(before), mask(after)];
  }
  const mb = mapValues(before, (v, k) => maskValue(v, Object.hasOwn(after, k) ? after[k] : undefined)[0]);
  const ma = mapValues(after, (v, k) => maskValue(Object.hasOwn(before, k) ? before[k] : undefined, v)[1]);
  return [mb, ma];
}

/** A value's masks on both sides; `undefined` (absent) stays absent. */
function maskValue(before: unknown, after: unknown): [unknown, unknown] {
  if (before === undefined || after === undefined) {
    return [before === undefined ? undefined : MASKED, after === undefined ? undefined : MASKED];
  }
  return deepEqual(before, after) ? [MASKED, MASKED] : [MASKED_OLD, MASKED_NEW];
}

function mapValues(o: Record<string, unknown>, f: (v: unknown, k: string) => unknown): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v, k)]));
}

function withAnnotation(o: KubeObject, value: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [LAST_APPLIED]: value } } };
}
