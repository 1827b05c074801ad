import { type Engine, type RuntimeId, runtimeInfo } from '../../src/runtimes/registry.js';
import type { PropIssue } from './issues.js';

export type RouterMode = 'round-robin' | 'kv';
export type ServingMode = 'aggregated' | 'disaggregated';

export interface CapabilityRequest {
  readonly engine?: Engine;
  readonly router?: RouterMode;
  readonly mode?: ServingMode;
}

/**
 * The cross-field rules that depend on what a runtime can do, read from the runtime registry:
 * KubeRay serves vLLM only; KV routing and prefill/decode disaggregation are Dynamo-only.
 */
export function capabilityIssues(runtime: RuntimeId, req: CapabilityRequest): PropIssue[] {
  const info = runtimeInfo(runtime);
  const issues: PropIssue[] = [];
  if (req.engine !== undefined && !info.engines.includes(req.engine)) {
    issues.push({
      prop: 'engine',
      value: req.engine,
      problem: `is not served by runtime "${runtime}" (${info.displayName} serves ${info.engines.join(', ')} only)`,
      fix: `use engine: ${info.engines.map((e) => JSON.stringify(e)).join(' | ')}, or runtime: "dynamo"`,
    });
  }
  if (req.router === 'kv' && !info.features.kvRouting) {
    issues.push({
      prop: 'router',
      value: req.router,
      problem: `is not available on runtime "${runtime}" (KV-aware routing is Dynamo-only)`,
      fix: 'remove router (round-robin is used), or set runtime: "dynamo"',
    });
  }
  if (req.mode === 'disaggregated' && !info.features.disaggregation) {
    issues.push({
      prop: 'mode',
      value: req.mode,
      problem: `is not available on runtime "${runtime}" (prefill/decode disaggregation is Dynamo-only)`,
      fix: 'use mode: "aggregated", or set runtime: "dynamo"',
    });
  }
  return issues;
}
