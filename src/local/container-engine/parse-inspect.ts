import type { ContainerInfo, ContainerState, PublishedPort } from './container-engine.js';

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'exited', 'dead'];
/** Labels the engine adds itself (nerdctl's bookkeeping, containerd's image config). */
const INTERNAL_LABEL = /^(nerdctl\/|io\.containerd\.)/;

/**
 * Parses `<cli> container inspect A B…` (a JSON array in all three CLIs) into ContainerInfo.
 * Differences handled: docker's `Name` starts with "/", nerdctl's labels include its own
 * `nerdctl/*` keys, and ports of a stopped docker container are only in HostConfig.
 */
export function parseInspect(stdout: string, serviceLabel?: string): ContainerInfo[] {
  const text = stdout.trim();
  if (!text) return [];
  const items = JSON.parse(text) as unknown;
  if (!Array.isArray(items)) return [];
  return items.map((item) => toInfo(item as Inspect, serviceLabel));
}

interface Inspect {
  Id?: string;
  ID?: string;
  Name?: string;
  Image?: string;
  State?: { Status?: string; ExitCode?: number };
  Config?: { Labels?: Record<string, string> | null; Image?: string };
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

function toInfo(o: Inspect, serviceLabel?: string): ContainerInfo {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.Config?.Labels ?? {})) if (!INTERNAL_LABEL.test(k)) labels[k] = v;
  const status = (o.State?.Status ?? '').toLowerCase();
  const state = (STATES as readonly string[]).includes(status) ? (status as ContainerState) : status === 'stopped' ? 'exited' : 'unknown';
  const service = serviceLabel ? labels[serviceLabel] : undefined;
  return {
    id: o.Id ?? o.ID ?? '',
    name: (o.Name ?? '').replace(/^\//, ''),
    image: o.Config?.Image ?? o.Image ?? '',
    state,
    exitCode: o.State?.ExitCode ?? 0,
    labels,
    ...(service !== undefined ? { service } : {}),
    ports: ports(o.NetworkSettings?.Ports ?? {}),
  };
}

function ports(map: Record<string, { HostIp?: string; HostPort?: string }[] | null>): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(map)) {
    const [port, protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      out.push({ containerPort: Number(port), protocol, hostIp: b.HostIp || '0.0.0.0', hostPort });
    }
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort);
}
