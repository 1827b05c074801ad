import type { RuntimeId } from '../../model/ids.js';
import type { ModelDescriptor } from '../../model/model-descriptor.js';
import type { KubeContainer } from './pod-reading.js';
import type { ModelDraft, ModelObject } from './service-draft.js';

/**
 * How one runtime's models run on this machine. Each runtime has one, in
 * src/runtimes/<id>/local-services.ts; the compose builder finds it with localServicesFor.
 */
export interface LocalServices {
  readonly runtime: RuntimeId;
  /**
   * The model as deployed (flavor "runtime"): the services the runtime would run on the
   * cluster, with the manifest's own images and commands.
   */
  runtimeServices(model: ModelObject): ModelDraft;
  /**
   * Where the engine flavor's one engine server comes from, besides its launch (which the
   * model's descriptor gives): the container whose environment it inherits and the GPUs it
   * reserves.
   */
  engineHost(model: ModelObject, descriptor: ModelDescriptor): EngineHost;
  /**
   * The `cpu` profile: the model's runtime services with the GPU engines replaced by CPU
   * stand-ins the runtime provides, keeping the service names, graph and readiness.
   */
  cpuServices(model: ModelObject, draft: ModelDraft): ModelDraft;
}

export interface EngineHost {
  /** The container whose environment the engine server inherits. */
  readonly container: KubeContainer;
  /** GPUs the engine server reserves. */
  readonly gpus: number;
  /** Replicas of the worker it stands for, on the cluster (the engine flavor runs one server). @default 1 */
  readonly replicas?: number;
}
