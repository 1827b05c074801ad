import type { ComposeFile, ServiceRole } from './compose-types.js';
import { HOST_IP, hostPortOf } from './host-ports.js';

/** Where, from this machine, a service of a compose file says it is ready. */
export interface ReadinessTarget {
  readonly service: string;
  readonly model: string;
  readonly role: ServiceRole;
  /** `http://127.0.0.1:<hostPort><path>`. */
  readonly url: string;
}

/**
 * The health URLs of the services that publish one (the `x-modelstack` contract), in service
 * order. Services without a health endpoint, or that do not publish it, are left out.
 */
export function readinessTargets(file: ComposeFile): ReadinessTarget[] {
  return Object.entries(file.services).flatMap(([service, svc]): ReadinessTarget[] => {
    const info = svc['x-modelstack'];
    const hostPort = info.health ? hostPortOf(svc, info.health.port) : undefined;
    if (!info.health || hostPort === undefined) return [];
    return [{ service, model: info.model, role: info.role, url: `http://${HOST_IP}:${hostPort}${info.health.path}` }];
  });
}
