/**
 * The subset of the compose-spec (https://github.com/compose-spec/compose-spec) modelstack
 * writes, typed. Key order of the interfaces is the order the file is written in.
 */

/** What a service does for its model; "download" fills a model cache once and exits. */
export type ServiceRole = 'frontend' | 'worker' | 'prefill' | 'decode' | 'engine' | 'ray' | 'download';

/**
 * "runtime": the model as deployed (Dynamo frontend + workers, or Ray Serve);
 * "engine": one plain engine server per model (vLLM, SGLang or TRT-LLM), the simplest local run.
 */
export type ComposeFlavor = 'runtime' | 'engine';

/** `gpu`: the engines as deployed. `cpu`: the runtime flavor with CPU stand-ins for the GPU engines (see LocalServices.cpuServices). */
export type ComposeProfile = 'gpu' | 'cpu';
export const COMPOSE_PROFILES: readonly ComposeProfile[] = ['gpu', 'cpu'];

/** An HTTP endpoint that answers 2xx once the service is ready. */
export interface HealthEndpoint {
  /** Port inside the container. */
  readonly port: number;
  /** HTTP path, starting with "/". */
  readonly path: string;
}

/**
 * The `x-modelstack` extension of every service: the readiness contract the local runner
 * relies on. Services that serve HTTP carry `health` and publish `health.port` on the host.
 */
export interface ModelstackServiceInfo {
  /**
   * Name of the model object (DynamoGraphDeployment or RayService) the service belongs to; for
   * a model cache's download service, the first model that uses the cache.
   */
  readonly model: string;
  readonly role: ServiceRole;
  readonly health?: HealthEndpoint;
}

export interface ComposeHealthcheck {
  /** `["CMD", ...]`: run without a shell. */
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period: string;
}

export interface ComposeDeviceRequest {
  readonly driver: 'nvidia';
  /** How many GPUs (exclusive with device_ids). */
  readonly count?: number;
  /** Which GPUs (exclusive with count). */
  readonly device_ids?: readonly string[];
  readonly capabilities: readonly string[];
}

export interface ComposeDeploy {
  /** Containers of the service (`local up` starts this many; --scale wins). @default 1 */
  readonly replicas?: number;
  readonly resources?: { readonly reservations: { readonly devices: readonly ComposeDeviceRequest[] } };
}

export interface ComposeServiceVolume {
  readonly type: 'volume' | 'bind';
  readonly source: string;
  readonly target: string;
  readonly read_only?: boolean;
  readonly bind?: { readonly create_host_path: boolean };
}

export interface ComposeServiceConfig {
  /** Key of the top-level `configs` entry. */
  readonly source: string;
  /** Absolute path inside the container. */
  readonly target: string;
}

export interface ComposeDependency {
  readonly condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
}

export interface ComposeService {
  readonly image: string;
  /** Replaces the image's ENTRYPOINT (and clears its CMD): the Kubernetes container `command`. */
  readonly entrypoint?: readonly string[];
  /** The Kubernetes container `args`. */
  readonly command?: readonly string[];
  readonly user?: string;
  /** `NAME=value` literals, or a bare `NAME` that compose takes from the caller's environment. */
  readonly environment?: readonly string[];
  /** `"127.0.0.1:<hostPort>:<containerPort>"`. */
  readonly ports?: readonly string[];
  readonly volumes?: readonly ComposeServiceVolume[];
  readonly configs?: readonly ComposeServiceConfig[];
  readonly ipc?: 'host';
  readonly deploy?: ComposeDeploy;
  /** Devices by CDI name (`nvidia.com/gpu=all`): how podman is given GPUs (see gpu-syntax.ts). */
  readonly devices?: readonly string[];
  readonly depends_on?: Readonly<Record<string, ComposeDependency>>;
  readonly healthcheck?: ComposeHealthcheck;
  readonly restart: 'no';
  readonly labels: Readonly<Record<string, string>>;
  readonly 'x-modelstack': ModelstackServiceInfo;
}

export interface ComposeVolume {
  readonly driver?: string;
  readonly driver_opts?: Readonly<Record<string, string>>;
}

export interface ComposeConfig {
  /** Inline content (compose-spec `configs.*.content`). */
  readonly content: string;
}

export interface ComposeNetwork {
  readonly driver?: string;
}

export interface ComposeFile {
  /** The compose project name. */
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, ComposeVolume>>;
  readonly configs?: Readonly<Record<string, ComposeConfig>>;
  readonly networks?: Readonly<Record<string, ComposeNetwork>>;
  /** What of the stack the file leaves out or runs differently (an extension field: engines ignore it; `local up` warns). */
  readonly [NOTES_EXTENSION]?: readonly string[];
}

/** Name of the top-level extension field listing what a local run leaves out. */
export const NOTES_EXTENSION = 'x-modelstack-notes';

/** Name of the service extension field. */
export const MODELSTACK_EXTENSION = 'x-modelstack';
