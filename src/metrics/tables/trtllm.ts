import type { ConceptTable } from '../concepts.js';
import { quantiles } from './helpers.js';

const SOURCE =
  'ai-dynamo/dynamo docs/backends/trtllm/prometheus.md and docs/observability/metrics_examples/trtllm.log (commit ce30a7645318, TensorRT-LLM 1.1.0rc5): the trtllm_ prefix is added by Dynamo';

/**
 * TensorRT-LLM's request metrics as Dynamo's TRT-LLM workers pass them through (`trtllm_`
 * prefix). TensorRT-LLM 1.1 publishes five: request successes, end-to-end latency, TTFT, time per
 * output token and queue time. Requests running/waiting, tokens/s and the KV cache are n/a here
 * (Dynamo's own `dynamo_component_kvstats_*` give the KV cache).
 */
export const TRTLLM: ConceptTable = {
  name: 'TensorRT-LLM (trtllm_*)',
  entries: [
    { concept: 'requestRate', reading: { kind: 'rate', metric: 'trtllm_request_success_total' }, source: `${SOURCE}; finished requests` },
    ...quantiles(['ttftP50', 'ttftP95'], 'trtllm_time_to_first_token_seconds', SOURCE),
    ...quantiles(['itlP50', 'itlP95'], 'trtllm_time_per_output_token_seconds', SOURCE),
  ],
};
