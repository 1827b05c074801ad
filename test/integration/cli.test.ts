import { runCli } from '../../src/cli/main.js';
import { fixtureApp } from '../support/paths.js';
import { describeWithCluster, uniqueNamespace } from './support/cluster.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

// The commands as a user runs them: the app is synthesized by the CLI, then diffed, applied,
// listed and destroyed against the real API server.
describeWithCluster('modelstack CLI against a real kube-apiserver', (kubeconfig) => {
  const ns = uniqueNamespace('cli');
  const stack = `cli-${ns.slice(-6)}`;
  const app = fixtureApp('cluster');
  const common = ['--kubeconfig', kubeconfig, '--app', app];

  beforeAll(() => {
    process.env.FIXTURE_NAMESPACE = ns;
    process.env.FIXTURE_STACK = stack;
    process.env.FIXTURE_DECODE = '1';
  });

  afterAll(() => {
    delete process.env.FIXTURE_NAMESPACE;
    delete process.env.FIXTURE_STACK;
    delete process.env.FIXTURE_DECODE;
  });

  test('diff before apply: everything is an add (missing namespace included), exit 1', async () => {
    const r = await cli(['diff', ...common, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { summary: Record<string, number>; changes: Array<{ action: string; ref: string }> };
    expect(report.summary).toEqual({ add: 3, change: 0, remove: 0, unchanged: 0 });
    expect(report.changes.map((c) => `${c.action} ${c.ref}`)).toEqual([
      `add Namespace ${ns}`,
      `add DynamoGraphDeployment ${ns}/qwen`,
      `add RayService ${ns}/qwen-ray`,
    ]);
  }, 60_000);

  test('apply --dry-run writes nothing', async () => {
    const r = await cli(['apply', ...common, '--dry-run', '--skip-preflight']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`stack ${stack}: 3 created, 0 configured, 0 unchanged, 0 pruned (dry run: nothing written)\n`);
    const d = await cli(['diff', ...common, '-o', 'json']);
    expect(d.code).toBe(1);
  }, 60_000);

  test('apply, then diff is empty (exit 0), and list shows both models', async () => {
    const a = await cli(['apply', ...common, '--skip-preflight']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(`stack ${stack}: 3 created, 0 configured, 0 unchanged, 0 pruned\n`);
    expect(a.stderr).toContain(`DynamoGraphDeployment ${ns}/qwen created`);

    const d = await cli(['diff', ...common]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('no changes');

    const l = await cli(['list', '--kubeconfig', kubeconfig, '-n', ns]);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(new RegExp(`qwen\\s+dynamo\\s+DynamoGraphDeployment\\s+Pending\\s+0/3\\s+${stack}`));
    expect(l.stdout).toMatch(new RegExp(`qwen-ray\\s+kuberay\\s+RayService\\s+Pending\\s+0/1\\s+${stack}`));
  }, 60_000);

  test('a changed stack diffs as a markdown PR comment, exit 1', async () => {
    process.env.FIXTURE_DECODE = '3';
    const r = await cli(['diff', ...common, '-o', 'markdown']);
    process.env.FIXTURE_DECODE = '1';
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('0 to add, 1 to change, 0 to remove');
    expect(r.stdout).toContain(`DynamoGraphDeployment ${ns}/qwen`);
    expect(r.stdout).toMatch(/```diff[\s\S]*-\s+replicas: 1\n\+\s+replicas: 3[\s\S]*```/);
  }, 60_000);

  test('destroy removes the stack; a second destroy has nothing to do', async () => {
    const r = await cli(['destroy', ...common]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`stack ${stack}: 3 deleted\n`);
    const again = await cli(['destroy', ...common]);
    expect(again.stdout).toBe(`stack ${stack}: 0 deleted\n`);
  }, 60_000);
});
