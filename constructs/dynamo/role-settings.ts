import { z } from 'zod';
import type {
  DynamoGraphDeploymentSpecComponentsPodTemplateSpecAffinity as Affinity,
  DynamoGraphDeploymentSpecComponentsPodTemplateSpecContainersVolumeMounts as VolumeMount,
  DynamoGraphDeploymentSpecComponentsPodTemplateSpecTolerations as Toleration,
  DynamoGraphDeploymentSpecComponentsPodTemplateSpecVolumes as Volume,
} from '../../imports/nvidia.com.js';
import * as s from '../common/schemas.js';
import type { EnvValue } from '../common/secrets.js';

/** Pod settings of one Dynamo component (role), typed so no pod template patch is needed. */
export interface DynamoPodSettings {
  /**
   * Environment of this role, merged over the model's `env` (this role's value wins for a name
   * set in both).
   * @default none
   */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** Node labels the role's pods must run on (`nodeSelector`). @default none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the role's pods tolerate (e.g. `nvidia.com/gpu`). @default none */
  readonly tolerations?: readonly Toleration[];
  /** Node / pod affinity of the role's pods. @default none */
  readonly affinity?: Affinity;
  /** Extra pod volumes (a model cache PVC, a config). Their names must be unique. @default none */
  readonly volumes?: readonly Volume[];
  /** Mounts of volumes into the role's `main` container. @default none */
  readonly volumeMounts?: readonly VolumeMount[];
  /**
   * Size of the tmpfs at /dev/shm (the component's `sharedMemorySize`): NCCL exchanges data
   * through it when a worker has more than one rank. "0" removes it, which a worker with
   * tensorParallelSize × pipelineParallelSize above 1 may not do.
   * @default the Dynamo operator's default, 8Gi (DGD CRD 1.4.0, `sharedMemorySize`)
   */
  readonly sharedMemorySize?: string;
}

/** Settings of the frontend. */
export interface DynamoFrontendSettings extends DynamoPodSettings {
  /** Arguments appended after `frontendArgs`. @default none */
  readonly args?: readonly string[];
}

/**
 * TensorRT-LLM LLM API options of one worker role, written as a YAML file (a ConfigMap mounted
 * into the role) and passed with `--extra-engine-args`. Keys are those of TensorRT-LLM's
 * `LlmArgs` (tensorrt_llm/llmapi/llm_args.py), in camelCase here and snake_case in the file.
 */
export interface TrtllmEngineConfig {
  /**
   * `disable_overlap_scheduler`. TensorRT-LLM's prefill-only workers do not support the overlap
   * scheduler, so a prefill role may not set it to false.
   * @default true on prefill, false on decode (disaggregated mode); unset on aggregated workers
   */
  readonly disableOverlapScheduler?: boolean;
  /**
   * `cache_transceiver_config`: how prefill hands its KV cache to decode.
   * @default { backend: "DEFAULT" } on prefill and decode; unset on aggregated workers
   */
  readonly cacheTransceiver?: {
    /** @default "DEFAULT" */
    readonly backend?: 'DEFAULT' | 'UCX' | 'NIXL' | 'MPI';
    /** `max_tokens_in_buffer`. @default TensorRT-LLM's */
    readonly maxTokensInBuffer?: number;
  };
  /** `max_num_tokens`. @default TensorRT-LLM's */
  readonly maxNumTokens?: number;
  /** `max_batch_size`. @default TensorRT-LLM's */
  readonly maxBatchSize?: number;
  /** `enable_chunked_prefill`. @default TensorRT-LLM's */
  readonly enableChunkedPrefill?: boolean;
  /** `enable_attention_dp`. @default TensorRT-LLM's */
  readonly enableAttentionDp?: boolean;
  /** `kv_cache_config`. @default TensorRT-LLM's */
  readonly kvCache?: {
    /** `free_gpu_memory_fraction`, in (0, 1]. */
    readonly freeGpuMemoryFraction?: number;
    /** `enable_block_reuse`. */
    readonly enableBlockReuse?: boolean;
  };
  /**
   * Other LLM API options, written as given (snake_case keys, as TensorRT-LLM names them). They
   * may not repeat a typed option above, nor tensor_parallel_size / pipeline_parallel_size
   * (set by the props of the same names).
   * @default none
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Settings of a worker role (worker, prefill or decode). */
export interface DynamoWorkerSettings extends DynamoPodSettings {
  /** Arguments appended after `workerArgs`, for this role only. @default none */
  readonly args?: readonly string[];
  /**
   * TensorRT-LLM engine options of this role (engine "trtllm" only).
   * @default in disaggregated mode, the options a prefill / decode pair needs (see TrtllmEngineConfig); none otherwise
   */
  readonly trtllmConfig?: TrtllmEngineConfig;
  /**
   * How long the worker may take to start (load and warm the model) before Kubernetes restarts
   * it: the startup probe's budget (GET /live on the `system` port every 10s).
   * @default the Dynamo operator's, 7200 (720 × 10s)
   */
  readonly startupTimeoutSeconds?: number;
  /**
   * How long a started worker may report not ready before it is taken out of service (GET
   * /health on the `system` port every 10s).
   * @default the Dynamo operator's, 600 (60 × 10s)
   */
  readonly readinessTimeoutSeconds?: number;
}

/** Per-role settings of a DynamoModel. */
export interface DynamoRoles {
  readonly frontend?: DynamoFrontendSettings;
  /** Aggregated workers (mode "aggregated"). */
  readonly worker?: DynamoWorkerSettings;
  /** Prefill workers (mode "disaggregated"). */
  readonly prefill?: DynamoWorkerSettings;
  /** Decode workers (mode "disaggregated"). */
  readonly decode?: DynamoWorkerSettings;
}

const quantity = z
  .string()
  .regex(/^([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[kMGTPE])?$/, { message: 'is not a Kubernetes quantity. Fix: use a size like "16Gi", or "0"' });
const named = z.looseObject({ name: z.string().min(1) });

const podSettings = {
  env: s.envMap.optional(),
  nodeSelector: s.stringMap.optional(),
  tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
  affinity: z.record(z.string(), z.unknown()).optional(),
  volumes: z.array(named).optional(),
  volumeMounts: z.array(z.looseObject({ name: z.string().min(1), mountPath: z.string().min(1) })).optional(),
  sharedMemorySize: quantity.optional(),
};

export const trtllmConfigSchema = z.strictObject({
  disableOverlapScheduler: z.boolean().optional(),
  cacheTransceiver: z.strictObject({ backend: z.enum(['DEFAULT', 'UCX', 'NIXL', 'MPI']).optional(), maxTokensInBuffer: s.positiveInt.optional() }).optional(),
  maxNumTokens: s.positiveInt.optional(),
  maxBatchSize: s.positiveInt.optional(),
  enableChunkedPrefill: z.boolean().optional(),
  enableAttentionDp: z.boolean().optional(),
  kvCache: z.strictObject({ freeGpuMemoryFraction: z.number().gt(0).max(1).optional(), enableBlockReuse: z.boolean().optional() }).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});

const workerSettings = z.strictObject({
  ...podSettings,
  args: s.args.optional(),
  trtllmConfig: trtllmConfigSchema.optional(),
  startupTimeoutSeconds: s.positiveInt.optional(),
  readinessTimeoutSeconds: s.positiveInt.optional(),
});

export const rolesSchema = z.strictObject({
  frontend: z.strictObject({ ...podSettings, args: s.args.optional() }).optional(),
  worker: workerSettings.optional(),
  prefill: workerSettings.optional(),
  decode: workerSettings.optional(),
});
