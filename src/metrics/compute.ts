import { CONCEPTS, type ConceptId, type ConceptTable, type Reading, readingMetrics, type SeriesRef } from './concepts.js';
import { labelsMatch, type MetricsSnapshot, type Sample } from './prometheus-text.js';

/** One row of the metrics table. */
export interface ConceptValue {
  readonly concept: ConceptId;
  readonly label: string;
  /** "req/s", "s", "%" (value is then a fraction 0..1), "tok/s" or "" (a count). */
  readonly unit: string;
  /**
   * The value; null when the metric is published but has nothing to say for the interval (no
   * request finished between the scrapes, so no quantile and no error ratio).
   */
  readonly value: number | null;
  /** Whether the endpoint publishes a metric for it at all; false shows as "n/a", never as 0. */
  readonly published: boolean;
  /** The metric it was read from. */
  readonly metric?: string;
  /** The concept table the metric name comes from. */
  readonly table?: string;
}

/**
 * The concepts from two scrapes of one endpoint: gauges from the second, rates and ratios from
 * the counters' increase between them (a counter that went down was restarted: its increase is
 * its new value), quantiles from the histogram buckets' increase, interpolated within a bucket
 * the way PromQL's histogram_quantile does. For each concept the first table entry whose metric
 * is in the text is used; a concept no table names, or whose metrics are absent, is unpublished.
 */
export function computeConcepts(tables: readonly ConceptTable[], before: MetricsSnapshot, after: MetricsSnapshot): ConceptValue[] {
  const present = new Set(after.samples.map((s) => s.name));
  const seconds = (after.at - before.at) / 1000;
  return CONCEPTS.map(({ id, label, unit }): ConceptValue => {
    for (const table of tables) {
      for (const entry of table.entries) {
        if (entry.concept !== id) continue;
        const names = readingMetrics(entry.reading);
        if (!names.every((n) => present.has(n))) continue;
        return { concept: id, label, unit, value: read(entry.reading, before, after, seconds), published: true, metric: names[0]!, table: table.name };
      }
    }
    return { concept: id, label, unit, value: null, published: false };
  });
}

function read(r: Reading, before: MetricsSnapshot, after: MetricsSnapshot, seconds: number): number | null {
  switch (r.kind) {
    case 'gauge': {
      const values = select(after, r)
        .map((s) => s.value)
        .filter((v) => !Number.isNaN(v));
      if (values.length === 0) return null;
      const sum = values.reduce((a, b) => a + b, 0);
      return r.aggregate === 'sum' ? sum : sum / values.length;
    }
    case 'rate':
      return seconds > 0 ? increase(before, after, r) / seconds : null;
    case 'ratio': {
      const total = increase(before, after, r.denominator);
      return total > 0 ? increase(before, after, r.numerator) / total : null;
    }
    case 'quantile':
      return histogramQuantile(r.q, bucketIncreases(before, after, r.metric));
  }
}

function select(snapshot: MetricsSnapshot, ref: SeriesRef): Sample[] {
  return snapshot.samples.filter((s) => s.name === ref.metric && labelsMatch(s.labels, ref.match, ref.exclude));
}

function seriesKey(s: Sample): string {
  return `${s.name}{${Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(',')}}`;
}

/** The increase of a counter's matching series between two scrapes, summed; a reset counts from 0. */
function increase(before: MetricsSnapshot, after: MetricsSnapshot, ref: SeriesRef): number {
  const old = new Map(select(before, ref).map((s) => [seriesKey(s), s.value]));
  let total = 0;
  for (const s of select(after, ref)) {
    if (Number.isNaN(s.value)) continue;
    const prev = old.get(seriesKey(s));
    total += prev === undefined || Number.isNaN(prev) || s.value < prev ? s.value : s.value - prev;
  }
  return total;
}

/** Cumulative bucket increases by upper bound (`le`), summed over the histogram's series. */
function bucketIncreases(before: MetricsSnapshot, after: MetricsSnapshot, metric: string): Map<number, number> {
  const name = `${metric}_bucket`;
  const old = new Map(select(before, { metric: name }).map((s) => [seriesKey(s), s.value]));
  const byLe = new Map<number, number>();
  for (const s of select(after, { metric: name })) {
    const le = s.labels.le === undefined ? NaN : s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (Number.isNaN(le) || Number.isNaN(s.value)) continue;
    const prev = old.get(seriesKey(s));
    const inc = prev === undefined || Number.isNaN(prev) || s.value < prev ? s.value : s.value - prev;
    byLe.set(le, (byLe.get(le) ?? 0) + inc);
  }
  return byLe;
}

/**
 * The q-quantile of cumulative buckets (upper bound -> count), as PromQL's histogram_quantile:
 * linear interpolation within the bucket the rank falls in (from 0 for the first bucket when its
 * bound is positive); a rank in the +Inf bucket gives the highest finite bound. Null when there
 * are no observations or no +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number | null {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  if (les.length === 0 || les[les.length - 1] !== Infinity) return null;
  // Cumulative counts can come out non-monotonic when series are summed after restarts; fix up as Prometheus does.
  const counts: number[] = [];
  for (const le of les) counts.push(Math.max(buckets.get(le)!, counts.length ? counts[counts.length - 1]! : 0));
  const total = counts[counts.length - 1]!;
  if (total <= 0) return null;
  const rank = q * total;
  const i = counts.findIndex((c) => c >= rank);
  if (les[i] === Infinity) return les.length >= 2 ? les[les.length - 2]! : null;
  const upper = les[i]!;
  const lower = i === 0 ? (upper > 0 ? 0 : upper) : les[i - 1]!;
  const below = i === 0 ? 0 : counts[i - 1]!;
  const inBucket = counts[i]! - below;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}
