import type { ConceptEntry, ConceptId } from '../concepts.js';

/** The p50 and p95 rows of one histogram. */
export function quantiles(concepts: readonly [ConceptId, ConceptId], metric: string, source: string): ConceptEntry[] {
  return [
    { concept: concepts[0], reading: { kind: 'quantile', metric, q: 0.5 }, source },
    { concept: concepts[1], reading: { kind: 'quantile', metric, q: 0.95 }, source },
  ];
}
