import { createHash } from 'node:crypto';
import type { KubeObject } from '../model/kube-object.js';

/**
 * Re-applying what a stack applied last time, when nothing changed since, changes nothing: such
 * a server-side apply can be left out. This is how `apply` and the live diff skip unchanged
 * objects (a no-op apply of 200 models sends a few LISTs instead of 300 PATCHes).
 *
 * Every object apply writes carries `modelstack.io/applied-hash`: a SHA-256 of the whole applied
 * configuration (the object as sent, ownership record included, this annotation left out).
 * An object is left out only when all of these hold for the live object (read with a LIST):
 * 1. its annotation equals the hash of what would be applied now: the stack's field manager last
 *    applied exactly this configuration, so no field it owned before would be dropped;
 * 2. every value the configuration sets is in the live object, equal (lists: same length, item
 *    by item): nobody changed or removed a value since;
 * 3. the stack's field manager still holds an Apply entry in managedFields that names every field
 *    of the configuration, down to the first list: no other manager took a field over.
 * Anything else (an object written by an earlier modelstack, without the annotation, a value the
 * server normalizes such as a quantity "1000m", a Secret's stringData, a map the schema makes
 * atomic) falls back to the real server-side apply, which is always right. What is not detected:
 * fields inside list items taken over by another manager with the same value (the object is
 * unchanged; only their owner differs), and mutating webhooks that would change the object on
 * every write.
 *
 * Secrets are never hashed or skipped: a hash of their data would sit in metadata.
 */
export const APPLIED_HASH = 'modelstack.io/applied-hash';

const HASH_PREFIX = 'sha256:';

function hashOf(o: KubeObject): string {
  const annotations = { ...o.metadata.annotations };
  delete annotations[APPLIED_HASH];
  const bare = { ...o, metadata: { ...o.metadata, annotations } };
  if (Object.keys(annotations).length === 0) delete (bare.metadata as { annotations?: unknown }).annotations;
  // Plain JSON, keys in the object's own order: the same configuration rendered with its keys in
  // another order hashes differently, which only costs one apply that was not needed (a hash that
  // matches always means the same configuration). Synth output has a stable key order.
  return HASH_PREFIX + createHash('sha256').update(JSON.stringify(bare)).digest('hex');
}

/** Whether objects of this kind carry the hash (and may be skipped): all but Secrets. */
export function carriesAppliedHash(o: KubeObject): boolean {
  return !(o.kind === 'Secret' && o.apiVersion === 'v1');
}

/** `o` as apply sends it: with the hash of itself in `modelstack.io/applied-hash` (Secrets unchanged). */
export function withAppliedHash(o: KubeObject): KubeObject {
  if (!carriesAppliedHash(o)) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [APPLIED_HASH]: hashOf(o) } } };
}

type Json = Record<string, unknown>;
const isMap = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Every value `want` sets is in `have`, equal; lists have the same length and match item by item. */
function within(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => within(w, have[i]));
  if (isMap(want)) return isMap(have) && Object.entries(want).every(([k, w]) => k in have && within(w, have[k]));
  // null in an applied configuration asks the server to remove a field: never skipped.
  return want !== null && want === have;
}

/** Fields of the configuration the server does not track in managedFields (the object's identity). */
const UNTRACKED: Readonly<Record<string, readonly string[]>> = { '': ['apiVersion', 'kind'], metadata: ['name', 'namespace'] };

/** managedFields (FieldsV1) names every field of `value`, recursing through maps and stopping at lists and scalars. */
function owns(fields: unknown, value: Json, at = ''): boolean {
  if (!isMap(fields)) return false;
  const untracked = UNTRACKED[at] ?? [];
  return Object.entries(value).every(([k, v]) => {
    if (untracked.includes(k)) return true;
    const f = fields[`f:${k}`];
    if (f === undefined) return false;
    return isMap(v) && Object.keys(v).length > 0 ? owns(f, v, at === '' ? k : `${at}.${k}`) : true;
  });
}

interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly fieldsV1?: unknown;
}

/**
 * Whether server-side applying `body` (as withAppliedHash made it) as `fieldManager` would leave
 * `live` as it is (see the conditions above).
 */
export function unchangedByApply(body: KubeObject, live: KubeObject | undefined, fieldManager: string): boolean {
  if (!live || !carriesAppliedHash(body)) return false;
  const hash = body.metadata.annotations?.[APPLIED_HASH];
  if (hash === undefined || live.metadata.annotations?.[APPLIED_HASH] !== hash) return false;
  if (!within(body, live)) return false;
  const managed = (live.metadata as { managedFields?: readonly ManagedFieldsEntry[] }).managedFields ?? [];
  const ours = managed.filter((m) => m.manager === fieldManager && m.operation === 'Apply' && !m.subresource);
  return ours.length === 1 && owns(ours[0]!.fieldsV1, body as unknown as Json);
}
