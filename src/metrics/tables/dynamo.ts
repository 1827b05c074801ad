import type { ConceptTable } from '../concepts.js';
import { quantiles } from './helpers.js';

const FRONTEND_SOURCE =
  "ai-dynamo/dynamo docs/observability/metrics.md and metrics_examples/fe.log (commit ce30a7645318): the frontend's /metrics on its HTTP port";
const COMPONENT_SOURCE =
  "ai-dynamo/dynamo docs/observability/metrics_examples/vllm.log and trtllm.log (commits a7b23c000e38, ce30a7645318): a worker's /metrics on its system port";

/**
 * NVIDIA Dynamo's own metrics. The frontend (HTTP port, `/metrics`) counts what clients see:
 * requests in flight and queued, requests by status ("success", otherwise an error, with an
 * `error_type`), TTFT and ITL histograms, output tokens. Workers (system port) add the KV-cache
 * gauges of the engine they run, under `dynamo_component_kvstats_*`.
 */
export const DYNAMO_FRONTEND: ConceptTable = {
  name: 'Dynamo frontend (dynamo_frontend_*)',
  entries: [
    { concept: 'requestsRunning', reading: { kind: 'gauge', metric: 'dynamo_frontend_inflight_requests', aggregate: 'sum' }, source: FRONTEND_SOURCE },
    { concept: 'requestsWaiting', reading: { kind: 'gauge', metric: 'dynamo_frontend_queued_requests', aggregate: 'sum' }, source: FRONTEND_SOURCE },
    { concept: 'requestRate', reading: { kind: 'rate', metric: 'dynamo_frontend_requests_total' }, source: FRONTEND_SOURCE },
    {
      concept: 'errorRate',
      reading: {
        kind: 'ratio',
        numerator: { metric: 'dynamo_frontend_requests_total', exclude: { status: 'success' } },
        denominator: { metric: 'dynamo_frontend_requests_total' },
      },
      source: `${FRONTEND_SOURCE}; status="success"|"error"`,
    },
    ...quantiles(['ttftP50', 'ttftP95'], 'dynamo_frontend_time_to_first_token_seconds', FRONTEND_SOURCE),
    ...quantiles(['itlP50', 'itlP95'], 'dynamo_frontend_inter_token_latency_seconds', FRONTEND_SOURCE),
    { concept: 'outputTokensPerSecond', reading: { kind: 'rate', metric: 'dynamo_frontend_output_tokens_total' }, source: FRONTEND_SOURCE },
  ],
};

export const DYNAMO_COMPONENT: ConceptTable = {
  name: 'Dynamo worker (dynamo_component_*)',
  entries: [
    {
      concept: 'kvCacheUsage',
      reading: { kind: 'gauge', metric: 'dynamo_component_kvstats_gpu_cache_usage_percent', aggregate: 'mean' },
      source: `${COMPONENT_SOURCE}; a fraction 0..1 despite its name`,
    },
    {
      concept: 'prefixCacheHitRate',
      reading: { kind: 'gauge', metric: 'dynamo_component_kvstats_gpu_prefix_cache_hit_rate', aggregate: 'mean' },
      source: `${COMPONENT_SOURCE}; a fraction 0..1`,
    },
  ],
};
