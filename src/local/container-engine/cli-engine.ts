import { createInterface } from 'node:readline';
import { execaModule } from '../../util/execa-on-demand.js';
import { ModelstackError } from '../../errors.js';
import { type CliExec, type CliResult, errorLines, execCli, failureSummary } from './cli-exec.js';
import { streamExec, type StreamResult } from './stream-exec.js';
import type {
  BuildOptions,
  BuildSpec,
  ContainerInfo,
  ContainerEngine,
  GpuRequest,
  GpuSupport,
  Labels,
  LogsOptions,
  NetworkRemoval,
  PortMapping,
  ProbeResult,
  RunSpec,
  ContainerEngineName,
} from './container-engine.js';
import { type GpuLookup, gpuSupport } from './gpu-support.js';
import { parseInspect } from './parse-inspect.js';
import { parseNames, parsePs } from './parse-ps.js';
import {
  cliFailure,
  daemonHint,
  ImageUnavailableError,
  imageFailureKind,
  INSTALL_HINTS,
  isDaemonUnreachable,
  isNameConflict,
  isNetworkInUse,
  isNoSuchContainer,
  isNoSuchNetwork,
  isNoSuchVolume,
  portConflict,
  portInUseError,
} from './engine-errors.js';

export interface CliEngineOptions {
  /**
   * The environment the CLI runs with (PATH, DOCKER_HOST, CONTAINERS_CONF, CONTAINERD_ADDRESS,
   * NERDCTL_TOML…), passed through unchanged. @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** The executable. @default the engine's name, looked up on env.PATH */
  readonly cli?: string;
  /** How long one probe call may take. @default 15000 */
  readonly probeTimeoutMs?: number;
  /** Replaces the process runner (unit tests). */
  readonly exec?: CliExec;
  /** Where GPU helpers are looked up (unit tests). */
  readonly gpuLookup?: GpuLookup;
}

/** `--format` value every CLI understands for JSON (docker 20.10's CLI prints "json" literally for `--format json`). */
export const JSON_FORMAT = '{{json .}}';

/**
 * The container CLIs share almost all of their command line; this base holds what is common,
 * subclasses override the few places where docker, podman and nerdctl differ (see
 * test/local/RUNTIMES.md): the network alias flag, GPU flags, forced removal, and how the
 * probe reads versions and names the daemon.
 */
export abstract class CliEngine implements ContainerEngine {
  public abstract readonly name: ContainerEngineName;
  public readonly cli: string;
  protected readonly env: NodeJS.ProcessEnv;
  private readonly execFn: CliExec;
  protected readonly probeTimeoutMs: number;
  private readonly gpuLookup?: GpuLookup;

  protected constructor(defaultCli: string, opts: CliEngineOptions = {}) {
    this.cli = opts.cli ?? defaultCli;
    this.env = opts.env ?? process.env;
    this.execFn = opts.exec ?? execCli;
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 15_000;
    this.gpuLookup = opts.gpuLookup;
  }

  // ---------------------------------------------------------------- differences --

  /** The daemon or store this CLI talks to, for messages (e.g. DOCKER_HOST). */
  public abstract endpoint(): string;
  /** Flags that make `alias` resolve to the container on its network. */
  public abstract aliasArgs(alias: string): string[];
  /** Flags that hand the requested GPUs to the container. */
  public abstract gpuArgs(gpus: GpuRequest): string[];
  /** [client, server] versions from `version --format '{{json .}}'`. */
  protected abstract versions(version: Record<string, unknown>): { client?: string; server?: string };
  /**
   * When a failed `run` printed that its image is not on the machine and could not be pulled:
   * the engine's reason (its last error line), else undefined.
   */
  public abstract imagePullFailure(stderr: string): string | undefined;

  /**
   * The flag that keeps `build` from pulling base images it has. docker's and nerdctl's
   * `--pull=false` still pull a base image that is missing (they have no "never" policy; checked
   * on docker 28.2.2 with daemon 20.10.24); podman overrides this with `--pull=never`.
   */
  public buildPullArgs(): string[] {
    return ['--pull=false'];
  }

  /** Why this engine cannot build here at all (checked before running the build), else undefined. */
  protected buildProblem(): ModelstackError | undefined {
    return undefined;
  }

  /** An error for a failed build, when the engine recognises the reason (nerdctl: no BuildKit). */
  protected buildFailureReason(_r: StreamResult): ModelstackError | undefined | Promise<ModelstackError | undefined> {
    return undefined;
  }

