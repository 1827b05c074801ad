import { allRuntimes, type Engine, type RuntimeId, type RuntimeInfo, runtimeInfo } from '../../src/runtimes/registry.js';
import type { PropIssue } from './issues.js';

export type RouterMode = 'round-robin' | 'kv';
export type ServingMode = 'aggregated' | 'disaggregated';

export interface CapabilityRequest {
  readonly engine?: Engine;
  readonly router?: RouterMode;
  readonly mode?: ServingMode;
}

/** `runtime: "a" | "b"` for the runtimes that can do what `can` asks. */
function runtimesThat(can: (r: RuntimeInfo) => boolean): string {
  return allRuntimes()
    .filter(can)
    .map((r) => JSON.stringify(r.id))
    .join(' | ');
}

/**
 * The cross-field rules that depend on what a runtime can do, read from the runtime registry
 * (its engines and features): KubeRay serves vLLM only (aggregated or disaggregated); KV routing
 * is Dynamo-only.
 */
export function capabilityIssues(runtime: RuntimeId, req: CapabilityRequest): PropIssue[] {
  const info = runtimeInfo(runtime);
  const issues: PropIssue[] = [];
  if (req.engine !== undefined && !info.engines.includes(req.engine)) {
    const modes = req.mode === 'disaggregated' && info.features.disaggregation ? ', aggregated or disaggregated' : '';
    issues.push({
      prop: 'engine',
      value: req.engine,
      problem: `is not served by runtime "${runtime}" (${info.displayName} serves ${info.engines.join(', ')} only${modes})`,
      fix: `use engine: ${info.engines.map((e) => JSON.stringify(e)).join(' | ')}, or runtime: ${runtimesThat((r) => r.engines.includes(req.engine!))}`,
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
    const others = runtimesThat((r) => r.features.disaggregation);
    issues.push({
      prop: 'mode',
      value: req.mode,
      problem: `is not available on runtime "${runtime}" (prefill/decode disaggregation is offered by runtime ${others} only)`,
      fix: `use mode: "aggregated", or set runtime: ${others}`,
    });
  }
  return issues;
}
