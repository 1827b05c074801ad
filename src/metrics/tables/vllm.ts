import type { ConceptTable } from '../concepts.js';
import { quantiles } from './helpers.js';

const V1 = 'vLLM docs "Production Metrics" (docs.vllm.ai/en/stable/usage/metrics, V1 engine) and docs/design/metrics.md';
const OLD = 'vLLM docs "Production Metrics" v0.9.1 (docs.vllm.ai/en/v0.9.1/usage/metrics.html): the name before its V1 rename';

/**
 * vLLM's engine metrics (`vllm:` prefix), as its OpenAI server serves them on `/metrics` and as
 * Dynamo's vLLM workers pass them through. Where vLLM renamed a metric, the current name comes
 * first and the older one after it (the first one the text has is used). vLLM has no counter of
 * failed requests: its error rate is n/a.
 */
export const VLLM: ConceptTable = vllmTable('vllm:', 'vLLM (vllm:*)');

/**
 * The same metrics as Ray Serve LLM exports them through Ray's metrics agent: Ray prefixes every
 * application metric with `ray_`, so vLLM's `vllm:x` becomes `ray_vllm:x` (Ray's Serve LLM
 * Grafana dashboard, ray-project/ray python/ray/dashboard/modules/metrics/dashboards/
 * serve_llm_dashboard_panels.py, queries these names).
 */
export const RAY_SERVE_LLM_VLLM: ConceptTable = vllmTable('ray_vllm:', 'Ray Serve LLM engine (ray_vllm:*)');

function vllmTable(prefix: string, name: string): ConceptTable {
  const via = prefix === 'vllm:' ? '' : '; exported by Ray with the ray_ prefix (serve_llm_dashboard_panels.py)';
  return {
    name,
    entries: [
      { concept: 'requestsRunning', reading: { kind: 'gauge', metric: `${prefix}num_requests_running`, aggregate: 'sum' }, source: V1 + via },
      { concept: 'requestsWaiting', reading: { kind: 'gauge', metric: `${prefix}num_requests_waiting`, aggregate: 'sum' }, source: V1 + via },
      {
        concept: 'requestRate',
        reading: { kind: 'rate', metric: `${prefix}request_success_total` },
        source: `${V1}${via}; finished requests (by finished_reason)`,
      },
      ...quantiles(['ttftP50', 'ttftP95'], `${prefix}time_to_first_token_seconds`, V1 + via),
      ...quantiles(['itlP50', 'itlP95'], `${prefix}inter_token_latency_seconds`, V1 + via),
      ...quantiles(['itlP50', 'itlP95'], `${prefix}time_per_output_token_seconds`, OLD + via),
      { concept: 'outputTokensPerSecond', reading: { kind: 'rate', metric: `${prefix}generation_tokens_total` }, source: V1 + via },
      { concept: 'kvCacheUsage', reading: { kind: 'gauge', metric: `${prefix}kv_cache_usage_perc`, aggregate: 'mean' }, source: V1 + via },
      { concept: 'kvCacheUsage', reading: { kind: 'gauge', metric: `${prefix}gpu_cache_usage_perc`, aggregate: 'mean' }, source: OLD + via },
      {
        concept: 'prefixCacheHitRate',
        reading: {
          kind: 'ratio',
          numerator: { metric: `${prefix}prefix_cache_hits_total` },
          denominator: { metric: `${prefix}prefix_cache_queries_total` },
        },
        source: V1 + via,
      },
    ],
  };
}
