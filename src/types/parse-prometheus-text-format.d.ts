/**
 * parse-prometheus-text-format 1.1.1 ships no types; this declares the part src/metrics uses.
 * Values stay strings as the text has them ("NaN", "+Inf", "1.5e3"). Histograms and summaries
 * are flattened into one sample per family (labels dropped), which is why src/metrics feeds it
 * only the sample lines it can keep apart (see prometheus-text.ts).
 */
declare module 'parse-prometheus-text-format' {
  export interface ParsedSample {
    readonly value?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly timestamp_ms?: string;
    readonly buckets?: Readonly<Record<string, string>>;
    readonly quantiles?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }
  export interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    /** COUNTER, GAUGE, HISTOGRAM, SUMMARY or UNTYPED. */
    readonly type: string;
    readonly metrics: readonly ParsedSample[];
  }
  /** Throws on a line it cannot parse ("Encountered invalid line: ..."). */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
