import type { ComposeDeploy } from './compose-types.js';

/**
 * "count": each service reserves `count` GPUs and the container engine picks them (Docker
 * hands every such service the first GPUs of the host, so services may share a GPU).
 * "exclusive": GPUs are numbered across the file in service order (device_ids "0", "1", ...),
 * so no two services share one; the host needs as many GPUs as the file reserves.
 */
export type GpuAssignment = 'count' | 'exclusive';

/** Deploy sections for GPU reservations, one per service GPU count (undefined when 0). */
export function gpuDeploys(counts: readonly number[], assignment: GpuAssignment): (ComposeDeploy | undefined)[] {
  let next = 0;
  return counts.map((count) => {
    if (count <= 0) return undefined;
    const device =
      assignment === 'exclusive'
        ? { driver: 'nvidia' as const, device_ids: Array.from({ length: count }, () => String(next++)), capabilities: ['gpu'] }
        : { driver: 'nvidia' as const, count, capabilities: ['gpu'] };
    return { resources: { reservations: { devices: [device] } } };
  });
}
