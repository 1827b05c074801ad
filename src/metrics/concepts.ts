/**
 * The numbers `modelstack metrics` shows for every model, the same rows for both runtimes. Which
 * metric gives each one is data: one ConceptTable per runtime and engine (src/metrics/tables/).
 */
export const CONCEPTS = [
  { id: 'requestsRunning', label: 'requests running', unit: '' },
  { id: 'requestsWaiting', label: 'requests waiting', unit: '' },
  { id: 'requestRate', label: 'request rate', unit: 'req/s' },
  { id: 'errorRate', label: 'error rate', unit: '%' },
  { id: 'ttftP50', label: 'TTFT p50', unit: 's' },
  { id: 'ttftP95', label: 'TTFT p95', unit: 's' },
  { id: 'itlP50', label: 'ITL p50', unit: 's' },
  { id: 'itlP95', label: 'ITL p95', unit: 's' },
  { id: 'outputTokensPerSecond', label: 'output tokens/s', unit: 'tok/s' },
  { id: 'kvCacheUsage', label: 'KV-cache usage', unit: '%' },
  { id: 'prefixCacheHitRate', label: 'prefix-cache hit rate', unit: '%' },
] as const;

export type ConceptId = (typeof CONCEPTS)[number]['id'];

/** Series of one metric, optionally only those whose labels match (and not those excluded). */
export interface SeriesRef {
  readonly metric: string;
  readonly match?: Readonly<Record<string, string>>;
  readonly exclude?: Readonly<Record<string, string>>;
}

/** How a concept is read from the metric text. */
export type Reading =
  /** A gauge now (second scrape), summed or averaged over its series (workers, models). */
  | (SeriesRef & { readonly kind: 'gauge'; readonly aggregate: 'sum' | 'mean' })
  /** A counter's increase per second between the two scrapes. */
  | (SeriesRef & { readonly kind: 'rate' })
  /** The increase of one counter over the increase of another between the scrapes (0..1). */
  | { readonly kind: 'ratio'; readonly numerator: SeriesRef; readonly denominator: SeriesRef }
  /** A quantile of the observations a histogram got between the scrapes (its `_bucket` series). */
  | { readonly kind: 'quantile'; readonly metric: string; readonly q: number };

export interface ConceptEntry {
  readonly concept: ConceptId;
  readonly reading: Reading;
  /** Where the metric name (and label values) come from: project, document or file, version. */
  readonly source: string;
}

/** The metric names of one runtime or engine for the concepts it publishes. */
export interface ConceptTable {
  readonly name: string;
  readonly entries: readonly ConceptEntry[];
}

/** The metric names a reading needs to find in the text. */
export function readingMetrics(r: Reading): string[] {
  switch (r.kind) {
    case 'ratio':
      return [r.numerator.metric, r.denominator.metric];
    case 'quantile':
      return [`${r.metric}_bucket`];
    default:
      return [r.metric];
  }
}
