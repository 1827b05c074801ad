/**
 * One interface over the container CLIs modelstack drives locally (docker, podman, nerdctl).
 * Every implementation shells out to its CLI with argument arrays (never a shell) and returns
 * typed results; none of them prints.
 */
export const CONTAINER_ENGINE_NAMES = ['docker', 'podman', 'nerdctl'] as const;
export type ContainerEngineName = (typeof CONTAINER_ENGINE_NAMES)[number];

export function isContainerEngineName(v: string): v is ContainerEngineName {
  return (CONTAINER_ENGINE_NAMES as readonly string[]).includes(v);
}

/** Whether the engine can hand NVIDIA GPUs to containers, and how that was decided. */
export interface GpuSupport {
  readonly available: boolean;
  readonly reason: string;
}

/** What `probe()` found by really running the CLI. */
export interface ProbeResult {
  readonly engine: ContainerEngineName;
  /** The executable that was run (a name looked up on PATH, or a path). */
  readonly cli: string;
  readonly available: boolean;
  /** Why the engine cannot be used (when not available). */
  readonly reason?: string;
  /** How to fix that (install or start something). */
  readonly hint?: string;
  readonly clientVersion?: string;
  /** Daemon / engine version (docker engine, containerd; podman's own version). */
  readonly serverVersion?: string;
  /** The daemon address or store the CLI talks to, for messages. */
  readonly endpoint?: string;
  readonly gpu: GpuSupport;
}

export type Labels = Readonly<Record<string, string>>;

/** What `removeNetwork` did. */
export type NetworkRemoval = 'removed' | 'absent' | 'in-use';

/** `-p [hostIp:][hostPort:]containerPort[/protocol]`; no hostPort picks a free one. */
export interface PortMapping {
  readonly hostIp?: string;
  readonly hostPort?: number;
  readonly containerPort: number;
  readonly protocol?: 'tcp' | 'udp';
}

/**
 * An environment variable: with a value it is passed as `--env NAME=VALUE`; without one as
 * `--env NAME`, so the CLI copies it from its own environment and the value never shows up in
 * an argument list (used for secrets such as HF_TOKEN).
 */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

export interface VolumeMount {
  /** A host path (absolute) or a volume name. */
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

/** GPUs to hand to the container: all of them, a count, or device ids. */
export type GpuRequest = { readonly all: true } | { readonly count: number } | { readonly deviceIds: readonly string[] };

export interface RunSpec {
  readonly name: string;
  readonly image: string;
  readonly labels?: Labels;
  readonly network?: string;
  /** The one name peers on the network resolve besides the container name. */
  readonly alias?: string;
  readonly ports?: readonly PortMapping[];
  readonly env?: readonly EnvVar[];
  readonly volumes?: readonly VolumeMount[];
  /** Replaces the image's entrypoint; the first element is the executable. */
  readonly entrypoint?: readonly string[];
  /** Arguments after the image (the image's CMD when unset). */
  readonly command?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  /** e.g. "16g", "8589934592". */
  readonly shmSize?: string;
  /** e.g. "host". */
  readonly ipc?: string;
  readonly gpus?: GpuRequest;
}

/** An image to build from a context (compose `build:`). */
export interface BuildSpec {
  /** The build context: an absolute directory. */
  readonly context: string;
  /** The Dockerfile (absolute). @default <context>/Dockerfile */
  readonly dockerfile?: string;
  /** `--build-arg NAME=VALUE`. */
  readonly args?: Readonly<Record<string, string>>;
  /** The stage to build (`--target`). */
  readonly target?: string;
  /** The name the image is tagged with. */
  readonly tag: string;
  readonly labels?: Labels;
}

export interface BuildOptions {
  /** Aborting kills the build. */
  readonly signal?: AbortSignal;
  /** How long the build may take. @default 1800000 (30 min) */
  readonly timeoutMs?: number;
  /** Every line the build prints (its progress), as it comes. */
  readonly onLine?: (line: LogLine) => void;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'unknown';

export interface PublishedPort {
  readonly containerPort: number;
  readonly protocol: string;
  readonly hostIp: string;
  readonly hostPort: number;
}

export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly exitCode: number;
  /** Labels set by the user (engine-internal ones such as nerdctl/* are left out). */
  readonly labels: Labels;
  /** The value of the service label, when the caller asked `list` with one. */
  readonly service?: string;
  readonly ports: readonly PublishedPort[];
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface LogsOptions {
  /** Only the last N lines. */
  readonly tail?: number;
  /** Keep streaming until the container stops or `signal` aborts. */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
  readonly onLine: (line: LogLine) => void;
}

export interface ContainerEngine {
  readonly name: ContainerEngineName;
  /** Runs the CLI (`version`, `info`) and reports whether it really works. Never throws. */
  probe(): Promise<ProbeResult>;
  createNetwork(name: string, labels?: Labels): Promise<void>;
  /**
   * Removes a network: "removed", "absent" (a missing one is not an error), or "in-use" when
   * containers are still attached (then it is left as it is).
   */
  removeNetwork(name: string): Promise<NetworkRemoval>;
  networkExists(name: string): Promise<boolean>;
  /** The labels of a network (empty when it has none); undefined when there is no such network. */
  networkLabels(name: string): Promise<Labels | undefined>;
  /** Whether createVolume can pass driver options (`type=tmpfs`…); nerdctl cannot. */
  readonly volumeOptions: boolean;
  createVolume(name: string, opts?: { readonly labels?: Labels; readonly options?: Readonly<Record<string, string>> }): Promise<void>;
  volumeExists(name: string): Promise<boolean>;
  /** Removes a volume; a missing one is not an error. */
  removeVolume(name: string): Promise<void>;
  /** Names of the volumes carrying every one of the labels. */
  listVolumes(labels: Labels): Promise<string[]>;
  /**
   * Starts a detached container and returns its id. When `signal` aborts, the CLI is killed
   * (an image pull stops) and a container it left behind is removed; then it rejects with the
   * signal's reason.
   */
  run(spec: RunSpec, opts?: { readonly signal?: AbortSignal }): Promise<string>;
  /**
   * Builds an image from a context without pulling base images it has (podman never pulls;
   * docker and nerdctl pull a missing one) and returns its image id. A failed build rejects with the build's own last lines.
   */
  build(spec: BuildSpec, opts?: BuildOptions): Promise<string>;
  /** Starts an existing, stopped container. */
  start(name: string): Promise<void>;
  /** Containers (running or not) carrying every one of the labels. */
  list(labels: Labels, serviceLabel?: string): Promise<ContainerInfo[]>;
  /** One container by name or id; undefined when there is none. */
  inspect(name: string): Promise<ContainerInfo | undefined>;
  logs(name: string, opts: LogsOptions): Promise<void>;
  stop(name: string, timeoutSeconds?: number): Promise<void>;
  /** Removes a container, killing it first; a missing one is not an error. */
  remove(name: string): Promise<void>;
}
