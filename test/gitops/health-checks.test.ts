// The Argo CD health scripts (Lua) and Flux health expressions (CEL) that `modelstack gitops
// health` prints, run as the controllers run them (test/gitops/health-eval: Flux's own CEL status
// evaluator from fluxcd/pkg/runtime v0.117.0; gopher-lua with Argo CD v3.1.0's libraries and
// result handling), across the recorded statuses the readiness tests use, must give the verdict
// of the TypeScript readiness (`modelstack list`).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitopsHealthChecks } from '../../src/gitops/health-checks.js';
import { ARGOCD_STATUS, FLUX_OUTCOME } from '../../src/gitops/health-outcomes.js';
import { matchingRule } from '../../src/readiness/phase-rules.js';
import { adapterFor } from '../../src/runtimes/adapters.js';
import { recorded } from '../readiness/load-recorded.js';
import { ensureTool, HEALTH_EVAL } from './go-tool.js';
import { runHealthEval } from './health-eval.js';

const RECORDED = join(dirname(fileURLToPath(import.meta.url)), '..', 'readiness', 'recorded');

type Obj = Record<string, unknown>;

/** Recorded statuses of a kind, plus variants that reach the rules no recording does. */
function cases(prefix: string, variants: Record<string, Obj>): Array<[string, Obj]> {
  const files = readdirSync(RECORDED).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  return [...files.map((f): [string, Obj] => [f, recorded(f.replace(/\.json$/, ''))]), ...Object.entries(variants)];
}

function withStatus(o: Obj, patch: Obj): Obj {
  return { ...o, status: { ...(o.status as Obj), ...patch } };
}

const dgd = recorded('dgd-successful');
const ray = recorded('rayservice-ready');
const CASES = {
  dynamo: cases('dgd-', {
    'dgd successful, Ready False': withStatus(dgd, { conditions: [{ type: 'Ready', status: 'False', reason: 'ComponentsNotReady' }] }),
    'dgd successful, no Ready condition': withStatus(dgd, { conditions: [] }),
    'dgd unknown state': withStatus(dgd, { state: 'paused', conditions: [] }),
    'dgd failed while behind the spec': { ...withStatus(recorded('dgd-failed'), {}), metadata: { name: 'q', generation: 5 } },
    'dgd state not a string': withStatus(dgd, { state: 7, conditions: [] }),
  }),
  kuberay: cases('rayservice-', {
    'rayservice no Ready condition yet': withStatus(ray, { conditions: [] }),
    'rayservice Ready False': withStatus(ray, { conditions: [{ type: 'Ready', status: 'False', reason: 'ServiceNotReady' }] }),
    'rayservice without status': { ...ray, status: undefined },
  }),
} as const;

let evaluator: string | undefined;
beforeAll(async () => {
  evaluator = await ensureTool(HEALTH_EVAL);
}, 600_000);

async function evaluate(checks: ReturnType<typeof gitopsHealthChecks>[number], objects: Obj[]) {
  const { current, inProgress, failed } = checks.flux;
  return runHealthEval(evaluator!, { lua: checks.argocd.script, cel: { current, inProgress, failed }, objects });
}

/** What Flux reports for the object, given the readiness phase. */
function fluxExpected(o: Obj, phase: keyof typeof FLUX_OUTCOME): string {
  // Flux's own first step (fluxcd/pkg runtime/cel StatusEvaluator): an observedGeneration that
  // differs from metadata.generation is InProgress, before any expression.
  const observed = (o.status as Obj | undefined)?.observedGeneration;
  const generation = (o.metadata as Obj | undefined)?.generation;
  if (Number.isInteger(observed) && Number.isInteger(generation) && observed !== generation) return 'InProgress';
  return { current: 'Current', inProgress: 'InProgress', failed: 'Failed' }[FLUX_OUTCOME[phase]];
}

describe.each(gitopsHealthChecks().map((c) => [c.kind, c] as const))('%s health checks', (_kind, checks) => {
  const adapter = adapterFor(checks.runtime as 'dynamo' | 'kuberay');
  const all = CASES[checks.runtime as keyof typeof CASES];

  test('the cases reach every readiness rule and the fallback', () => {
    const reached = new Set(all.map(([, o]) => matchingRule(adapter.phaseRules, o) ?? 'otherwise'));
    expect(reached.size).toBe(adapter.phaseRules.rules.length + 1);
  });

  test('Argo CD Lua and Flux CEL agree with the TypeScript readiness on every case', async () => {
    if (!evaluator) {
      console.warn('skipped: no Go toolchain to build test/gitops/health-eval (CI=true fails instead)');
      return;
    }
    const results = await evaluate(
      checks,
      all.map(([, o]) => o),
    );
    const got = all.map(([name], i) => ({
      name,
      argocd: results[i]!.argocd.status ?? results[i]!.argocd.error,
      flux: results[i]!.flux.status ?? results[i]!.flux.error,
    }));
    const want = all.map(([name, o]) => {
      const phase = adapter.modelState(o).phase;
      // Without any status, Flux's CEL cannot test a top-level field: evaluation fails, which
      // Flux reports as Unknown and waits on (see src/gitops/flux-health.ts); the rules say Pending.
      const flux = o.status === undefined ? expect.stringMatching(/^failed to evaluate the CEL expression '.*': no such attribute/s) : fluxExpected(o, phase);
      return { name, argocd: ARGOCD_STATUS[phase], flux };
    });
    expect(got).toEqual(want);
    // Every result is a real status, not a script error.
    for (const r of results) expect(r.argocd.error).toBeUndefined();
  });
});
