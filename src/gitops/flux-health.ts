import type { FieldPath, PhaseRules, Predicate } from '../readiness/phase-rules.js';
import { FLUX_OUTCOME, type FluxOutcome } from './health-outcomes.js';

/** A Kustomization's spec.healthCheckExprs entry, without apiVersion and kind. */
export interface FluxHealthExprs {
  readonly current: string;
  readonly inProgress?: string;
  readonly failed?: string;
}

/**
 * Flux health check expressions (CEL) for a model kind, generated from its PhaseRules.
 *
 * Flux evaluates inProgress, then failed, then current, the first true one wins, none true is
 * InProgress (fluxcd/pkg runtime/cel StatusEvaluator). The rules are first-match, so each rule
 * becomes "this rule holds and no earlier one does", which makes the three expressions mutually
 * exclusive: Flux's order cannot change a verdict.
 *
 * Every top-level field of the object is a CEL variable; nested fields are guarded with has().
 * A top-level field itself cannot be tested: an object with no `status` at all makes the
 * expressions fail to evaluate, which Flux reports as Unknown and waits on, as it does for
 * InProgress (and the rules say Pending, which is inProgress). So `absent` of a top-level field
 * compiles to `false`.
 */
export function fluxHealthExprs(rules: PhaseRules): FluxHealthExprs {
  const exprs = rules.rules.map((r) => cel(r.when));
  const exclusive = rules.rules.map((rule, i) => ({
    phase: rule.phase,
    expr: conjunction([exprs[i]!, ...exprs.slice(0, i).map((e) => (e === 'false' ? 'true' : `!${e}`))]),
  }));
  // No rule matching is `otherwise`; when that is inProgress, Flux's own default says so already.
  const none = conjunction(exprs.map((e) => (e === 'false' ? 'true' : `!${e}`)));
  const all = FLUX_OUTCOME[rules.otherwise] === 'inProgress' ? exclusive : [...exclusive, { phase: rules.otherwise, expr: none }];
  const of = (outcome: FluxOutcome): string | undefined => {
    const terms = all.filter((t) => FLUX_OUTCOME[t.phase] === outcome && t.expr !== 'false').map((t) => t.expr);
    return terms.length === 0 ? undefined : terms.map((t) => (terms.length > 1 ? `(${t})` : t)).join(' ||\n');
  };
  const inProgress = of('inProgress');
  const failed = of('failed');
  return { current: of('current') ?? 'false', ...(inProgress ? { inProgress } : {}), ...(failed ? { failed } : {}) };
}

/** a && b && ..., without `true` terms; `false` if any term is. */
function conjunction(terms: readonly string[]): string {
  if (terms.includes('false')) return 'false';
  const kept = terms.filter((t) => t !== 'true');
  return kept.length === 0 ? 'true' : kept.join(' && ');
}

/** (a || b || ...), without `false` terms; `true` if any term is. */
function disjunction(terms: readonly string[]): string {
  if (terms.includes('true')) return 'true';
  const kept = terms.filter((t) => t !== 'false');
  return kept.length === 0 ? 'false' : kept.length === 1 ? kept[0]! : `(${kept.join(' || ')})`;
}

function cel(p: Predicate): string {
  switch (p.op) {
    case 'absent':
      return p.path.length === 1 ? 'false' : `!(${present(p.path)})`;
    case 'oneOf':
      return `(${present(p.path, true)} && type(${ref(p.path)}) == string && ${ref(p.path)} in ${list(p.values)})`;
    case 'condition': {
      const first = `${CONDITIONS}.filter(c, ${isType(p.type)})[0]`;
      return `(${hasCondition(p.type)} && has(${first}.status) && ${first}.status == ${str(p.status)})`;
    }
    case 'noCondition':
      return `!${hasCondition(p.type)}`;
    case 'less':
      return `(${number(p.left)} && ${number(p.right)} && ${ref(p.left)} < ${ref(p.right)})`;
    case 'someEntry': {
      const m = ref(p.map);
      const entry = `${m}[k]`;
      const value = `${entry}[${str(p.field)}]`;
      return `(${present(p.map, true)} && type(${m}) == map && ${m}.exists(k, type(${entry}) == map && ${str(p.field)} in ${entry} && type(${value}) == string && ${value} in ${list(p.values)}))`;
    }
    case 'all': {
      const c = conjunction(p.of.map(cel));
      return c === 'true' || c === 'false' || p.of.length < 2 ? c : `(${c})`;
    }
    case 'any':
      return disjunction(p.of.map(cel));
    case 'not': {
      const c = cel(p.of);
      return c === 'true' ? 'false' : c === 'false' ? 'true' : `!${c}`;
    }
  }
}

const CONDITIONS = 'status.conditions';

/** Some condition has this type (status.conditions a list of maps). */
function hasCondition(type: string): string {
  return `(${present(['status', 'conditions'], true)} && type(${CONDITIONS}) == list && ${CONDITIONS}.exists(c, ${isType(type)}))`;
}

function isType(type: string): string {
  return `type(c) == map && has(c.type) && c.type == ${str(type)}`;
}

/**
 * The nested field exists and is not null (the top-level one is assumed: see fluxHealthExprs).
 * `typed`: the caller checks its type next, which excludes null already.
 */
function present(path: FieldPath, typed = false): string {
  const checks: string[] = [];
  for (let i = 2; i <= path.length; i++) checks.push(`has(${ref(path.slice(0, i) as unknown as FieldPath)})`);
  if (!typed) checks.push(`${ref(path)} != null`);
  return checks.length === 0 ? 'true' : checks.join(' && ');
}

function number(path: FieldPath): string {
  return `${present(path, true)} && type(${ref(path)}) in [int, uint, double]`;
}

function ref(path: FieldPath): string {
  for (const key of path) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not a CEL identifier: ${key}`);
  return path.join('.');
}

function list(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}

/** A CEL string literal (single-quoted; our strings are plain ASCII without quotes or backslashes). */
function str(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s) || /['\\]/.test(s)) throw new Error(`not a plain string for a CEL literal: ${JSON.stringify(s)}`);
  return `'${s}'`;
}
