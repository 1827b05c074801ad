/**
 * Field managers of modelstack's server-side applies: one per stack, `modelstack/<stack>`, so
 * a second stack that renders an object another stack applied gets a conflict naming that stack
 * instead of silently sharing (and flipping) it. `apply` writes with it; the live diff dry-runs
 * with it, so both see the same field ownership.
 */
export function fieldManagerFor(stack: string): string {
  return `${FIELD_MANAGER_PREFIX}${stack}`;
}

const FIELD_MANAGER_PREFIX = 'modelstack/';

/**
 * The one field manager of modelstack 0.1 (before managers per stack). A conflict with it only
 * means this stack applied the object before the upgrade; apply takes such fields over.
 */
export const LEGACY_FIELD_MANAGER = 'modelstack';

/** The stack a field manager belongs to, when it is a modelstack stack's manager. */
export function stackOfFieldManager(manager: string): string | undefined {
  return manager.startsWith(FIELD_MANAGER_PREFIX) ? manager.slice(FIELD_MANAGER_PREFIX.length) : undefined;
}