  /** `rm` flags that kill at once (docker and nerdctl `rm -f` do; podman needs `-t 0`). */
  public removeArgs(name: string): string[] {
    return ['rm', '-f', name];
  }

  // ---------------------------------------------------------- argument builders --

  public runArgs(spec: RunSpec): string[] {
    const args = ['run', '-d', '--name', spec.name];
    for (const [k, v] of Object.entries(spec.labels ?? {})) args.push('--label', `${k}=${v}`);
    if (spec.network) args.push('--network', spec.network);
    if (spec.alias) args.push(...this.aliasArgs(spec.alias));
    for (const p of spec.ports ?? []) args.push('-p', portArg(p));
    for (const e of spec.env ?? []) args.push('--env', e.value === undefined ? e.name : `${e.name}=${e.value}`);
    for (const v of spec.volumes ?? []) args.push('-v', `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
    if (spec.workingDir) args.push('--workdir', spec.workingDir);
    if (spec.user) args.push('--user', spec.user);
    if (spec.shmSize) args.push('--shm-size', spec.shmSize);
    if (spec.ipc) args.push('--ipc', spec.ipc);
    if (spec.gpus) args.push(...this.gpuArgs(spec.gpus));
    const [entry, ...entryArgs] = spec.entrypoint ?? [];
    if (spec.entrypoint) args.push(`--entrypoint=${entry ?? ''}`);
    args.push(spec.image, ...entryArgs, ...(spec.command ?? []));
    return args;
  }

  public buildArgs(spec: BuildSpec): string[] {
    const args = ['build', '-t', spec.tag];
    if (spec.dockerfile) args.push('-f', spec.dockerfile);
    for (const [k, v] of Object.entries(spec.args ?? {})) args.push('--build-arg', `${k}=${v}`);
    if (spec.target) args.push('--target', spec.target);
    for (const [k, v] of Object.entries(spec.labels ?? {})) args.push('--label', `${k}=${v}`);
    args.push(...this.buildPullArgs(), spec.context);
    return args;
  }

  public listArgs(labels: Labels): string[] {
    const args = ['ps', '-a'];
    for (const [k, v] of Object.entries(labels)) args.push('--filter', `label=${k}=${v}`);
    args.push('--format', JSON_FORMAT);
    return args;
  }

  public logsArgs(name: string, opts: { tail?: number; follow?: boolean }): string[] {
    const args = ['logs'];
    if (opts.tail !== undefined) args.push('--tail', String(opts.tail));
    if (opts.follow) args.push('--follow');
    args.push(name);
    return args;
  }

  public networkCreateArgs(name: string, labels: Labels = {}): string[] {
    const args = ['network', 'create'];
    for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
    args.push(name);
    return args;
  }

  // ------------------------------------------------------------------ commands --

  public async probe(): Promise<ProbeResult> {
    const base = { engine: this.name, cli: this.cli, endpoint: this.endpoint() };
    const noGpu: GpuSupport = { available: false, reason: `${this.name} is not available` };
    const [version, info] = await Promise.all([
      this.exec(['version', '--format', JSON_FORMAT], this.probeTimeoutMs),
      this.exec(['info', '--format', JSON_FORMAT], this.probeTimeoutMs),
    ]);
    if (version.notFound) {
      return { ...base, available: false, reason: `"${this.cli}" was not found on PATH`, hint: INSTALL_HINTS[this.name], gpu: noGpu };
    }
    const versionJson = parseJson(version.stdout);
    const { client, server } = versionJson ? this.versions(versionJson) : {};
    const versions = { ...(client ? { clientVersion: client } : {}), ...(server ? { serverVersion: server } : {}) };
    const failed = [version, info].find((r) => r.exitCode !== 0 || r.timedOut || r.spawnError);
    if (failed) {
      const unreachable = isDaemonUnreachable(failed.stderr) || failed.timedOut;
      const reason = unreachable
        ? `cannot reach ${this.endpoint()}: ${failureSummary(failed)}`
        : `"${this.cli} ${failed === version ? 'version' : 'info'}" failed: ${failureSummary(failed)}`;
      return { ...base, ...versions, available: false, reason, hint: daemonHint(this.name), gpu: noGpu };
    }
    const problem = this.probeProblem(versionJson, parseJson(info.stdout));
    if (problem) return { ...base, ...versions, available: false, reason: problem, hint: INSTALL_HINTS[this.name], gpu: noGpu };
    return { ...base, ...versions, available: true, gpu: gpuSupport(this.name, parseJson(info.stdout), this.env, this.gpuLookup) };
  }

  /** A reason the engine is unusable although both probe commands succeeded. */
  protected probeProblem(version: Record<string, unknown> | undefined, info: Record<string, unknown> | undefined): string | undefined {
    if (!version) return `"${this.cli} version" did not print JSON`;
    if (!info) return `"${this.cli} info" did not print JSON`;
    return undefined;
  }

  public async createNetwork(name: string, labels: Labels = {}): Promise<void> {
    const r = await this.exec(this.networkCreateArgs(name, labels));
    if (r.exitCode === 0 || /already (exists|used)/i.test(r.stderr)) return;
    throw this.failure(['network', 'create', name], r);
  }

  public async removeNetwork(name: string): Promise<NetworkRemoval> {
    const r = await this.exec(['network', 'rm', name]);
    if (r.exitCode === 0) return 'removed';
    if (isNoSuchNetwork(r.stderr)) return 'absent';
    if (isNetworkInUse(r.stderr)) return 'in-use';
    throw this.failure(['network', 'rm', name], r);
  }

  public async networkExists(name: string): Promise<boolean> {
    return (await this.networkLabels(name)) !== undefined;
  }

  public async networkLabels(name: string): Promise<Labels | undefined> {
    const r = await this.exec(['network', 'inspect', name]);
    if (r.exitCode !== 0) {
      if (isNoSuchNetwork(r.stderr)) return undefined;
      throw this.failure(['network', 'inspect', name], r);
    }
    const parsed = JSON.parse(r.stdout.trim() || '[]') as unknown;
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown> | undefined;
    if (!first) return undefined;
    return stringRecord(this.networkLabelsOf(first));
  }

  /** Where `network inspect` keeps the labels (docker and nerdctl: "Labels"). */
  protected networkLabelsOf(inspected: Record<string, unknown>): unknown {
    return inspected.Labels;
  }

  public readonly volumeOptions: boolean = true;

  public volumeCreateArgs(name: string, opts: { readonly labels?: Labels; readonly options?: Readonly<Record<string, string>> } = {}): string[] {
    const args = ['volume', 'create'];
    for (const [k, v] of Object.entries(opts.labels ?? {})) args.push('--label', `${k}=${v}`);
    const options = Object.entries(opts.options ?? {});
    if (options.length > 0) {
      if (!this.volumeOptions)
        throw new ModelstackError(
          'LOCAL',
          `${this.name} cannot create volume ${name} with driver options (${options.map(([k, v]) => `${k}=${v}`).join(', ')})`,
        );
      args.push('--driver', 'local');
      for (const [k, v] of options) args.push('--opt', `${k}=${v}`);
    }
    args.push(name);
    return args;
  }

  public async createVolume(name: string, opts: { readonly labels?: Labels; readonly options?: Readonly<Record<string, string>> } = {}): Promise<void> {
    const args = this.volumeCreateArgs(name, opts);
    const r = await this.exec(args);
    if (r.exitCode !== 0) throw this.failure(args, r);
  }

  public async volumeExists(name: string): Promise<boolean> {
    const r = await this.exec(['volume', 'inspect', name]);
    if (r.exitCode === 0) return true;
    if (isNoSuchVolume(r.stderr)) return false;
    throw this.failure(['volume', 'inspect', name], r);
  }

  public async removeVolume(name: string): Promise<void> {
    const r = await this.exec(['volume', 'rm', name]);
    if (r.exitCode === 0 || (isNoSuchVolume(r.stderr) && !/in use/i.test(r.stderr))) return;
    throw this.failure(['volume', 'rm', name], r);
  }

  /**
   * `volume ls` with the label filters, then `volume inspect` to check every label here: podman
   * 4 joins several label filters of `volume ls` with OR, not AND.
   */
  public async listVolumes(labels: Labels): Promise<string[]> {
    const args = ['volume', 'ls'];
    for (const [k, v] of Object.entries(labels)) args.push('--filter', `label=${k}=${v}`);
    args.push('--format', JSON_FORMAT);
    const r = await this.exec(args);
    if (r.exitCode !== 0) throw this.failure(args, r);
    const names = parseNames(r.stdout);
    if (names.length === 0) return [];
    let inspected = await this.exec(['volume', 'inspect', ...names]);
    if (inspected.exitCode !== 0) {
      // One went away in between: inspect the others one by one.
      const one = await Promise.all(names.map((n) => this.exec(['volume', 'inspect', n])));
      inspected = { ...inspected, exitCode: 0, stdout: JSON.stringify(one.filter((x) => x.exitCode === 0).flatMap((x) => JSON.parse(x.stdout) as unknown[])) };
    }
    const volumes = JSON.parse(inspected.stdout || '[]') as { Name?: string; Labels?: Record<string, string> | null }[];
    return volumes.filter((v) => hasLabels(v.Labels ?? {}, labels)).map((v) => v.Name ?? '');
  }

  public async run(spec: RunSpec, opts: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const args = this.runArgs(spec);
    const r = await this.exec(args, undefined, opts.signal);
    if (r.exitCode === 0 && !r.canceled) return lastLine(r.stdout);
    if (!r.canceled && isNameConflict(r.stderr)) {
      throw new ModelstackError('CONTAINER_RUNTIME', `a container named "${spec.name}" already exists`, {
        hint: `remove it with "${this.cli} ${this.removeArgs(spec.name).join(' ')}" if it is not needed`,
      });
    }
    const clash = r.canceled ? undefined : portConflict(r.stderr);
    // Checked before "daemon unreachable": a refused registry connection is not the daemon's.
    const imageReason = r.canceled || clash ? undefined : this.imagePullFailure(r.stderr);
    // docker creates the container before it fails to publish a port, and a killed CLI may
    // leave one: remove it, but only if it is the one this spec describes (its labels).
    if (!r.notFound && imageReason === undefined && !isDaemonUnreachable(r.stderr)) await this.removeIfOurs(spec);
    if (r.canceled) throw opts.signal?.reason ?? new Error('canceled');
    if (clash) throw portInUseError(clash.hostIp, clash.hostPort, `container "${spec.name}"`);
    if (imageReason !== undefined) throw new ImageUnavailableError(spec.image, imageFailureKind(imageReason), imageReason, this.name, this.cli);
    throw this.failure(args, r);
  }

  private async removeIfOurs(spec: RunSpec): Promise<void> {
    const labels = Object.entries(spec.labels ?? {});
    const left = labels.length > 0 ? await this.inspect(spec.name).catch(() => undefined) : undefined;
    if (!left) return;
    const ours = labels.every(([k, v]) => left.labels[k] === v);
    if (ours) await this.exec(this.removeArgs(spec.name));
  }

  public async build(spec: BuildSpec, opts: BuildOptions = {}): Promise<string> {
    const problem = this.buildProblem();
    if (problem) throw problem;
    const args = this.buildArgs(spec);
    const timeoutMs = opts.timeoutMs ?? 1_800_000;
    const r = await streamExec(this.cli, args, {
      env: this.env,
      timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onLine ? { onLine: opts.onLine } : {}),
    });
    if (r.canceled) throw opts.signal?.reason ?? new Error('canceled');
    if (r.notFound) throw this.failure(args, r);
    if (r.exitCode !== 0 || r.timedOut) {
      const known = await this.buildFailureReason(r);
      if (known) throw known;
      const why = r.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)}s` : (errorLinesOf(r.lastLines).at(-1) ?? `exit code ${r.exitCode}`);
      throw new ModelstackError('LOCAL', `${this.name} could not build ${spec.tag} from ${spec.context}: ${why}`, {
        details: r.lastLines.slice(-20),
        hint: `the lines above are the end of the build's output; run "${this.cli} ${args.join(' ')}" to see all of it`,
      });
    }
    const inspectArgs = ['image', 'inspect', '--format', '{{.Id}}', spec.tag];
    const id = await this.exec(inspectArgs, this.probeTimeoutMs);
    if (id.exitCode !== 0) throw this.failure(inspectArgs, id);
    return lastLine(id.stdout);
  }

