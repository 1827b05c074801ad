// test/gitops/health-eval must judge a health check as the controllers do, or health-checks.test.ts
// proves nothing about them. The expected verdicts come from the controllers' own sources:
//   - Argo CD v3.1.0 util/lua: lua.go (runLua, ExecuteHealthLua) and its tests in lua_test.go
//     (TestFailExternalLibCall, TestFailLuaReturnNonTable, TestInvalidHealthStatusStatus,
//     TestNoReturnHealthStatusStatus, TestEmptyHealthStatusStatus, TestHandleInfiniteLoop,
//     TestGetResourceHealth: the string library only with useOpenLibs), oslib_safe.go (os.time
//     and os.date only); gitops-engine pkg/health GetResourceHealth (an error is Unknown);
//   - Flux: fluxcd/pkg/runtime v0.117.0 cel/status_evaluator.go and cel/expression.go.
import { ensureTool, HEALTH_EVAL } from './go-tool.js';
import { type HealthEvalInput, type HealthVerdict, runHealthEval } from './health-eval.js';

const OBJ = {
  apiVersion: 'nvidia.com/v1alpha1',
  kind: 'DynamoGraphDeployment',
  metadata: { name: 'm', generation: 3 },
  status: { observedGeneration: 3, state: 'successful', conditions: [null, { type: 'Ready', status: 'True' }] },
};

let evaluator: string | undefined;
beforeAll(async () => {
  evaluator = await ensureTool(HEALTH_EVAL);
}, 600_000);

function skipped(): boolean {
  if (evaluator) return false;
  console.warn('skipped: no Go toolchain to build test/gitops/health-eval (CI=true fails instead)');
  return true;
}

async function argocd(script: string, obj: object = OBJ): Promise<HealthVerdict> {
  const [r] = await runHealthEval(evaluator!, { lua: script, cel: { current: 'true' }, objects: [obj] });
  return r!.argocd;
}

async function flux(cel: HealthEvalInput['cel'], obj: object = OBJ): Promise<HealthVerdict> {
  const [r] = await runHealthEval(evaluator!, { lua: 'return nil', cel, objects: [obj] });
  return r!.flux;
}

describe('Argo CD side: a resource.customizations.health script (useOpenLibs unset)', () => {
  test('runs without the string and math libraries: using them is a script error, shown as Unknown', async () => {
    if (skipped()) return;
    for (const script of ['return { status = string.format("%s", "Healthy") }', 'return { status = "Healthy", message = tostring(math.max(1, 2)) }']) {
      const v = await argocd(script);
      expect(v).toEqual({ status: 'Unknown', message: v.error, error: expect.stringMatching(/attempt to index a non-table object\(nil\)/) });
    }
  });

  test('has base, table and package, and an os holding only time and date (also through require)', async () => {
    if (skipped()) return;
    const probe = [
      'type(os.time())',
      'type(os.date)',
      'type(require("os").date)',
      'type(os.exit)',
      'type(os.getenv)',
      'type(io)',
      'type(table.concat)',
      'type(ipairs)',
    ];
    const v = await argocd(`return { status = "Healthy", message = ${probe.join(' .. " " .. ')} }`);
    expect(v).toEqual({ status: 'Healthy', message: 'number function function nil nil nil function function' });
  });

  test('a status outside Argo CD health statuses becomes Unknown', async () => {
    if (skipped()) return;
    expect(await argocd('return { status = "Ready", message = "up" }')).toEqual({ status: 'Unknown', message: 'Lua returned an invalid health status' });
  });

  test('no return value, nil or an empty table is a health without status', async () => {
    if (skipped()) return;
    for (const script of ['local hs = {}', 'return nil', 'return {}']) expect(await argocd(script)).toEqual({});
  });

  test('a return value that is not a table is an error, shown as Unknown', async () => {
    if (skipped()) return;
    const message = 'expect table output from Lua script, not number';
    expect(await argocd('return 1')).toEqual({ status: 'Unknown', message, error: message });
  });

  test('a runtime error is Unknown with the error, without the Lua stack trace', async () => {
    if (skipped()) return;
    const v = await argocd('error("no such model")');
    expect(v.status).toBe('Unknown');
    expect(v.error).toMatch(/no such model/);
    expect(v.error).not.toMatch(/stack traceback/);
  });

  test('a script that never returns is stopped by the one-second deadline', async () => {
    if (skipped()) return;
    const started = Date.now();
    const v = await argocd('while true do end');
    expect(v.status).toBe('Unknown');
    expect(v.error).toMatch(/context deadline exceeded/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('the object is obj, its lists built by appending: a null element is dropped', async () => {
    if (skipped()) return;
    const v = await argocd(
      'return { status = "Healthy", message = #obj.status.conditions .. " " .. obj.status.conditions[1].type .. " " .. obj.metadata.generation }',
    );
    expect(v).toEqual({ status: 'Healthy', message: '1 Ready 3' });
  });
});

describe("Flux side: fluxcd/pkg/runtime's CEL status evaluator", () => {
  test('an observedGeneration behind metadata.generation is InProgress before any expression', async () => {
    if (skipped()) return;
    const behind = { ...OBJ, metadata: { name: 'm', generation: 4 } };
    expect(await flux({ current: 'true', failed: 'true' }, behind)).toEqual({ status: 'InProgress' });
    expect(await flux({ current: 'true', failed: 'true' })).toEqual({ status: 'Failed' });
  });

  test('inProgress is tried first, then failed, then current; none true is InProgress', async () => {
    if (skipped()) return;
    expect(await flux({ current: 'true', failed: 'true', inProgress: 'true' })).toEqual({ status: 'InProgress' });
    expect(await flux({ current: 'true', failed: 'false' })).toEqual({ status: 'Current' });
    expect(await flux({ current: 'false', failed: 'false' })).toEqual({ status: 'InProgress' });
  });

  test('an expression on a field the object lacks fails to evaluate, with Flux’s wording', async () => {
    if (skipped()) return;
    const v = await flux({ current: 'spec.ready' });
    expect(v.status).toBeUndefined();
    expect(v.error).toMatch(/^failed to evaluate the CEL expression 'spec\.ready': no such attribute/);
  });

  test('an expression that is not boolean is an error', async () => {
    if (skipped()) return;
    expect(await flux({ current: '1' })).toEqual({ error: "failed to evaluate CEL expression as boolean: '1'" });
  });

  test('a missing current expression is rejected, as Flux rejects the health check', async () => {
    if (skipped()) return;
    await expect(flux({ current: '' })).rejects.toThrow(/expression Current not specified/);
  });
});
