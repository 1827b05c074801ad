import type { ModelPhase } from './model-state.js';

/**
 * A model kind's readiness rules as data: an ordered list of (predicate, phase), the first match
 * wins, else `otherwise`. `list` (through each runtime's readiness), the Argo CD health script
 * (src/gitops/argocd-health.ts) and the Flux health expressions (src/gitops/flux-health.ts) all
 * read the same rules, so the three cannot disagree on a phase.
 *
 * The predicates are deliberately few, each with one meaning in TypeScript, Lua and CEL.
 */
export interface PhaseRules {
  readonly rules: readonly PhaseRule[];
  readonly otherwise: ModelPhase;
}

export interface PhaseRule {
  readonly phase: ModelPhase;
  readonly when: Predicate;
}

/** A field path from the object's root, e.g. ['status', 'state']. */
export type FieldPath = readonly [string, ...string[]];

export type Predicate =
  /** The field is missing or null. */
  | { readonly op: 'absent'; readonly path: FieldPath }
  /** The field is one of these strings. */
  | { readonly op: 'oneOf'; readonly path: FieldPath; readonly values: readonly string[] }
  /** The first status condition of this type has this status. */
  | { readonly op: 'condition'; readonly type: string; readonly status: string }
  /** No status condition has this type. */
  | { readonly op: 'noCondition'; readonly type: string }
  /** Both fields are numbers and left < right. */
  | { readonly op: 'less'; readonly left: FieldPath; readonly right: FieldPath }
  /** The field is a map and some entry's `field` is one of these strings. */
  | { readonly op: 'someEntry'; readonly map: FieldPath; readonly field: string; readonly values: readonly string[] }
  | { readonly op: 'all'; readonly of: readonly Predicate[] }
  | { readonly op: 'any'; readonly of: readonly Predicate[] }
  | { readonly op: 'not'; readonly of: Predicate };

/** The phase the rules give an object (any shape, even none). */
export function phaseByRules(rules: PhaseRules, obj: unknown): ModelPhase {
  return matchingRule(rules, obj)?.phase ?? rules.otherwise;
}

/** The first rule that matches, if any. */
export function matchingRule(rules: PhaseRules, obj: unknown): PhaseRule | undefined {
  return rules.rules.find((r) => holds(r.when, obj));
}

export function holds(p: Predicate, obj: unknown): boolean {
  switch (p.op) {
    case 'absent':
      return fieldAt(obj, p.path) == null;
    case 'oneOf': {
      const v = fieldAt(obj, p.path);
      return typeof v === 'string' && p.values.includes(v);
    }
    case 'condition':
      return firstCondition(obj, p.type)?.status === p.status;
    case 'noCondition':
      return firstCondition(obj, p.type) === undefined;
    case 'less': {
      const l = fieldAt(obj, p.left);
      const r = fieldAt(obj, p.right);
      return typeof l === 'number' && typeof r === 'number' && l < r;
    }
    case 'someEntry': {
      const m = fieldAt(obj, p.map);
      if (!isRecord(m)) return false;
      return Object.values(m).some((e) => {
        const v = isRecord(e) ? e[p.field] : undefined;
        return typeof v === 'string' && p.values.includes(v);
      });
    }
    case 'all':
      return p.of.every((q) => holds(q, obj));
    case 'any':
      return p.of.some((q) => holds(q, obj));
    case 'not':
      return !holds(p.of, obj);
  }
}

function fieldAt(obj: unknown, path: FieldPath): unknown {
  let v: unknown = obj;
  for (const key of path) {
    if (!isRecord(v)) return undefined;
    v = v[key];
  }
  return v;
}

function firstCondition(obj: unknown, type: string): { status?: unknown } | undefined {
  const conditions = fieldAt(obj, ['status', 'conditions']);
  if (!Array.isArray(conditions)) return undefined;
  return (conditions as unknown[]).find((c): c is { type: unknown; status?: unknown } => isRecord(c) && c.type === type);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
