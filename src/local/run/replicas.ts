import { ModelstackError } from '../../errors.js';
import type { PortMapping } from '../container-engine/container-engine.js';
import { containerName } from './project-names.js';

/** `--scale SERVICE=N` flags: replicas per service, winning over the file's deploy.replicas. */
export type ScaleOverrides = Readonly<Record<string, number>>;

export function parseScale(flags: readonly string[]): ScaleOverrides {
  const out: Record<string, number> = {};
  for (const flag of flags) {
    const m = /^\s*([a-zA-Z0-9][a-zA-Z0-9_.-]*)\s*=\s*(\d+)\s*$/.exec(flag);
    if (!m)
      throw new ModelstackError('USAGE', `--scale ${JSON.stringify(flag)} is not SERVICE=N`, {
        hint: "e.g. --scale worker=3 (0 removes the service's containers)",
      });
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * The container of replica `replica` (1-based): the first keeps `<project>-<service>`, so a
 * service that grows from one replica keeps its running container; the others are
 * `<project>-<service>-<n>`.
 */
export function replicaContainerName(project: string, service: string, replica: number): string {
  return replica === 1 ? containerName(project, service) : `${containerName(project, service)}-${replica}`;
}

/**
 * The ports replica `replica` publishes. A port without a fixed host port is published by every
 * replica (the engine picks a free host port for each). A fixed host port can be bound once: the
 * first replica publishes it, the others publish the same container port on a free host port of
 * the same address, so every replica stays reachable (and its readiness probed) from the host.
 */
export function replicaPorts(ports: readonly PortMapping[], replica: number): PortMapping[] {
  if (replica === 1) return [...ports];
  return ports.map((p) => {
    if (p.hostPort === undefined) return p;
    const { hostPort: _fixed, ...rest } = p;
    return rest;
  });
}

/** Warnings for fixed host ports that only the first of several replicas can publish. */
export function sharedPortWarnings(service: string, project: string, replicas: number, ports: readonly PortMapping[]): string[] {
  if (replicas < 2) return [];
  return ports
    .filter((p) => p.hostPort !== undefined)
    .map(
      (p) =>
        `service ${service}: ${replicas} replicas cannot share host port ${p.hostIp ?? '0.0.0.0'}:${p.hostPort}: replica 1 (${replicaContainerName(project, service, 1)}) publishes it, the others publish container port ${p.containerPort} on a free host port`,
    );
}
