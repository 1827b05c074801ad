import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONCEPTS, type ConceptId, readingMetrics } from '../../src/metrics/concepts.js';
import { computeConcepts, type ConceptValue, histogramQuantile } from '../../src/metrics/compute.js';
import { parseMetricsText } from '../../src/metrics/prometheus-text.js';
import { conceptTables, DYNAMO_COMPONENT, DYNAMO_FRONTEND, RAY_SERVE, RAY_SERVE_LLM_VLLM, SGLANG, TRTLLM, VLLM } from '../../src/metrics/tables/index.js';
import type { ConceptTable } from '../../src/metrics/concepts.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'metrics');
const T0 = 1_000_000;

/** The fixture pair `name`.t0/.t1, scraped 10 s apart. */
function scrapes(name: string): [ReturnType<typeof parseMetricsText>, ReturnType<typeof parseMetricsText>] {
  return [
    parseMetricsText(readFileSync(join(DIR, `${name}.t0.txt`), 'utf8'), T0),
    parseMetricsText(readFileSync(join(DIR, `${name}.t1.txt`), 'utf8'), T0 + 10_000),
  ];
}

function table(values: readonly ConceptValue[]): Record<ConceptId, number | null | 'n/a'> {
  return Object.fromEntries(values.map((v) => [v.concept, v.published ? v.value : 'n/a'])) as Record<ConceptId, number | null | 'n/a'>;
}

function close(actual: Record<string, unknown>, expected: Record<string, number | null | 'n/a'>): void {
  for (const [k, v] of Object.entries(expected)) {
    if (typeof v === 'number') expect([k, actual[k]]).toEqual([k, expect.closeTo(v, 6)]);
    else expect([k, actual[k]]).toEqual([k, v]);
  }
}

