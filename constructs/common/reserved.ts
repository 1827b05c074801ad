import { MANAGED_BY_LABEL, RUNTIME_LABEL, STACK_LABEL } from '../../src/model/labels.js';
import type { PropIssue } from './issues.js';

/** Labels modelstack owns: the driver finds a stack's objects by them, so props may not set them. */
const RESERVED_LABELS = [MANAGED_BY_LABEL, STACK_LABEL, RUNTIME_LABEL];
const RESERVED_PREFIXES = ['modelstack.io/', 'applyset.kubernetes.io/'];

export function reservedLabelIssues(labels: Readonly<Record<string, string>> | undefined): PropIssue[] {
  return Object.keys(labels ?? {})
    .filter((k) => RESERVED_LABELS.includes(k) || RESERVED_PREFIXES.some((p) => k.startsWith(p)))
    .map((k) => ({
      prop: `labels.${k}`,
      value: labels![k],
      problem: 'is a label modelstack sets itself to track what a stack owns',
      fix: "remove it (set the stack name with ModelStack's stackName prop)",
    }));
}

/**
 * Env variables a construct writes from other props; setting them in `env` too would render
 * the variable twice with two values.
 */
export function derivedEnvIssues(env: Readonly<Record<string, unknown>> | undefined, derived: Readonly<Record<string, string>>): PropIssue[] {
  return Object.keys(env ?? {})
    .filter((k) => k in derived)
    .map((k) => ({
      prop: `env.${k}`,
      value: typeof env![k] === 'string' ? '(literal value hidden)' : env![k],
      problem: `is set by modelstack from ${derived[k]}`,
      fix: `remove it from env and use ${derived[k]}`,
    }));
}
