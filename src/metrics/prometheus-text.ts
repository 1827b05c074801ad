import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ModelstackError, errorMessage } from '../errors.js';

/** One sample of a scrape: a series name (with its `_bucket`/`_sum`/`_count` suffix), its labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** NaN, +Inf and -Inf as the text says them. */
  readonly value: number;
}

/** One scrape of a metrics endpoint. */
export interface MetricsSnapshot {
  readonly samples: readonly Sample[];
  /** `# TYPE` of each metric family (counter, gauge, histogram, summary, untyped). */
  readonly types: ReadonlyMap<string, string>;
  /** When it was taken (ms since the epoch), for rates between two scrapes. */
  readonly at: number;
}

/**
 * Parses Prometheus text exposition format (0.0.4, and OpenMetrics text as engines using
 * prometheus_client serve it) with parse-prometheus-text-format, the one place modelstack does.
 *
 * The library keeps labels, escapes, NaN and ±Inf as text, but it merges every labelled series of
 * a histogram or summary into one bucket map (losing their labels and their _sum/_count), and it
 * reads an exemplar (`... 2 # {trace_id="x"} 0.5`) as part of the timestamp. So the `# TYPE`
 * lines of histograms and summaries are recorded here and not given to it (their `_bucket`,
 * `_sum` and `_count` series then arrive as plain series with every label), and exemplars are cut
 * off first. `# EOF` ends the text.
 */
export function parseMetricsText(text: string, at = Date.now()): MetricsSnapshot {
  const types = new Map<string, string>();
  const kept: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '# EOF') break;
    const type = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (type) {
      const kind = type[2]!.toLowerCase();
      types.set(type[1]!, kind);
      if (kind === 'histogram' || kind === 'summary' || kind === 'gaugehistogram') continue;
      kept.push(line);
      continue;
    }
    // Other comments are left out: the library reads a line like `#x` as a sample.
    if (line.startsWith('#')) {
      if (/^#\s+HELP\s/.test(line)) kept.push(line);
      continue;
    }
    kept.push(withoutExemplar(line));
  }
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(`${kept.join('\n')}\n`);
  } catch (e) {
    throw new ModelstackError('INVALID', `the metrics endpoint did not answer Prometheus text: ${errorMessage(e).slice(0, 300)}`, {
      hint: 'check that the port and path serve Prometheus metrics (GET /metrics)',
    });
  }
  const samples: Sample[] = [];
  for (const family of families) {
    for (const m of family.metrics) {
      if (m.value === undefined) continue;
      samples.push({ name: family.name, labels: m.labels ?? {}, value: sampleValue(m.value, family.name) });
    }
  }
  return { samples, types, at };
}

/** A sample value: a float, or NaN, +Inf, -Inf (Prometheus text spells them so). */
export function sampleValue(text: string, series: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
  }
  const n = text.trim() === '' ? NaN : Number(text);
  if (Number.isNaN(n)) {
    throw new ModelstackError('INVALID', `the metrics endpoint answered a value that is not a number for ${series}: ${JSON.stringify(text.slice(0, 40))}`, {
      hint: 'check that the port and path serve Prometheus metrics (GET /metrics)',
    });
  }
  return n;
}

/** The sample line without an OpenMetrics exemplar (` # {labels} value [timestamp]` after the value). */
function withoutExemplar(line: string): string {
  let i = 0;
  const brace = line.indexOf('{');
  const space = line.search(/\s/);
  if (brace >= 0 && (space < 0 || brace < space)) {
    // Skip the label set: quoted values may hold `}` and ` # `.
    let quoted = false;
    for (i = brace + 1; i < line.length; i++) {
      const c = line[i];
      if (quoted && c === '\\') i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === '}') break;
    }
  }
  const hash = line.indexOf(' #', i);
  return hash < 0 ? line : line.slice(0, hash).trimEnd();
}

/** Whether every label of `match` has that value and no label of `exclude` has its value. */
export function labelsMatch(
  labels: Readonly<Record<string, string>>,
  match: Readonly<Record<string, string>> = {},
  exclude: Readonly<Record<string, string>> = {},
): boolean {
  for (const [k, v] of Object.entries(match)) if (labels[k] !== v) return false;
  for (const [k, v] of Object.entries(exclude)) if (labels[k] === v) return false;
  return true;
}
