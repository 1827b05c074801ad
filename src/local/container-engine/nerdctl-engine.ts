import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { ModelstackError } from '../../errors.js';
import { onPath } from './on-path.js';
import type { StreamResult } from './stream-exec.js';
import { CliEngine, type CliEngineOptions, gpusFlagValue } from './cli-engine.js';
import { errorLines } from './cli-exec.js';
import type { GpuRequest, RunSpec } from './container-engine.js';

/** nerdctl on containerd: CONTAINERD_ADDRESS, or `address` in NERDCTL_TOML, names the socket. */
export class NerdctlEngine extends CliEngine {
  public readonly name = 'nerdctl' as const;
  /** `nerdctl volume create` takes labels only. */
  public override readonly volumeOptions = false;

  /** The `run` that picks free host ports last; the next such `run` waits for it. */
  private portPicking: Promise<unknown> = Promise.resolve();

  public constructor(opts: CliEngineOptions = {}) {
    super('nerdctl', opts);
  }

  /**
   * nerdctl picks a free host port itself: the first one from 49153 that /proc/net/tcp{,6}
   * does not list (pkg/portutil/port_allocate_linux.go, nerdctl v2.2.2), and it shows up there
   * only once the container runs. Two concurrent runs (replicas) then both get the same port, so
   * runs that leave a host port to nerdctl go one at a time.
   */
  public override run(spec: RunSpec, opts: { readonly signal?: AbortSignal } = {}): Promise<string> {
    if (!(spec.ports ?? []).some((p) => p.hostPort === undefined)) return super.run(spec, opts);
    const mine = this.portPicking.then(() => super.run(spec, opts));
    this.portPicking = mine.catch(() => undefined);
    return mine;
  }

  public endpoint(): string {
    if (this.env.CONTAINERD_ADDRESS) return `containerd at ${this.env.CONTAINERD_ADDRESS} (CONTAINERD_ADDRESS)`;
    const fromToml = this.env.NERDCTL_TOML ? tomlAddress(this.env.NERDCTL_TOML) : undefined;
    if (fromToml) return `containerd at ${fromToml} (NERDCTL_TOML)`;
    return 'containerd at /run/containerd/containerd.sock';
  }

  /** nerdctl has no --network-alias; peers resolve the hostname (written to their /etc/hosts). */
  public aliasArgs(alias: string): string[] {
    return ['--hostname', alias];
  }

  /**
   * nerdctl builds through BuildKit: it runs `buildctl` against a running `buildkitd` (nerdctl
   * build docs, v2.2.2). Without buildctl on PATH every build fails; say so before running it.
   */
  protected override buildProblem(): ModelstackError | undefined {
    if (onPath('buildctl', (this.env.PATH ?? '').split(delimiter).filter(Boolean))) return undefined;
    return noBuildKit('buildctl is not on PATH');
  }

  /**
   * buildctl is there but no buildkitd answers: nerdctl's "no buildkit host is available" when it
   * looked for one; when BUILDKIT_HOST names one, nerdctl v2.2.2 exits 1 printing nothing, so
   * `buildctl debug workers` (nerdctl's own check) is asked why.
   */
  protected override async buildFailureReason(r: StreamResult): Promise<ModelstackError | undefined> {
    const text = r.lastLines.join('\n');
    if (/no buildkit host is available|needs to be installed and `?buildkitd`? needs to be running/i.test(text))
      return noBuildKit(`no buildkitd answers (${errorLines(text).at(-1) ?? 'no buildkit host is available'})`);
    const host = this.env.BUILDKIT_HOST;
    if (!host || r.timedOut || text.trim() !== '') return undefined;
    const ping = await this.execHelper('buildctl', ['--addr', host, 'debug', 'workers'], this.probeTimeoutMs);
    if (ping.exitCode === 0 && !ping.timedOut) return undefined;
    const why = ping.timedOut ? 'no answer in time' : (errorLines(ping.stderr).at(-1) ?? `buildctl exit code ${ping.exitCode}`);
    return noBuildKit(`no buildkitd answers at ${host} (BUILDKIT_HOST): ${why}`);
  }

  public gpuArgs(gpus: GpuRequest): string[] {
    return ['--gpus', gpusFlagValue(gpus)];
  }

  /**
   * nerdctl pulls in the CLI and ends with a logrus fatal line: "failed to resolve reference
   * \"X\": X: not found", or the registry's connection error under the same words.
   */
  public imagePullFailure(stderr: string): string | undefined {
    if (!/failed to resolve reference|pull access denied|failed to (pull|fetch|copy)/i.test(stderr)) return undefined;
    return errorLines(stderr).at(-1);
  }

  protected versions(v: Record<string, unknown>): { client?: string; server?: string } {
    const client = (v.Client as { Version?: string } | undefined)?.Version;
    const components = (v.Server as { Components?: { Name?: string; Version?: string }[] } | null | undefined)?.Components ?? [];
    const server = components.find((c) => c.Name === 'containerd')?.Version;
    return { ...(client ? { client } : {}), ...(server ? { server: `containerd ${server}` } : {}) };
  }
}

function noBuildKit(what: string): ModelstackError {
  return new ModelstackError('CONTAINER_RUNTIME', `nerdctl cannot build images here: it builds through BuildKit, and ${what}`, {
    hint: 'install BuildKit (buildctl on PATH and a running buildkitd, from github.com/moby/buildkit; nerdctl uses the buildkitd at BUILDKIT_HOST, else at /run/buildkit-<namespace>/buildkitd.sock) or build with docker or podman (--engine); --image SERVICE=IMAGE runs an image built elsewhere',
  });
}

function tomlAddress(path: string): string | undefined {
  try {
    return /^\s*address\s*=\s*"([^"]+)"/m.exec(readFileSync(path, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
