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

/** `network rm` of a network that containers are still attached to (docker, podman, nerdctl). */
export function isNetworkInUse(stderr: string): boolean {
  return /has active endpoints|is in use by container|network is being used|has associated containers/i.test(stderr);
}

export function isNoSuchNetwork(stderr: string): boolean {
  return /network .*not found|unable to find network|no network found|no such network/i.test(stderr);
}

/**
 * A CLI that cannot reach its daemon, by the messages docker, podman and nerdctl print. Only
 * failures to reach the daemon's own socket count: a registry that refuses a pull is an image
 * problem (see imageFailureKind), not an unreachable daemon.
 */
export function isDaemonUnreachable(stderr: string): boolean {
  return /cannot connect to the (docker|podman)|is the docker daemon running|error during connect|cannot access containerd socket|failed to dial "|dial unix \S+: connect: (connection refused|no such file or directory)/i.test(
    stderr,
  );
}

/** Why an image could not be had: no registry has it, or no registry could be asked. */
export type ImageFailureKind = 'not-found' | 'pull-failed';

/**
 * Classifies the engine's reason for an image it could not pull. A network failure (refused,
 * unresolvable, timed out, TLS) means the registry was never asked, so it wins over "not found".
 */
export function imageFailureKind(reason: string): ImageFailureKind {
  if (
    /dial tcp|connection refused|connection reset|no such host|i\/o timeout|network is unreachable|tls handshake|server misbehaving|name resolution|context deadline exceeded|gave http response to https client|does not seem to support https|x509|certificate/i.test(
      reason,
    )
  )
    return 'pull-failed';
  if (
    /not found|manifest unknown|pull access denied|repository does not exist|image not known|name unknown|short-name|access to the resource is denied|unauthorized/i.test(
      reason,
    )
  )
    return 'not-found';
  return 'pull-failed';
}

/** `run` failed because the image is not on the machine and could not be pulled. */
export class ImageUnavailableError extends ModelstackError {
  public constructor(
    public readonly image: string,
    public readonly kind: ImageFailureKind,
    /** The engine's own words (its last error line). */
    public readonly reason: string,
    engine: ContainerEngineName,
    cli: string,
  ) {
    super(
      'CONTAINER_RUNTIME',
      kind === 'not-found' ? `image "${image}" was not found: ${reason}` : `image "${image}" is not on this machine and could not be pulled: ${reason}`,
      {
        hint:
          kind === 'not-found'
            ? `build it or load it into ${engine} (e.g. "${cli} build -t ${image} DIR" or "${cli} load -i FILE"), or check its name and tag ("${cli} login" first for a private registry)`
            : `its registry could not be reached (network, proxy or TLS settings): build it or load it into ${engine} ("${cli} load -i FILE"), or pull it once the registry is reachable`,
      },
    );
  }
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
