import { ModelstackError } from '../../errors.js';
import type { CliResult } from './cli-exec.js';
import { errorLines, failureSummary } from './cli-exec.js';
import type { ContainerEngineName } from './container-engine.js';

/** How to install each engine on Debian/Ubuntu (the packages this project is tested with). */
export const INSTALL_HINTS: Readonly<Record<ContainerEngineName, string>> = {
  docker: 'install Docker: "sudo apt-get install docker.io" on Debian/Ubuntu (or Docker CE from docs.docker.com), then start dockerd',
  podman: 'install Podman: "sudo apt-get install podman" on Debian/Ubuntu (with netavark and aardvark-dns for name resolution between containers)',
  nerdctl:
    'install containerd ("sudo apt-get install containerd" on Debian/Ubuntu) and nerdctl (not packaged in Debian 12: take the release binary from github.com/containerd/nerdctl/releases, or run .ci/setup-containers.sh of this repo)',
};

/** A publish conflict in a CLI's error text: `{ hostIp, hostPort }`, else undefined. */
export function portConflict(stderr: string): { hostIp: string; hostPort: number } | undefined {
  if (!/already allocated|address already in use/i.test(stderr)) return undefined;
  const m = /(?:bind for|listen tcp[46]?)\s+\[?([0-9a-fA-F.:]*?)\]?:(\d+)/i.exec(stderr);
  if (!m) return undefined;
  return { hostIp: m[1] || '0.0.0.0', hostPort: Number(m[2]) };
}

export function portInUseError(hostIp: string, hostPort: number, who: string): ModelstackError {
  return new ModelstackError('LOCAL', `port ${hostIp}:${hostPort} is in use: cannot start ${who}`, {
    hint: `stop whatever listens on it (see "ss -ltnp 'sport = :${hostPort}'") or publish the service on another port`,
  });
}

export function isNameConflict(stderr: string): boolean {
  return /name .* is already in use|is already used by ID|name is already in use/i.test(stderr);
}

export function isNoSuchContainer(stderr: string): boolean {
  return /no such (container|object)|no container with name or id/i.test(stderr);
}

export function isNoSuchVolume(stderr: string): boolean {
  return /no such volume|volume .*not found|does not exist|could not be (inspected|removed)/i.test(stderr);
}

export function isNoSuchNetwork(stderr: string): boolean {
  return /network .*not found|unable to find network|no network found|no such network/i.test(stderr);
}

/** A CLI that cannot reach its daemon, by the messages docker, podman and nerdctl print. */
export function isDaemonUnreachable(stderr: string): boolean {
  return /cannot connect to the (docker|podman)|is the docker daemon running|error during connect|cannot access containerd socket|failed to dial|connection refused|connect: no such file or directory|context deadline exceeded/i.test(
    stderr,
  );
}

/** The ModelstackError for a failed CLI call that has no more specific meaning. */
export function cliFailure(engine: ContainerEngineName, cli: string, args: readonly string[], r: CliResult, endpoint?: string): ModelstackError {
  if (r.notFound) {
    return new ModelstackError('CONTAINER_RUNTIME', `${engine} is not installed: "${cli}" was not found on PATH`, { hint: INSTALL_HINTS[engine] });
  }
  if (isDaemonUnreachable(r.stderr)) {
    return new ModelstackError('CONTAINER_RUNTIME', `${engine} cannot reach its daemon${endpoint ? ` at ${endpoint}` : ''}: ${failureSummary(r)}`, {
      hint: daemonHint(engine),
    });
  }
  const verb = args
    .filter((a) => !a.startsWith('-'))
    .slice(0, 2)
    .join(' ');
  return new ModelstackError('CONTAINER_RUNTIME', `${cli} ${verb} failed: ${failureSummary(r)}`, {
    details: errorLines(r.stderr).slice(1, 6),
  });
}

export function daemonHint(engine: ContainerEngineName): string {
  switch (engine) {
    case 'docker':
      return 'start the Docker daemon (e.g. "sudo systemctl start docker") or point DOCKER_HOST at a running one';
    case 'nerdctl':
      return 'start containerd (e.g. "sudo systemctl start containerd") or point CONTAINERD_ADDRESS (or "address" in NERDCTL_TOML) at its socket';
    case 'podman':
      return 'run "podman info" to see what podman is missing (CONTAINERS_CONF selects its configuration)';
  }
}
