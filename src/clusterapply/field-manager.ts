/**
 * The field manager modelstack's server-side applies are made as: `apply` writes with it, and
 * the live diff dry-runs with it, so both see the same field ownership.
 */
export const FIELD_MANAGER = 'modelstack';
