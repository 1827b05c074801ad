import { ModelstackError } from '../../errors.js';
import type { ComposeService } from './compose-types.js';

/** First host port a compose file publishes on. */
export const DEFAULT_HOST_PORT_BASE = 18000;
/** Only the loopback interface: the local run is for this machine. */
export const HOST_IP = '127.0.0.1';

/**
 * Host ports for `count` services, deterministically: base, base + 1, ... in service order.
 * Throws when the range does not fit in unprivileged ports.
 */
export function allocateHostPorts(count: number, base = DEFAULT_HOST_PORT_BASE): number[] {
  if (!Number.isInteger(base) || base < 1024 || base + count - 1 > 65535) {
    throw new ModelstackError('LOCAL', `host port base ${base} cannot hold ${count} port(s) between 1024 and 65535`, {
      hint: 'choose a base port between 1024 and 65535 minus the number of services',
    });
  }
  return Array.from({ length: count }, (_, i) => base + i);
}

/** `"127.0.0.1:<hostPort>:<containerPort>"`. */
export function publishedPort(hostPort: number, containerPort: number): string {
  return `${HOST_IP}:${hostPort}:${containerPort}`;
}

/** `"127.0.0.1::<containerPort>"`: the engine picks a free host port, for each replica. */
export function freePublishedPort(containerPort: number): string {
  return `${HOST_IP}::${containerPort}`;
}

/** The host port a service publishes `containerPort` on, if it publishes it. */
export function hostPortOf(service: Pick<ComposeService, 'ports'>, containerPort: number): number | undefined {
  for (const p of service.ports ?? []) {
    const m = /^(?:[^:]+:)?(\d+):(\d+)(?:\/tcp)?$/.exec(p);
    if (m && Number(m[2]) === containerPort) return Number(m[1]);
  }
  return undefined;
}
