import { CliEngine, type CliEngineOptions, gpusFlagValue } from './cli-engine.js';
import { errorLines } from './cli-exec.js';
import type { GpuRequest } from './container-engine.js';

/** docker, talking to the daemon DOCKER_HOST names (default /var/run/docker.sock). */
export class DockerEngine extends CliEngine {
  public readonly name = 'docker' as const;

  public constructor(opts: CliEngineOptions = {}) {
    super('docker', opts);
  }

  public endpoint(): string {
    return this.env.DOCKER_HOST ? `${this.env.DOCKER_HOST} (DOCKER_HOST)` : 'unix:///var/run/docker.sock';
  }

  public aliasArgs(alias: string): string[] {
    return ['--network-alias', alias];
  }

  public gpuArgs(gpus: GpuRequest): string[] {
    return ['--gpus', gpusFlagValue(gpus)];
  }

  /**
   * docker prints "Unable to find image 'X' locally", then the daemon's pull error
   * ("docker: Error response from daemon: manifest for X not found: manifest unknown", or the
   * registry's connection error); "Status: Downloaded" means the pull worked and something else failed.
   */
  public imagePullFailure(stderr: string): string | undefined {
    const missing = /Unable to find image '[^']*' locally/.test(stderr) && !/^Status: Downloaded/m.test(stderr);
    if (!missing && !/pull access denied|manifest unknown/i.test(stderr)) return undefined;
    return errorLines(stderr)
      .filter((l) => !/^Unable to find image/.test(l))
      .map((l) => l.replace(/^docker: /, '').replace(/^Error response from daemon: /, ''))
      .at(-1);
  }

  protected versions(v: Record<string, unknown>): { client?: string; server?: string } {
    const client = (v.Client as { Version?: string } | null | undefined)?.Version;
    const server = (v.Server as { Version?: string } | null | undefined)?.Version;
    return { ...(client ? { client } : {}), ...(server ? { server } : {}) };
  }

  protected override probeProblem(version: Record<string, unknown> | undefined, info: Record<string, unknown> | undefined): string | undefined {
    // podman-docker's `docker` is podman underneath: it reports no server. Let podman be tried as itself.
    if (version && !version.Server) return '"docker" answered without a Docker engine (podman\'s docker shim?)';
    return super.probeProblem(version, info);
  }
}
