// The benchmark's arithmetic and verdicts: medians, paired ratios, request counts read from
// the two tools' output, and whether a target is met.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Ratio modelstack/kubectl of each pair (runs i of both sides). */
export function pairRatios(modelstack: readonly number[], kubectl: readonly number[]): number[] {
  const n = Math.min(modelstack.length, kubectl.length);
  return Array.from({ length: n }, (_, i) => modelstack[i]! / kubectl[i]!);
}

/**
 * API requests in kubectl's -v=6 log: client-go logs one "Response" line per request it
 * sent (method, URL, status and milliseconds).
 */
export function kubectlRequests(stderr: string): number {
  return stderr.split('\n').filter((line) => /round_trippers\.go:\d+\] "Response" verb="[A-Z]+"/.test(line)).length;
}

export interface CliStats {
  readonly requests: number;
  readonly connections: number;
}

/** The line the modelstack CLI prints at exit under MODELSTACK_DEBUG_STATS=1. */
export function modelstackStats(stderr: string): CliStats | undefined {
  const m = /^modelstack stats: requests=(\d+) connections=(\d+)$/m.exec(stderr);
  return m ? { requests: Number(m[1]), connections: Number(m[2]) } : undefined;
}

export type Verdict = 'met' | 'MISSED' | 'n/a';

/** Met when the value is at most the target (a ratio, MiB or a request count). */
export function atMost(value: number | undefined, target: number): Verdict {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return value <= target ? 'met' : 'MISSED';
}

/**
 * The least wall time any client can take for work that costs the API server `serverCpuMs` of
 * CPU, when the server has `cores` cores (it shares them with the client on one machine), after
 * `beforeMs` of work that must come first (the app's run, when its output cannot be reused), as a
 * ratio to the baseline's wall time: a target ratio below it cannot be met on this machine.
 */
export function serverFloorRatio(serverCpuMs: number, cores: number, baselineMs: number, beforeMs = 0): number {
  return (beforeMs + serverCpuMs / cores) / baselineMs;
}
