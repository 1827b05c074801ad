import type { RuntimeId } from '../../runtimes/registry.js';
import type { ComposeConfig, ComposeServiceConfig, ComposeServiceVolume, ComposeVolume, HealthEndpoint, ServiceRole } from './compose-types.js';
import type { ProbeKind, StartupClass } from './healthcheck.js';
import type { KubeObject } from '../../model/kube-object.js';
import type { ModelDescriptor } from '../../model/model-descriptor.js';

/** A model object of a stack that a local run can serve. */
export interface ModelObject {
  readonly runtime: RuntimeId;
  /** metadata.name of the object: the model's name in service names and labels. */
  readonly name: string;
  readonly object: KubeObject;
  /** What the object's model construct said about it; absent for a raw manifest. */
  readonly descriptor?: ModelDescriptor;
  /** The data of the ConfigMaps its stack renders in its namespace, by name (what its pods may mount). */
  readonly configMaps?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export interface DraftHealth extends HealthEndpoint {
  readonly probe: ProbeKind;
  readonly startup: StartupClass;
}

/** One service before the project-wide parts (host ports, GPU ids, HF cache, labels) are added. */
export interface ServiceDraft {
  readonly name: string;
  readonly model: string;
  readonly runtime: RuntimeId;
  readonly role: ServiceRole;
  readonly image: string;
  readonly entrypoint: readonly string[];
  readonly command: readonly string[];
  readonly environment: readonly string[];
  /** GPUs to reserve; 0 reserves none. */
  readonly gpus: number;
  /**
   * Containers of the service (compose deploy.replicas): a worker component's Kubernetes
   * replicas. Each replica reserves `gpus` GPUs of its own. @default 1
   */
  readonly replicas?: number;
  /** Runs an inference engine (host IPC: shared memory and CUDA IPC between containers). */
  readonly engine: boolean;
  readonly health?: DraftHealth;
  /**
   * Runs to completion (a model cache's download): services that depend on it wait until it
   * exited with 0, and it mounts no HF cache of its own.
   */
  readonly oneShot?: boolean;
  /**
   * Services that must be healthy (or started, when they have no health; or completed, when they
   * are one-shot) before this one starts.
   */
  readonly dependsOn?: readonly string[];
  readonly volumes?: readonly ComposeServiceVolume[];
  readonly configs?: readonly ComposeServiceConfig[];
}

/** What one model contributes to the compose file. */
export interface ModelDraft {
  readonly services: readonly ServiceDraft[];
  /** What of the model a local run leaves out or runs differently, said as warnings (never silently). */
  readonly notes?: readonly string[];
  readonly volumes?: Readonly<Record<string, ComposeVolume>>;
  readonly configs?: Readonly<Record<string, ComposeConfig>>;
}
