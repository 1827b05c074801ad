import { CliEngine, type CliEngineOptions } from './cli-engine.js';
import { errorLines } from './cli-exec.js';
import type { GpuRequest } from './container-engine.js';

/** podman: no daemon; CONTAINERS_CONF (and CONTAINER_HOST for a remote one) select what it uses. */
export class PodmanEngine extends CliEngine {
  public readonly name = 'podman' as const;

  public constructor(opts: CliEngineOptions = {}) {
    super('podman', opts);
  }

  public endpoint(): string {
    if (this.env.CONTAINER_HOST) return `${this.env.CONTAINER_HOST} (CONTAINER_HOST)`;
    return this.env.CONTAINERS_CONF ? `local storage (CONTAINERS_CONF=${this.env.CONTAINERS_CONF})` : 'local storage';
  }

  public aliasArgs(alias: string): string[] {
    return ['--network-alias', alias];
  }

  /** podman 4 has no --gpus: GPUs come through CDI device names. */
  public gpuArgs(gpus: GpuRequest): string[] {
    if ('all' in gpus) return ['--device', 'nvidia.com/gpu=all'];
    const ids = 'count' in gpus ? Array.from({ length: gpus.count }, (_, i) => String(i)) : gpus.deviceIds;
    return ids.flatMap((id) => ['--device', `nvidia.com/gpu=${id}`]);
  }

  /** podman 4 reads `--pull=false` as "pull if missing"; `never` does not pull at all. */
  public override buildPullArgs(): string[] {
    return ['--pull=never'];
  }

  /** Plain `rm -f` first waits the stop timeout (10 s); `-t 0` kills at once like the others. */
  public override removeArgs(name: string): string[] {
    return ['rm', '-f', '-t', '0', name];
  }

  /**
   * podman prints "Trying to pull X..." (retry warnings are dropped), then "Error: initializing
   * source docker://X: …" (or "reading manifest …: manifest unknown"); an unqualified name no
   * registry is searched for is "short-name … did not resolve"; a pull that worked goes on
   * with "Writing manifest".
   */
  public imagePullFailure(stderr: string): string | undefined {
    const shortName = /short-name .* did not resolve/i.test(stderr);
    const pulling = /^Trying to pull /m.test(stderr) && !/^Writing manifest/m.test(stderr);
    if (!shortName && !pulling && !/image not known/i.test(stderr)) return undefined;
    return errorLines(stderr)
      .filter((l) => !/^Trying to pull /.test(l))
      .at(-1);
  }

  /** podman 4 (netavark) prints its own network JSON, with lowercase keys. */
  protected override networkLabelsOf(inspected: Record<string, unknown>): unknown {
    return inspected.labels;
  }

  protected versions(v: Record<string, unknown>): { client?: string; server?: string } {
    const client = (v.Client as { Version?: string } | undefined)?.Version;
    const server = (v.Server as { Version?: string } | undefined)?.Version ?? client;
    return { ...(client ? { client } : {}), ...(server ? { server } : {}) };
  }
}
