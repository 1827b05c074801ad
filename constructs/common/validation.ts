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

/**
 * Parses props with a zod schema. Issues for props already reported by an earlier check
 * (`skip`) are left out so each mistake is said once. Returns the parsed props, or undefined
 * when zod found a problem.
 */
export function parseProps<T>(
  schema: z.ZodType<T>,
  input: unknown,
  known: readonly string[],
  skip: readonly PropIssue[] = [],
): { readonly value?: T; readonly issues: PropIssue[] } {
  const result = schema.safeParse(input);
  if (result.success) return { value: result.data, issues: [] };
  const skipped = new Set(skip.map((i) => i.prop.split(/[.[]/)[0]));
  const issues = zodIssues(result.error, input, known).filter((i) => !skipped.has(i.prop.split(/[.[]/)[0]));
  return { issues };
}