  public async start(name: string): Promise<void> {
    const r = await this.exec(['start', name]);
    if (r.exitCode === 0) return;
    const clash = portConflict(r.stderr);
    if (clash) throw portInUseError(clash.hostIp, clash.hostPort, `container "${name}"`);
    throw this.failure(['start', name], r);
  }

  public async list(labels: Labels, serviceLabel?: string): Promise<ContainerInfo[]> {
    const args = this.listArgs(labels);
    const r = await this.exec(args);
    if (r.exitCode !== 0) throw this.failure(args, r);
    const ids = parsePs(r.stdout).map((row) => row.id);
    if (ids.length === 0) return [];
    const all = await this.exec(['container', 'inspect', ...ids]);
    // One of them may have gone away between ps and inspect: then take the others one by one.
    const found =
      all.exitCode === 0
        ? parseInspect(all.stdout, serviceLabel)
        : (await Promise.all(ids.map((id) => this.inspect(id, serviceLabel)))).filter((c): c is ContainerInfo => c !== undefined);
    // The CLIs filter already; checking here too keeps a filter quirk from reaching other projects.
    return found.filter((c) => hasLabels(c.labels, labels));
  }

  public async inspect(name: string, serviceLabel?: string): Promise<ContainerInfo | undefined> {
    const r = await this.exec(['container', 'inspect', name]);
    if (r.exitCode === 0) return parseInspect(r.stdout, serviceLabel)[0];
    if (isNoSuchContainer(r.stderr)) return undefined;
    throw this.failure(['container', 'inspect', name], r);
  }

