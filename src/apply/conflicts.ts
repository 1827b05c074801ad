import { ApiStatusError } from '../kube/api-error.js';
import { stackOfFieldManager } from '../clusterapply/field-manager.js';

/** A field another manager owns, from a 409 of a server-side apply. */
export interface FieldConflict {
  readonly object: string;
  readonly manager: string;
  readonly field: string;
}

/**
 * Server-side apply conflicts say `conflict with "manager"`, then for a manager of a subresource
 * ` with subresource "scale"`, for an Update manager ` using apps/v1` (maybe ` at <time>`), and
 * in the summary message `: .path` (as the apiserver's printManager writes them).
 */
const CONFLICT = /conflict with "([^"]+)"(?: with subresource "[^"]*")?(?: using \S+?(?: at \S+?)?)?(?:: (\S.*))?$/;

export function conflictsOf(e: unknown, object: string): FieldConflict[] | undefined {
  if (!(e instanceof ApiStatusError) || e.code !== 'CONFLICT') return undefined;
  const causes = (e.failure.body?.details as { causes?: Array<{ message?: string; field?: string }> } | undefined)?.causes ?? [];
  const out: FieldConflict[] = [];
  for (const c of causes) {
    const m = CONFLICT.exec(c.message ?? '');
    out.push({ object, manager: m?.[1] ?? 'another manager', field: c.field ?? m?.[2] ?? '(unknown field)' });
  }
  return out.length > 0 ? out : [{ object, manager: 'another manager', field: e.message }];
}

/** A field manager as a user knows it: another modelstack stack by name, anything else quoted. */
export function describeManager(manager: string): string {
  const stack = stackOfFieldManager(manager);
  return stack ? `stack "${stack}" (field manager "${manager}")` : `"${manager}"`;
}
