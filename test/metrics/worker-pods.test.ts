import { computeConcepts } from '../../src/metrics/compute.js';
import { parseMetricsText } from '../../src/metrics/prometheus-text.js';
import { conceptTables } from '../../src/metrics/tables/index.js';
import { mergeSnapshots, POD_LABEL } from '../../src/metrics/worker-pods.js';

const T0 = 1_000_000;

/** A vLLM worker's text (vLLM V1 names, values ours): the same label set on every pod, as two replicas of one model have. */
function worker(o: { running: number; kv: number; generated: number; ttft: readonly [number, number, number] }): string {
  const l = 'engine="0",model_name="Qwen/Qwen3-0.6B"';
  return [
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running{${l}} ${o.running}`,
    '# TYPE vllm:kv_cache_usage_perc gauge',
    `vllm:kv_cache_usage_perc{${l}} ${o.kv}`,
    '# TYPE vllm:generation_tokens_total counter',
    `vllm:generation_tokens_total{${l}} ${o.generated}`,
    '# TYPE vllm:time_to_first_token_seconds histogram',
    `vllm:time_to_first_token_seconds_bucket{${l},le="0.1"} ${o.ttft[0]}`,
    `vllm:time_to_first_token_seconds_bucket{${l},le="1.0"} ${o.ttft[1]}`,
    `vllm:time_to_first_token_seconds_bucket{${l},le="+Inf"} ${o.ttft[2]}`,
    `vllm:time_to_first_token_seconds_count{${l}} ${o.ttft[2]}`,
    '',
  ].join('\n');
}

const EMPTY_FRONTEND = parseMetricsText('', T0);

function merged(at: number, a: string, b: string): ReturnType<typeof mergeSnapshots> {
  return mergeSnapshots({ ...EMPTY_FRONTEND, at }, [
    { pod: 'w-a', snapshot: parseMetricsText(a, at) },
    { pod: 'w-b', snapshot: parseMetricsText(b, at) },
  ]);
}

describe('merging worker pods into one snapshot', () => {
  const before = merged(
    T0,
    worker({ running: 1, kv: 0.1, generated: 1000, ttft: [0, 0, 0] }),
    worker({ running: 2, kv: 0.5, generated: 5000, ttft: [0, 0, 0] }),
  );
  const after = merged(
    T0 + 10_000,
    worker({ running: 3, kv: 0.2, generated: 1500, ttft: [10, 10, 10] }),
    worker({ running: 4, kv: 0.8, generated: 7000, ttft: [0, 10, 10] }),
  );
  const values = Object.fromEntries(computeConcepts(conceptTables('dynamo', 'vllm'), before, after).map((v) => [v.concept, v]));

  test('each pod keeps its own series (same labels on both pods)', () => {
    expect(new Set(after.samples.map((s) => s.labels[POD_LABEL]))).toEqual(new Set(['w-a', 'w-b']));
  });

  test('counters: the increases of both pods summed', () => {
    // (1500 - 1000) + (7000 - 5000) over 10 s; keyed by labels alone, pod b's series would replace pod a's.
    expect(values.outputTokensPerSecond!.value).toBeCloseTo((500 + 2000) / 10, 9);
  });

  test('gauges: requests summed, KV-cache usage the mean over the workers', () => {
    expect(values.requestsRunning!.value).toBe(3 + 4);
    expect(values.kvCacheUsage!.value).toBeCloseTo((0.2 + 0.8) / 2, 9);
  });

  test('histograms merge by bucket bound: the quantile of all observations', () => {
    // 10 observations <= 0.1 s (pod a) and 10 in (0.1, 1] s (pod b): the median is at the 0.1 s bound,
    // p95 interpolated in the second bucket (rank 19 of 20: 9 of its 10).
    expect(values.ttftP50!.value).toBeCloseTo(0.1, 9);
    expect(values.ttftP95!.value).toBeCloseTo(0.1 + 0.9 * (9 / 10), 9);
  });

  test('no worker: the Service snapshot as it is', () => {
    expect(mergeSnapshots(EMPTY_FRONTEND, [])).toBe(EMPTY_FRONTEND);
  });
});
