/**
 * `before` with the keys of every object reordered to follow `after`, so that a line diff of the
 * two renderings shows what changed and not how keys happen to be ordered. Keys only `before`
 * has keep their place relative to the keys both sides share. Values are never changed.
 */
export function alignKeys(before: unknown, after: unknown): unknown {
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.map((v: unknown, i) => (i < after.length ? alignKeys(v, after[i]) : v));
  }
  if (!isPlainObject(before) || !isPlainObject(after)) return before;

  // Each key only `before` has is anchored to the shared key that follows it there.
  const leading = new Map<string, string[]>();
  let pending: string[] = [];
  for (const k of Object.keys(before)) {
    if (Object.hasOwn(after, k)) {
      leading.set(k, pending);
      pending = [];
    } else pending.push(k);
  }
  const entries: [string, unknown][] = [];
  for (const k of Object.keys(after)) {
    if (!Object.hasOwn(before, k)) continue;
    for (const only of leading.get(k) ?? []) entries.push([only, before[only]]);
    entries.push([k, alignKeys(before[k], after[k])]);
  }
  for (const only of pending) entries.push([only, before[only]]);
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(entries);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
