import type { Construct } from 'constructs';
import type { z } from 'zod';
import { formatIssue, type PropIssue, zodIssues } from './issues.js';

/**
 * Records prop issues on a construct. They surface together at synth time through the
 * construct tree's validation, each prefixed by cdk8s with `[construct/path]`, so one run
 * reports every mistake of a stack instead of stopping at the first.
 */
export function reportIssues(scope: Construct, issues: readonly PropIssue[]): void {
  if (issues.length === 0) return;
  const messages = issues.map(formatIssue);
  scope.node.addValidation({ validate: () => messages });
}

export interface ParsedProps<T> {
  /** The props, when zod found no problem. */
  readonly value?: T;
  /**
   * When zod found problems: the props parsed again without the top-level props that had
   * them, so the cross-field rules that involve only valid props can still run and a user
   * sees every mistake of a construct in one synth.
   */
  readonly partial?: T;
  /** Top-level props that had a problem (including those in `skip`). */
  readonly invalid: ReadonlySet<string>;
  readonly issues: PropIssue[];
}

/** A construct's props schema: a zod object schema, whose shape names every prop it knows. */
export type PropsSchema<T> = z.ZodType<T> & { readonly shape: object };

/**
 * The top-level props a props schema knows, in the order the schema declares them (the list a
 * "not a known prop" fix names), so the list is never written out a second time.
 */
export function knownProps(schema: { readonly shape: object }): readonly string[] {
  return Object.keys(schema.shape);
}

/**
 * Parses props with a zod object schema. Issues for props already reported by an earlier
 * check (`skip`) are left out so each mistake is said once.
 */
export function parseProps<T>(schema: PropsSchema<T>, input: unknown, skip: readonly PropIssue[] = []): ParsedProps<T> {
  const known = knownProps(schema);
  const top = (prop: string): string => prop.split(/[.[]/)[0]!;
  const skipped = new Set(skip.map((i) => top(i.prop)));
  const result = schema.safeParse(input);
  if (result.success && skipped.size === 0) return { value: result.data, invalid: skipped, issues: [] };
  const issues = result.success ? [] : zodIssues(result.error, input, known).filter((i) => !skipped.has(top(i.prop)));
  const invalid = new Set([...skipped, ...issues.map((i) => top(i.prop))]);
  const reduced = Object.fromEntries(Object.entries((input ?? {}) as Record<string, unknown>).filter(([k]) => !invalid.has(k)));
  const retry = schema.safeParse(reduced);
  return { ...(retry.success ? { partial: retry.data } : {}), invalid, issues };
}

/** Whether every named prop parsed without a problem, so a rule over them may run. */
export function allValid(parsed: ParsedProps<unknown>, ...props: string[]): boolean {
  return props.every((p) => !parsed.invalid.has(p));
}
