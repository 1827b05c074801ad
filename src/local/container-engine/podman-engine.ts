import { CliEngine, type CliEngineOptions } from './cli-engine.js';
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

  /** Plain `rm -f` first waits the stop timeout (10 s); `-t 0` kills at once like the others. */
  public override removeArgs(name: string): string[] {
    return ['rm', '-f', '-t', '0', name];
  }

  protected versions(v: Record<string, unknown>): { client?: string; server?: string } {
    const client = (v.Client as { Version?: string } | undefined)?.Version;
    const server = (v.Server as { Version?: string } | undefined)?.Version ?? client;
    return { ...(client ? { client } : {}), ...(server ? { server } : {}) };
  }
}
