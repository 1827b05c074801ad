// The construct option matrix several suites build (CRD conformance, golden files): every
// engine × mode × router for Dynamo, and Ray worker-group shapes, each with a "full" variant
// that sets every prop.
import { type DynamoModelProps, type Engine, type RayModelProps, secretKey } from '../../index.js';

export interface DynamoCase {
  readonly engine: Engine;
  readonly mode: 'aggregated' | 'disaggregated';
  readonly router: 'round-robin' | 'kv';
}

const ENGINES: readonly Engine[] = ['vllm', 'sglang', 'trtllm'];
const MODES = ['aggregated', 'disaggregated'] as const;
const ROUTERS = ['round-robin', 'kv'] as const;

/** Every engine × mode × router. */
export const DYNAMO_MATRIX: readonly DynamoCase[] = ENGINES.flatMap((engine) => MODES.flatMap((mode) => ROUTERS.map((router) => ({ engine, mode, router }))));

/** A DynamoModel of one matrix case with replicas, secrets, env, args, pod templates, labels and annotations set. */
export function fullDynamoProps(p: DynamoCase): DynamoModelProps {
  return {
    model: 'Qwen/Qwen3-0.6B',
    ...p,
    servedModelName: 'qwen3',
    tensorParallelSize: 2,
    replicas: p.mode === 'aggregated' ? { frontend: 2, worker: 3 } : { frontend: 1, prefill: 2, decode: 3 },
    hfTokenSecret: secretKey('hf-token', 'token'),
    env: { LOG_LEVEL: 'debug', API_KEY: { secretKeyRef: secretKey('api', 'key') } },
    workerArgs: ['--max-model-len', '4096'],
    frontendArgs: ['--verbose'],
    podTemplate: {
      all: { metadata: { labels: { tier: 'llm' } }, spec: { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }] } },
      frontend: { spec: { nodeSelector: { pool: 'cpu' } } },
    },
    labels: { team: 'ml' },
    annotations: { owner: 'alice' },
  };
}

/** One explicit GPU worker group. */
export const RAY_ONE_GROUP: Partial<RayModelProps> = { workerGroups: [{ name: 'gpu', minReplicas: 1, maxReplicas: 1, gpus: 1 }] };

/** Several worker groups (GPU and CPU), autoscaling, engine kwargs, head sizing, secrets, env, labels, annotations. */
export const RAY_FULL: Partial<RayModelProps> = {
  tensorParallelSize: 2,
  autoscaling: { minReplicas: 1, maxReplicas: 4 },
  engineKwargs: { max_model_len: 8192 },
  workerGroups: [
    { name: 'l4', minReplicas: 1, maxReplicas: 2, gpus: 2, cpu: '16', memory: '64Gi' },
    { name: 'h100', minReplicas: 0, maxReplicas: 3, replicas: 1, gpus: 8, podTemplate: { spec: { nodeSelector: { gpu: 'h100' } } } },
    { name: 'cpu', minReplicas: 1, maxReplicas: 1, gpus: 0, cpu: '500m', memory: '1Gi' },
  ],
  head: { cpu: '4', memory: '16Gi', podTemplate: { metadata: { labels: { role: 'head' } } } },
  hfTokenSecret: secretKey('hf-token', 'token'),
  env: { A: '1' },
  labels: { team: 'ml' },
  annotations: { owner: 'bob' },
};

/**
 * The production shapes of DynamoModel (issue 10), by name: multinode workers, per-role
 * settings with TensorRT-LLM engine configs, pod settings, whole-Secret env.
 */