describe('concept tables on recorded metric text', () => {
  test('Dynamo frontend: rates, error ratio and quantiles from two scrapes; engine concepts are n/a, not 0', () => {
    const [a, b] = scrapes('dynamo-frontend');
    close(table(computeConcepts(conceptTables('dynamo', 'vllm'), a, b)), {
      requestsRunning: 5,
      requestsWaiting: 2,
      requestRate: 2, // (58-40 + 4-2) / 10 s
      errorRate: 0.1, // 2 errors of 20
      ttftP50: 0.1, // rank 10 of 20 ends the (0.047, 0.1] bucket
      ttftP95: 0.208, // rank 19: 0.1 + 0.12 * 9/10
      itlP50: 0.0035,
      itlP95: 0.0067,
      outputTokensPerSecond: 200,
      kvCacheUsage: 'n/a',
      prefixCacheHitRate: 'n/a',
    });
  });

  test('Dynamo vLLM worker: vllm:* summed over engines; dynamo_component_* KV gauges come first', () => {
    const [a, b] = scrapes('dynamo-vllm-worker');
    const values = computeConcepts(conceptTables('dynamo', 'vllm'), a, b);
    close(table(values), {
      requestsRunning: 7,
      requestsWaiting: 1,
      requestRate: 1, // 10 finished requests (stop + length) in 10 s
      errorRate: 'n/a', // vLLM counts no failed requests
      ttftP50: 0.08 + 0.02 * (4 / 6),
      ttftP95: 0.25 + 0.25 * (1.6 / 2),
      itlP50: 0.025,
      itlP95: 0.025 + 0.025 * (360 / 400),
      outputTokensPerSecond: 150,
      kvCacheUsage: 0.3,
      prefixCacheHitRate: 0.5,
    });
    expect(values.find((v) => v.concept === 'kvCacheUsage')?.metric).toBe('dynamo_component_kvstats_gpu_cache_usage_percent');
    // vLLM's own server (no Dynamo names): its gauges averaged, its prefix counters as a ratio.
    close(table(computeConcepts([VLLM], a, b)), { kvCacheUsage: 0.5, prefixCacheHitRate: 500 / 2000, errorRate: 'n/a' });
  });

  test('Dynamo TensorRT-LLM worker: the five TRT-LLM metrics; what it does not publish is n/a', () => {
    const [a, b] = scrapes('dynamo-trtllm-worker');
    close(table(computeConcepts(conceptTables('dynamo', 'trtllm'), a, b)), {
      requestsRunning: 'n/a',
      requestsWaiting: 'n/a',
      requestRate: 0.8, // 8 successes in 10 s
      ttftP50: 0.08, // 8 new: rank 4 ends (0.06, 0.08] holding 4
      ttftP95: 0.08 + 0.02 * (3.6 / 4),
      itlP50: 0.01,
      itlP95: 0.01 + 0.015 * (3.6 / 4),
      outputTokensPerSecond: 'n/a',
      errorRate: 'n/a',
      kvCacheUsage: 0.125,
    });
  });

  test('SGLang: token_usage and cache_hit_rate are gauges, rates from counters written with exponents', () => {
    const [a, b] = scrapes('sglang');
    close(table(computeConcepts(conceptTables('dynamo', 'sglang'), a, b)), {
      requestsRunning: 12,
      requestsWaiting: 0,
      requestRate: 3,
      errorRate: 'n/a',
      ttftP50: 0.25 + 0.25 * (5 / 15), // 30 new: rank 15 is 5 into (0.25, 0.5] holding 15
      ttftP95: 0.5 + 0.25 * (3.5 / 5),
      outputTokensPerSecond: 1200,
      kvCacheUsage: 0.28,
      prefixCacheHitRate: 0.007507552643049313,
      itlP50: 'n/a',
    });
  });

  test('Ray head: ray_serve_* for requests and errors, ray_vllm:* (older vLLM names) for the engine', () => {
    const [a, b] = scrapes('ray-head');
    const values = computeConcepts(conceptTables('kuberay'), a, b);
    close(table(values), {
      requestsRunning: 4,
      requestsWaiting: 1,
      requestRate: 5, // (45 + 5) / 10 s
      errorRate: 0.1, // 5 of 50
      ttftP50: 0.1 + 0.15 * (10 / 20), // 40 new: rank 20 is 10 into (0.1, 0.25] holding 20
      ttftP95: 0.25 + 0.25 * (8 / 10), // rank 38: 8 into (0.25, 0.5] holding 10
      itlP50: 0.025 + 0.025 * (500 / 800),
      itlP95: 0.05 + 0.025 * (150 / 200),
      outputTokensPerSecond: 400,
      kvCacheUsage: 0.42,
      prefixCacheHitRate: 'n/a',
    });
    expect(values.find((v) => v.concept === 'itlP50')?.metric).toBe('ray_vllm:time_per_output_token_seconds_bucket');
  });

  test('no traffic between the scrapes: quantiles and the error ratio are empty (null), rates are 0', () => {
    const [, b] = scrapes('dynamo-frontend');
    const values = table(computeConcepts([DYNAMO_FRONTEND], b, { ...b, at: b.at + 5000 }));
    close(values, { requestRate: 0, outputTokensPerSecond: 0, errorRate: null, ttftP50: null, itlP95: null });
  });

  test('a counter that went down (a restarted frontend) counts from zero', () => {
    const [a, b] = scrapes('dynamo-frontend');
    // b -> a: every counter is lower, as after a restart; its increase is its new value.
    close(table(computeConcepts([DYNAMO_FRONTEND], { ...b, at: T0 }, { ...a, at: T0 + 10_000 })), { outputTokensPerSecond: 101, requestRate: 4.2 });
  });

  test('histogramQuantile follows PromQL: interpolation, rank in +Inf, no observations, no +Inf bucket', () => {
    expect(
      histogramQuantile(
        0.5,
        new Map([
          [1, 0],
          [2, 10],
          [Infinity, 10],
        ]),
      ),
    ).toBeCloseTo(1.5);
    expect(
      histogramQuantile(
        0.5,
        new Map([
          [1, 4],
          [Infinity, 10],
        ]),
      ),
    ).toBe(1);
    expect(
      histogramQuantile(
        0.25,
        new Map([
          [2, 4],
          [Infinity, 4],
        ]),
      ),
    ).toBeCloseTo(0.5);
    expect(
      histogramQuantile(
        0.5,
        new Map([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
    expect(histogramQuantile(0.5, new Map([[1, 3]]))).toBeNull();
  });

  test.each([DYNAMO_FRONTEND, DYNAMO_COMPONENT, VLLM, RAY_SERVE_LLM_VLLM, SGLANG, TRTLLM, RAY_SERVE] as ConceptTable[])(
    '$name: every entry names a known concept and its source',
    (t) => {
      const ids = new Set<string>(CONCEPTS.map((c) => c.id));
      for (const e of t.entries) {
        expect(ids.has(e.concept)).toBe(true);
        expect(e.source.length).toBeGreaterThan(20);
        for (const m of readingMetrics(e.reading)) expect(m).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      }
    },
  );
});
