import { resolve } from 'node:path';
import type { ComposeFile } from '../local/compose/compose-types.js';
import type { ContainerInfo, LogLine } from '../local/container-engine/container-engine.js';
import type { Detection } from '../local/container-engine/detect.js';
import { ENGINE_FLAG } from '../local/container-engine/engine-choice.js';
import type { ProjectSource } from '../local/local-project.js';
import type { DownResult } from '../local/run/down.js';
import type { ImageOverrides } from '../local/run/image-overrides.js';
import type { ScaleOverrides } from '../local/run/replicas.js';
import type { UpResult } from '../local/run/up.js';
import type { CollectResult } from '../metrics/model-metrics.js';
import { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_SCRAPE_TIMEOUT_MS } from '../metrics/scrape-defaults.js';
import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import { loadEngine } from './load-engine.js';

// The container layer is loaded by the method that uses it, on its first call (load-engine.ts):
// a toolkit made for a cluster command never loads it.

/**
 * Where a local project comes from: a compose file (relative to the toolkit's cwd; excludes app,
 * stacks and flavor), else the stack built into one in memory. The toolkit adds cwd, env and io.
 */
export type LocalProjectOptions = Omit<ProjectSource, 'cwd' | 'env' | 'io'>;

/** Which container engine runs the project. */
export interface ContainerEngineOptions {
  /**
   * docker, podman, nerdctl (also called containerd) or auto, or a comma-separated preference
   * (`podman,docker`) tried in order. @default $MODELSTACK_CONTAINER_ENGINE, else auto
   */
  readonly engine?: string;
  /** When the chosen engine is unusable, try the others (docker, podman, nerdctl) in order. @default false */
  readonly fallback?: boolean;
  /** The name the choice was given under, for notices (`--engine`, or the old `--runtime`). @default "--engine" */
  readonly engineFlagName?: string;
}

export interface LocalComposeOptions extends Omit<LocalProjectOptions, 'file'> {
  /** Also write the compose file here (relative to cwd). */
  readonly out?: string;
  /**
   * The engine whose compose reads the file: GPU reservations are written its way (docker and
   * nerdctl: deploy.resources.reservations.devices; podman: CDI names under devices). @default docker
   */
  readonly engine?: string;
}

export interface LocalComposeResult {
  readonly compose: ComposeFile;
  /** The compose file as YAML. */
  readonly text: string;
  /** Where it was written, with `out`. */
  readonly path?: string;
}

export interface LocalUpOptions extends LocalProjectOptions, ContainerEngineOptions {
  /** Only these services (and what they depend on). @default all */
  readonly services?: readonly string[];
  /** Images per service (`*` for all), e.g. on machines without GPUs. */
  readonly images?: ImageOverrides;
  /**
   * Replicas per service, winning over the file's deploy.replicas. On a running project, more
   * adds containers and fewer removes the highest-numbered ones; 0 removes them all.
   */
  readonly scale?: ScaleOverrides;
  /** "off" drops GPU reservations; "auto" drops them with a warning where the engine shows no GPU support. @default "auto" */
  readonly gpu?: 'auto' | 'off';
  /** How long all services together may take to be ready. @default 600000 */
  readonly timeoutMs?: number;
  /** Remove containers of this project whose service is gone. @default false */
  readonly removeOrphans?: boolean;
  /** Keep what a failed or interrupted up created, for "local logs"; `down` removes it. @default false */
  readonly keepOnFailure?: boolean;
  /** Aborting stops waiting and removes what this `up` started. */
  readonly signal?: AbortSignal;
}

export interface LocalDownOptions extends LocalProjectOptions, ContainerEngineOptions {
  /** Remove the project's data volumes too (model caches, the HF cache): a later up downloads again. @default false */
  readonly volumes?: boolean;
}

export interface LocalPsOptions extends LocalProjectOptions, ContainerEngineOptions {
  readonly services?: readonly string[];
}

export interface LocalPsResult {
  readonly project: string;
  readonly containers: readonly ContainerInfo[];
}

export interface LocalLogsOptions extends LocalProjectOptions, ContainerEngineOptions {
  readonly services?: readonly string[];
  readonly tail?: number;
  /** Keep following until the containers stop or `signal` aborts. @default false */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
  /** Called for every log line. */
  readonly onLine: (service: string, line: LogLine) => void;
}

export interface LocalMetricsOptions extends LocalProjectOptions, ContainerEngineOptions {
  /** Only the models of these services' containers. @default all */
  readonly services?: readonly string[];
  /** Time between the two scrapes. @default 5000 */
  readonly intervalMs?: number;
  /** Deadline of each scrape. @default 10000 */
  readonly timeoutMs?: number;
  /** Aborting ends the wait between the scrapes. */
  readonly signal?: AbortSignal;
}

export interface LocalMetricsResult extends CollectResult {
  readonly project: string;
}

/** What LocalToolkit takes from its Toolkit. */
export interface ToolkitContext {
  readonly ioHost: IoHost;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** `Toolkit.local`: the stack on this machine's docker, podman or nerdctl. */
export class LocalToolkit {
  public constructor(private readonly toolkit: ToolkitContext) {}

