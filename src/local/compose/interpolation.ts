/**
 * Compose interpolates `$VAR` and `${VAR}` in every value of the file. Values modelstack copies
 * from manifests are literals, so each `$` is written as `$$` (compose's escape for a literal `$`).
 * Keys are left as they are.
 */
export function escapeInterpolation<T>(value: T): T {
  return escape(value) as T;
}

function escape(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$', '$$$$');
  if (Array.isArray(v)) return v.map(escape);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escape(x)]));
  }
  return v;
}
