import { stringify } from 'yaml';
import type { WorkerRole } from '../../src/engines/engine.js';
import { ENGINE_CONFIG_VOLUME } from '../../src/runtimes/dynamo/info.js';
import type { PropIssue } from '../common/issues.js';
import type { TrtllmEngineConfig } from './role-settings.js';

/** Where a role's engine config file is mounted in its `main` container, and the volume's name. */
export { ENGINE_CONFIG_VOLUME };
export const ENGINE_CONFIG_DIR = '/etc/modelstack/engine-config';
export const ENGINE_CONFIG_FILE = 'config.yaml';

/**
 * What a TensorRT-LLM prefill / decode pair needs to run at all, after Dynamo's TRT-LLM
 * disaggregation examples (examples/backends/trtllm/engine_configs/*\/prefill.yaml and
 * decode.yaml, Dynamo 1.x): the KV cache goes through the cache transceiver, and prefill-only
 * workers run without the overlap scheduler, which they do not support.
 */
const DISAGGREGATED_DEFAULTS: Readonly<Record<'prefill' | 'decode', TrtllmEngineConfig>> = {
  prefill: { disableOverlapScheduler: true, cacheTransceiver: { backend: 'DEFAULT' } },
  decode: { disableOverlapScheduler: false, cacheTransceiver: { backend: 'DEFAULT' } },
};

/** The typed options as TensorRT-LLM names them in the YAML file. */
const KEYS: Readonly<Record<string, string>> = {
  disableOverlapScheduler: 'disable_overlap_scheduler',
  cacheTransceiver: 'cache_transceiver_config',
  maxNumTokens: 'max_num_tokens',
  maxBatchSize: 'max_batch_size',
  enableChunkedPrefill: 'enable_chunked_prefill',
  enableAttentionDp: 'enable_attention_dp',
  kvCache: 'kv_cache_config',
};
const NESTED_KEYS: Readonly<Record<string, string>> = {
  backend: 'backend',
  maxTokensInBuffer: 'max_tokens_in_buffer',
  freeGpuMemoryFraction: 'free_gpu_memory_fraction',
  enableBlockReuse: 'enable_block_reuse',
};
/** Options other props own. */
const OWNED: Readonly<Record<string, string>> = {
  tensor_parallel_size: 'tensorParallelSize',
  pipeline_parallel_size: 'pipelineParallelSize',
};

/** A role's TensorRT-LLM config: the role's defaults with the user's options merged in (key by key). */
export function resolveTrtllmConfig(role: WorkerRole, given: TrtllmEngineConfig | undefined): TrtllmEngineConfig | undefined {
  const defaults = role === 'worker' ? undefined : DISAGGREGATED_DEFAULTS[role];
  if (!defaults && !given) return undefined;
  return {
    ...defaults,
    ...given,
    ...(defaults?.cacheTransceiver || given?.cacheTransceiver ? { cacheTransceiver: { ...defaults?.cacheTransceiver, ...given?.cacheTransceiver } } : {}),
  };
}

/** The YAML file of a resolved config: typed options first (in declaration order), then `extra`. */
export function trtllmConfigYaml(config: TrtllmEngineConfig): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'extra' || value === undefined) continue;
    out[KEYS[key]!] = typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [NESTED_KEYS[k] ?? k, v])) : value;
  }
  Object.assign(out, config.extra);
  return stringify(out);
}

/**
 * Issues of one role's resolved trtllmConfig (defaults merged in): options set twice, options
 * other props own, impossible settings.
 */
export function trtllmConfigIssues(prefix: string, role: WorkerRole, config: TrtllmEngineConfig): PropIssue[] {
  const issues: PropIssue[] = [];
  const typedKeys = new Map(Object.entries(KEYS).map(([camel, snake]) => [snake, camel]));
  for (const [key, value] of Object.entries(config.extra ?? {})) {
    const owner = OWNED[key];
    if (owner) {
      issues.push({ prop: `${prefix}.extra.${key}`, value, problem: `is set by modelstack from ${owner}`, fix: `remove it and set ${owner}` });
      continue;
    }
    const typed = typedKeys.get(key);
    if (typed && (config as Record<string, unknown>)[typed] !== undefined) {
      issues.push({
        prop: `${prefix}.extra.${key}`,
        value,
        problem: `is also written from ${prefix}.${typed} (set by you, or by modelstack's default for the ${role} role)`,
        fix: `remove it and set ${prefix}.${typed}`,
      });
    }
  }
  if (role === 'prefill' && config.disableOverlapScheduler === false) {
    issues.push({
      prop: `${prefix}.disableOverlapScheduler`,
      value: false,
      problem: "turns the overlap scheduler on for prefill workers, which TensorRT-LLM's prefill-only workers do not support",
      fix: 'remove it (prefill workers run with disableOverlapScheduler: true)',
    });
  }
  return issues;
}