  public async logs(name: string, opts: LogsOptions): Promise<void> {
    const args = this.logsArgs(name, opts);
    const { execa } = await execaModule();
    const child = execa(this.cli, args, {
      env: this.env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      buffer: false,
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    });
    let errText = '';
    const pump = (stream: NodeJS.ReadableStream | null, kind: 'stdout' | 'stderr'): Promise<void> =>
      new Promise((resolve) => {
        if (!stream) return resolve();
        const rl = createInterface({ input: stream, crlfDelay: Infinity });
        rl.on('line', (text) => {
          if (kind === 'stderr' && errText.length < 4096) errText += `${text}\n`;
          opts.onLine({ stream: kind, text });
        });
        rl.on('close', () => resolve());
      });
    const [result] = await Promise.all([child, pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
    if (result.isCanceled || opts.signal?.aborted) return;
    if (result.failed) {
      const r: CliResult = {
        exitCode: result.exitCode ?? -1,
        stdout: '',
        stderr: errText,
        notFound: (result as { code?: string }).code === 'ENOENT',
        timedOut: false,
      };
      if (isNoSuchContainer(errText)) throw new ModelstackError('LOCAL', `no container "${name}"`, { hint: 'is the stack up? see "modelstack local ps"' });
      throw this.failure(args, r);
    }
  }

  public async stop(name: string, timeoutSeconds = 10): Promise<void> {
    const r = await this.exec(['stop', '-t', String(timeoutSeconds), name]);
    if (r.exitCode === 0 || isNoSuchContainer(r.stderr)) return;
    throw this.failure(['stop', name], r);
  }

  public async remove(name: string): Promise<void> {
    const args = this.removeArgs(name);
    const r = await this.exec(args);
    if (r.exitCode === 0 || isNoSuchContainer(r.stderr)) return;
    throw this.failure(args, r);
  }

  // ------------------------------------------------------------------- helpers --

  protected exec(args: readonly string[], timeoutMs?: number, signal?: AbortSignal): Promise<CliResult> {
    return this.execFn(this.cli, args, { env: this.env, ...(timeoutMs ? { timeoutMs } : {}), ...(signal ? { signal } : {}) });
  }

  /** Runs a helper program of the engine (nerdctl: buildctl) with the engine's environment. */
  protected execHelper(file: string, args: readonly string[], timeoutMs: number): Promise<CliResult> {
    return this.execFn(file, args, { env: this.env, timeoutMs });
  }

  protected failure(args: readonly string[], r: CliResult): ModelstackError {
    return cliFailure(this.name, this.cli, args, r, this.endpoint());
  }
}

/** `[hostIp:][hostPort:]containerPort[/proto]` as `-p` takes it. */
export function portArg(p: PortMapping): string {
  const proto = p.protocol && p.protocol !== 'tcp' ? `/${p.protocol}` : '';
  const host = p.hostPort === undefined ? '' : String(p.hostPort);
  if (p.hostIp) return `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${host}:${p.containerPort}${proto}`;
  return `${host ? `${host}:` : ''}${p.containerPort}${proto}`;
}

/** `--gpus` value shared by docker and nerdctl. Device lists are CSV-quoted ("device=0,1"). */
export function gpusFlagValue(gpus: GpuRequest): string {
  if ('all' in gpus) return 'all';
  if ('count' in gpus) return String(gpus.count);
  return gpus.deviceIds.length === 1 ? `device=${gpus.deviceIds[0]}` : `"device=${gpus.deviceIds.join(',')}"`;
}

/** The string entries of a JSON object (labels); {} for null or anything else. */
function stringRecord(v: unknown): Labels {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function hasLabels(have: Readonly<Record<string, string>>, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** The lines of build output that say what failed (the build prints its errors on either stream). */
function errorLinesOf(lines: readonly string[]): string[] {
  return errorLines(lines.join('\n')).filter((l) => !/^(DEPRECATED|Install the buildx|https:\/\/docs\.docker\.com)/.test(l));
}

function lastLine(s: string): string {
  return s.trim().split('\n').at(-1)?.trim() ?? '';
}

function parseJson(s: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(s.trim()) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
