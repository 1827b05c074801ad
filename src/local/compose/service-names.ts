import { createHash } from 'node:crypto';
import { isDns1123Label, nameFromId } from '../../model/names.js';
import type { ServiceRole } from './compose-types.js';

const MAX_LABEL = 63;

/**
 * `<model>-<role>`, a DNS-1123 label (services are reached by name on the compose network).
 * Too long a name keeps the role and a short hash of the whole, so distinct inputs stay distinct.
 */
export function serviceName(model: string, role: ServiceRole | string): string {
  return dnsLabel(`${nameFromId(model) || 'model'}-${role}`, role);
}

/** A compose-wide name derived from a model (volumes, configs), same rules as serviceName. */
export function resourceName(model: string, suffix: string): string {
  return serviceName(model, suffix);
}

function dnsLabel(full: string, suffix: string): string {
  if (isDns1123Label(full)) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  const room = MAX_LABEL - suffix.length - hash.length - 2;
  const head = full.slice(0, Math.max(room, 1)).replace(/-+$/g, '');
  return `${head}-${hash}-${suffix}`;
}