export const DYNAMO_PRODUCTION: Readonly<Record<string, DynamoModelProps>> = {
  'multinode-vllm': { model: 'Qwen/Qwen3-235B-A22B', tensorParallelSize: 8, pipelineParallelSize: 2, multinode: { nodeCount: 2 } },
  'multinode-sglang-disagg': {
    model: 'deepseek-ai/DeepSeek-R1',
    engine: 'sglang',
    mode: 'disaggregated',
    tensorParallelSize: 16,
    gpusPerWorker: 8,
    multinode: { nodeCount: 2 },
  },
  'multinode-trtllm': { model: 'Qwen/Qwen3-235B-A22B', engine: 'trtllm', tensorParallelSize: 16, multinode: { nodeCount: 4 } },
  'trtllm-disagg-roles': {
    model: 'Qwen/Qwen3-0.6B',
    engine: 'trtllm',
    mode: 'disaggregated',
    router: 'kv',
    roles: {
      prefill: {
        args: ['--max-seq-len', '8192'],
        env: { TLLM_LOG_LEVEL: 'info' },
        trtllmConfig: { maxNumTokens: 8192, kvCache: { freeGpuMemoryFraction: 0.5 } },
      },
      decode: { trtllmConfig: { cacheTransceiver: { backend: 'NIXL' }, extra: { cuda_graph_config: { max_batch_size: 16 } } } },
    },
  },
  'pod-settings': {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    mode: 'disaggregated',
    tensorParallelSize: 2,
    envFromSecret: 'hf-secrets',
    roles: {
      frontend: { args: ['--router-temperature', '0.5'], nodeSelector: { pool: 'cpu' } },
      prefill: { sharedMemorySize: '16Gi', startupTimeoutSeconds: 3600, readinessTimeoutSeconds: 300 },
      decode: {
        nodeSelector: { 'nvidia.com/gpu.product': 'H100' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }],
            },
          },
        },
        volumes: [{ name: 'models', persistentVolumeClaim: { claimName: 'model-cache' } }],
        volumeMounts: [{ name: 'models', mountPath: '/models', readOnly: true }],
      },
    },
  },
  'planner-sla': {
    model: 'Qwen/Qwen3-0.6B',
    mode: 'disaggregated',
    router: 'kv',
    planner: {
      optimizationTarget: 'sla',
      ttftMs: 200,
      itlMs: 20,
      loadScaling: true,
      loadAdjustmentIntervalSeconds: 5,
      throughputAdjustmentIntervalSeconds: 60,
      maxGpuBudget: 8,
      prometheusEndpoint: 'http://prometheus.monitoring.svc:9090',
      extra: { load_predictor: 'kalman' },
    },
  },
  'planner-load-agg': {
    model: 'Qwen/Qwen3-0.6B',
    engine: 'sglang',
    modelRevision: 'c1899de289a04d12100db370d81485cdf75e47ca',
    planner: { optimizationTarget: 'load', decodeKvUtilizationPercent: { scaleUp: 80, scaleDown: 30 }, minEndpoint: 1 },
  },
  epp: {
    model: 'Qwen/Qwen3-0.6B',
    router: 'kv',
    epp: {
      image: 'nvcr.io/nvidia/ai-dynamo/dynamo-epp:1.4.0',
      config: {
        plugins: [
          { name: 'decode-filter', type: 'label-filter', parameters: { label: 'nvidia.com/dynamo-component-type', validValues: ['worker'] } },
          { name: 'picker', type: 'max-score-picker' },
          { type: 'dyn-decode-scorer' },
        ],
        schedulingProfiles: [
          {
            name: 'decode',
            plugins: [{ pluginRef: 'decode-filter' }, { pluginRef: 'dyn-decode-scorer', weight: 1 }, { pluginRef: 'picker' }],
          },
        ],
      },
      env: { DYN_KV_CACHE_BLOCK_SIZE: '128' },
    },
  },
  'epp-configmap': {
    model: 'Qwen/Qwen3-0.6B',
    epp: { image: 'nvcr.io/nvidia/ai-dynamo/dynamo-epp:1.4.0', configMapRef: { name: 'epp-config', key: 'config.yaml' }, replicas: 2 },
  },
};

/**
 * Production Ray Serve LLM shape (issue 11): typed Serve LLM settings, a multi-host GPU group
 * with accelerator type, scheduling and shared memory, head settings, an in-place upgrade strategy.
 */
export const RAY_PRODUCTION: Partial<RayModelProps> = {
  tensorParallelSize: 8,
  pipelineParallelSize: 2,
  engineKwargs: { max_model_len: 32768, gpu_memory_utilization: 0.92 },
  autoscaling: { minReplicas: 1, maxReplicas: 2, targetOngoingRequests: 32 },
  serve: {
    maxOngoingRequests: 64,
    acceleratorType: 'H100',
    envVars: { VLLM_LOGGING_LEVEL: 'INFO' },
    placement: { strategy: 'PACK' },
  },
  workerGroups: [
    {
      name: 'h100',
      minReplicas: 1,
      maxReplicas: 2,
      gpus: 8,
      cpu: '64',
      memory: '512Gi',
      numOfHosts: 2,
      acceleratorType: 'H100',
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      sharedMemory: '64Gi',
    },
  ],
  head: { metricsPort: 8080, rayStartParams: { 'disable-usage-stats': 'true' }, nodeSelector: { pool: 'cpu' } },
  upgradeStrategy: { type: 'None' },
  hfTokenSecret: secretKey('hf-token', 'token'),
};

/**
 * Prefill/decode disaggregation on Ray Serve LLM: H100 prefill and L40S decode worker groups,
 * each phase with its own parallel size, autoscaling and Serve settings over shared ones.
 */
export const RAY_DISAGGREGATED: Partial<RayModelProps> = {
  mode: 'disaggregated',
  engineKwargs: { max_model_len: 16384 },
  serve: { maxOngoingRequests: 64 },
  prefill: {
    tensorParallelSize: 4,
    engineKwargs: { max_num_batched_tokens: 32768 },
    autoscaling: { minReplicas: 1, maxReplicas: 2 },
    serve: { acceleratorType: 'H100', placement: { strategy: 'STRICT_PACK' } },
  },
  decode: {
    tensorParallelSize: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 4, targetOngoingRequests: 32 },
    serve: { acceleratorType: 'L40S' },
  },
  workerGroups: [
    { name: 'prefill-h100', phase: 'prefill', minReplicas: 1, maxReplicas: 2, gpus: 4, acceleratorType: 'H100', sharedMemory: '16Gi' },
    { name: 'decode-l40s', phase: 'decode', minReplicas: 2, maxReplicas: 4, gpus: 2, acceleratorType: 'L40S' },
  ],
  hfTokenSecret: secretKey('hf-token', 'token'),
};

/** An autoscaling model with KubeRay's incremental (Gateway API) upgrade. */
export const RAY_INCREMENTAL_UPGRADE: Partial<RayModelProps> = {
  autoscaling: { minReplicas: 1, maxReplicas: 3 },
  upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade', gatewayClassName: 'istio', stepSizePercent: 10, intervalSeconds: 30, maxSurgePercent: 50 },
};
