import { deepEqual } from '../clusterapply/deep-equal.js';

/** One RFC 6902 operation, as cdk8s's JsonPatch writes it. */
export type PatchOp =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A JSON pointer segment (RFC 6901: "~" as "~0", "/" as "~1"). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The operations that turn `from` into `to`: objects key by key, lists of objects element by
 * element (extra elements appended, or removed from the end so indexes stay valid while the
 * operations apply in order), anything else (a list of args included) replaced whole.
 */
export function jsonDiff(from: unknown, to: unknown, path = ''): PatchOp[] {
  if (deepEqual(from, to)) return [];
  if (isObject(from) && isObject(to)) {
    const ops: PatchOp[] = [];
    for (const k of Object.keys(from)) if (!(k in to)) ops.push({ op: 'remove', path: `${path}/${pointerSegment(k)}` });
    for (const [k, v] of Object.entries(to)) {
      const p = `${path}/${pointerSegment(k)}`;
      if (!(k in from)) ops.push({ op: 'add', path: p, value: v });
      else ops.push(...jsonDiff(from[k], v, p));
    }
    return ops;
  }
  // A list of objects (containers, components) element by element; a list of scalars (args) whole.
  const scalars = (a: unknown[]): boolean => a.every((v) => typeof v !== 'object' || v === null);
  if (Array.isArray(from) && Array.isArray(to) && !(scalars(from) && scalars(to))) {
    const ops: PatchOp[] = [];
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++) ops.push(...jsonDiff(from[i], to[i], `${path}/${i}`));
    for (let i = common; i < to.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: to[i] });
    for (let i = from.length - 1; i >= common; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
    return ops;
  }
  return [{ op: 'replace', path, value: to }];
}

/** The value at a JSON pointer of `doc`, or undefined when there is none. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let at: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) at = /^\d+$/.test(key) ? at[Number(key)] : undefined;
    else if (isObject(at)) at = Object.hasOwn(at, key) ? at[key] : undefined;
    else return undefined;
  }
  return at;
}
