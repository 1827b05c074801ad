import type { ConceptTable } from '../concepts.js';
import { quantiles } from './helpers.js';

const SOURCE = 'SGLang docs "Production Metrics" (docs.sglang.io/docs/references/production_metrics, --enable-metrics)';

/**
 * SGLang's metrics (`sglang:` prefix) on its server's `/metrics`, passed through by Dynamo's
 * SGLang workers. `token_usage` is the KV-cache pool in use and `cache_hit_rate` the radix
 * (prefix) cache's hit rate, both fractions; SGLang counts no failed requests (error rate n/a).
 */
export const SGLANG: ConceptTable = {
  name: 'SGLang (sglang:*)',
  entries: [
    { concept: 'requestsRunning', reading: { kind: 'gauge', metric: 'sglang:num_running_reqs', aggregate: 'sum' }, source: SOURCE },
    { concept: 'requestsWaiting', reading: { kind: 'gauge', metric: 'sglang:num_queue_reqs', aggregate: 'sum' }, source: SOURCE },
    { concept: 'requestRate', reading: { kind: 'rate', metric: 'sglang:num_requests_total' }, source: SOURCE },
    ...quantiles(['ttftP50', 'ttftP95'], 'sglang:time_to_first_token_seconds', SOURCE),
    ...quantiles(['itlP50', 'itlP95'], 'sglang:inter_token_latency_seconds', SOURCE),
    ...quantiles(['itlP50', 'itlP95'], 'sglang:time_per_output_token_seconds', `${SOURCE}; the older name`),
    { concept: 'outputTokensPerSecond', reading: { kind: 'rate', metric: 'sglang:generation_tokens_total' }, source: SOURCE },
    { concept: 'kvCacheUsage', reading: { kind: 'gauge', metric: 'sglang:token_usage', aggregate: 'mean' }, source: SOURCE },
    { concept: 'prefixCacheHitRate', reading: { kind: 'gauge', metric: 'sglang:cache_hit_rate', aggregate: 'mean' }, source: SOURCE },
  ],
};