  /** The stack as a compose file (optionally written to `out`). */
  public async compose(opts: LocalComposeOptions = {}): Promise<LocalComposeResult> {
    const [{ engineByName }, { gpuSyntaxFor }, { composeFromStacks }, { NOTES_EXTENSION }, { renderCompose }, { writeFileAtomic }] = await Promise.all([
      loadEngine(() => import('../local/container-engine/detect.js')),
      loadEngine(() => import('../local/compose/gpu-syntax.js')),
      loadEngine(() => import('../local/local-project.js')),
      loadEngine(() => import('../local/compose/compose-types.js')),
      loadEngine(() => import('../local/compose/render-compose.js')),
      loadEngine(() => import('../util/write-atomic.js')),
    ]);
    const target = opts.engine === undefined ? 'docker' : engineByName(opts.engine);
    const compose = gpuSyntaxFor(target, await composeFromStacks(this.source(opts)));
    for (const note of compose[NOTES_EXTENSION] ?? []) this.toolkit.ioHost.notify(MESSAGES.LOCAL_WARNING.make(note, {}));
    const text = renderCompose(compose);
    if (opts.out === undefined) return { compose, text };
    const path = resolve(this.toolkit.cwd, opts.out);
    await writeFileAtomic(path, text);
    return { compose, text, path };
  }

  /**
   * Starts the services in dependency order and waits until each is ready. A failed or
   * interrupted up removes what it created (unless `keepOnFailure`).
   */
  public async up(opts: LocalUpOptions = {}): Promise<UpResult> {
    const [{ loadProject }, { up }, { defaultStateDir }] = await Promise.all([
      loadEngine(() => import('../local/local-project.js')),
      loadEngine(() => import('../local/run/up.js')),
      loadEngine(() => import('../local/run/run-plan.js')),
    ]);
    const project = await loadProject(this.source(opts));
    const detection = await this.detect(opts);
    return up(project, detection.engine, {
      ...(opts.images ? { images: opts.images } : {}),
      ...(opts.scale ? { scale: opts.scale } : {}),
      gpu: opts.gpu ?? 'auto',
      gpuSupport: detection.probe.gpu,
      services: opts.services ?? [],
      timeoutMs: opts.timeoutMs ?? 600_000,
      removeOrphans: opts.removeOrphans ?? false,
      keepOnFailure: opts.keepOnFailure ?? false,
      stateDir: defaultStateDir(this.toolkit.env),
      ...(opts.signal ? { signal: opts.signal } : {}),
      io: this.toolkit.ioHost,
    });
  }

  /**
   * Removes the project's containers, network and tmpfs volumes (with `volumes`, its data volumes
   * too): only objects labelled as the project's.
   */
  public async down(opts: LocalDownOptions = {}): Promise<DownResult> {
    const [{ down }, { defaultStateDir }] = await Promise.all([
      loadEngine(() => import('../local/run/down.js')),
      loadEngine(() => import('../local/run/run-plan.js')),
    ]);
    const name = await this.projectName(opts);
    const detection = await this.detect(opts);
    return down(detection.engine, { project: name, stateDir: defaultStateDir(this.toolkit.env), ...(opts.volumes ? { volumes: true } : {}) });
  }

  /** The project's containers. */
  public async ps(opts: LocalPsOptions = {}): Promise<LocalPsResult> {
    const { ps } = await loadEngine(() => import('../local/run/ps.js'));
    const project = await this.projectName(opts);
    const detection = await this.detect(opts);
    return { project, containers: await ps(detection.engine, { project, services: opts.services ?? [] }) };
  }

  /** The project's logs, line by line to `onLine`. */
  public async logs(opts: LocalLogsOptions): Promise<void> {
    const { projectLogs } = await loadEngine(() => import('../local/run/logs.js'));
    const project = await this.projectName(opts);
    const detection = await this.detect(opts);
    await projectLogs(detection.engine, {
      project,
      services: opts.services ?? [],
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      follow: opts.follow ?? false,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onLine: opts.onLine,
    });
  }

  /**
   * The same numbers as `Toolkit.metrics`, from the ports `up` published: each model's containers
   * are scraped at /metrics twice, `intervalMs` apart.
   */
  public async metrics(opts: LocalMetricsOptions = {}): Promise<LocalMetricsResult> {
    const { localMetrics } = await loadEngine(() => import('../local/run/metrics.js'));
    const project = await this.projectName(opts);
    const detection = await this.detect(opts);
    return localMetrics(detection.engine, {
      project,
      services: opts.services ?? [],
      intervalMs: opts.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS,
      timeoutMs: opts.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS,
      ...(opts.signal ? { signal: opts.signal } : {}),
      io: this.toolkit.ioHost,
    });
  }

  private source(opts: LocalProjectOptions): ProjectSource {
    return {
      ...(opts.file !== undefined ? { file: opts.file } : {}),
      ...(opts.app !== undefined ? { app: opts.app } : {}),
      ...(opts.appTimeoutMs !== undefined ? { appTimeoutMs: opts.appTimeoutMs } : {}),
      ...(opts.stacks !== undefined ? { stacks: opts.stacks } : {}),
      ...(opts.flavor !== undefined ? { flavor: opts.flavor } : {}),
      ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      ...(opts.project !== undefined ? { project: opts.project } : {}),
      cwd: this.toolkit.cwd,
      env: this.toolkit.env,
      io: this.toolkit.ioHost,
    };
  }

  private async projectName(opts: LocalProjectOptions): Promise<string> {
    const { resolveProjectName } = await loadEngine(() => import('../local/local-project.js'));
    return resolveProjectName(this.source(opts));
  }

  private async detect(opts: ContainerEngineOptions): Promise<Detection> {
    const { detectContainerEngine } = await loadEngine(() => import('../local/container-engine/detect.js'));
    return detectContainerEngine({
      ...(opts.engine !== undefined ? { flag: opts.engine } : {}),
      flagName: opts.engineFlagName ?? ENGINE_FLAG,
      ...(opts.fallback ? { fallback: true } : {}),
      env: this.toolkit.env,
      io: this.toolkit.ioHost,
    });
  }
}
