/** major.minor.patch of a version string ("v1.4.0", "1.4.0-rc1", "1.4"), or undefined when it has none. */
export function parseVersion(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Whether `v` is older than `min`; undefined when `v` is not a version (e.g. "latest", a branch). */
export function isOlder(v: string, min: string): boolean | undefined {
  const a = parseVersion(v);
  const b = parseVersion(min);
  if (!a || !b) return undefined;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
