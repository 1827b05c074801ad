import { runCli } from '../../src/cli/main.js';
import { fixtureApp, removeTempDirs, tempDir } from '../support/paths.js';
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
    removeTempDirs();
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
    expect(r.stdout).toBe(`stack ${stack}: 3 created, 0 adopted, 0 configured, 0 unchanged, 0 pruned, 0 released (dry run: nothing written)\n`);
    const d = await cli(['diff', ...common, '-o', 'json']);
    expect(d.code).toBe(1);
  }, 60_000);

  test('apply, then diff is empty (exit 0), and list shows both models', async () => {
    const a = await cli(['apply', ...common, '--skip-preflight']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(`stack ${stack}: 3 created, 0 adopted, 0 configured, 0 unchanged, 0 pruned, 0 released\n`);
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

  test('MODELSTACK_DEBUG_STATS=1 ends stderr with the run\'s API requests and connections; "0" or unset prints none', async () => {
    const stats = /\nmodelstack stats: requests=(\d+) connections=(\d+)\n$/;
    process.env.MODELSTACK_DEBUG_STATS = '1';
    try {
      // A live diff of the 3 applied objects: at least a dry-run apply of each, over reused connections.
      const d = await cli(['diff', ...common]);
      expect(d.code).toBe(0);
      const [, requests, connections] = stats.exec(`\n${d.stderr}`)!.map(Number);
      expect(requests).toBeGreaterThanOrEqual(3);
      expect(connections).toBeGreaterThanOrEqual(1);
      expect(connections).toBeLessThan(requests!);
      // A command that never reaches the cluster sent nothing.
      const s = await cli(['synth', '--app', app, '--out', tempDir()]);
      expect(s.code).toBe(0);
      expect(`\n${s.stderr}`).toMatch(/\nmodelstack stats: requests=0 connections=0\n$/);
      process.env.MODELSTACK_DEBUG_STATS = '0';
      expect((await cli(['diff', ...common])).stderr).not.toContain('modelstack stats');
    } finally {
      delete process.env.MODELSTACK_DEBUG_STATS;
    }
    expect((await cli(['diff', ...common])).stderr).not.toContain('modelstack stats');
  }, 60_000);

  test('destroy without a terminal lists what it would delete and refuses without --yes (exit 1, nothing deleted)', async () => {
    const r = await cli(['destroy', ...common]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `stack ${stack}: will delete 3 object(s), release 0\n  delete  RayService ${ns}/qwen-ray\n  delete  DynamoGraphDeployment ${ns}/qwen\n  delete  Namespace ${ns}  AND EVERYTHING IN IT: `,
    );
    expect(r.stderr).toContain(
      'no terminal to confirm on: answering no\nerror: destroy was not confirmed; nothing was deleted\nhint: run it on a terminal to answer, or pass --yes',
    );
    const l = await cli(['list', '--kubeconfig', kubeconfig, '-n', ns]);
    expect(l.stdout).toContain('qwen-ray');
  }, 60_000);

  test('destroy asks on a terminal: "no" keeps everything, "yes" deletes', async () => {
    const asked: string[] = [];
    const answer = (a: string) => async (q: string) => {
      asked.push(q);
      return a;
    };
    let stderr = '';
    const no = await runCli(['destroy', ...common], { stdout: () => {}, stderr: (t) => (stderr += t), prompt: answer('n') });
    expect(no).toBe(1);
    expect(asked).toEqual(['Type "yes" to go ahead: ']);
    let stdout = '';
    const yes = await runCli(['destroy', ...common], { stdout: (t) => (stdout += t), stderr: () => {}, prompt: answer('yes') });
    expect(yes).toBe(0);
    expect(stdout).toBe(`stack ${stack}: 3 deleted, 0 released\n`);
    expect(stderr).not.toContain('deleting');
  }, 60_000);

  test('destroy --yes of a destroyed stack has nothing to do', async () => {
    const again = await cli(['destroy', ...common, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`stack ${stack}: 0 deleted, 0 released\n`);
  }, 60_000);
});
