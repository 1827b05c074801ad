// The built `modelstack` bin (lib/, from `npm run build`) run as a user runs it: `gitops argocd-ignore`
// on a stack with the Dynamo planner and on one without an autoscaler, and `diff --ignore` /
// `diff --split-dir` on a git repository with two committed versions; exit codes and the full
// usage messages on stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type FixtureRepo, fixtureRepo, removeFixture, V1, V2, worktrees } from '../diff/git-fixture.js';
import { removeTempDirs, repoRoot, tempDir } from '../support/paths.js';

const bin = join(repoRoot, 'bin', 'modelstack.js');
const built = existsSync(join(repoRoot, 'lib', 'cli', 'main.cjs'));
const SLOW = 90_000;

function modelstack(args: readonly string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 80_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An app directory (not a git repository) whose stack is `body`, run with the project's tsx. */
function app(body: string): string {
  const dir = tempDir('modelstack-bin-app-');
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'cdk8s.yaml'), 'language: typescript\napp: npx tsx app.ts\n');
  writeFileSync(
    join(dir, 'app.ts'),
    [
      `import { DynamoModel, ModelStack, ModelstackApp } from ${JSON.stringify(join(repoRoot, 'index.ts'))};`,
      'const app = new ModelstackApp();',
      "const stack = new ModelStack(app, 'fixture', { namespace: 'llm' });",
      body,
      'app.synth();',
      '',
    ].join('\n'),
  );
  return dir;
}

afterAll(removeTempDirs);
if (!built && process.env.CI !== 'true') console.warn('SKIPPED: lib/ is not built here; run "npm run build" to test the bin');
const describeBuilt = built || process.env.CI === 'true' ? describe : describe.skip;

describeBuilt('modelstack gitops argocd-ignore (bin)', () => {
  test(
    'a planner model: exit 0, YAML with one entry whose jq paths name each worker the planner scales',
    () => {
      const r = modelstack(['gitops', 'argocd-ignore'], app("new DynamoModel(stack, 'm', { model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', planner: {} });"));
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(parse(r.stdout)).toEqual({
        ignoreDifferences: [
          {
            group: 'nvidia.com',
            kind: 'DynamoGraphDeployment',
            name: 'm',
            namespace: 'llm',
            jqPathExpressions: [
              '.spec.components[] | select(.name == "VllmPrefillWorker") | .replicas',
              '.spec.components[] | select(.name == "VllmDecodeWorker") | .replicas',
            ],
          },
        ],
      });
    },
    SLOW,
  );

  test(
    'no autoscaler in the stack: exit 0, an empty list with a comment saying why',
    () => {
      const r = modelstack(['gitops', 'argocd-ignore'], app("new DynamoModel(stack, 'm', { model: 'Qwen/Qwen3-0.6B' });"));
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '# no replica counts in the stack are owned by an autoscaler\nignoreDifferences: []\n', '']);
    },
    SLOW,
  );

  test('usage errors: exit 2, the whole message and hint on stderr, nothing on stdout', () => {
    const cwd = tempDir('modelstack-bin-empty-');
    expect(modelstack(['gitops', 'argocd-ignore', '--bogus'], cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: gitops argocd-ignore: Unknown option \'--bogus\'\nhint: run "modelstack gitops argocd-ignore --help"\n',
    });
    expect(modelstack(['gitops'], cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: gitops: missing subcommand\nhint: use one of: argocd-ignore, health\n',
    });
    expect(modelstack(['gitops', 'argo'], cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: gitops: unknown subcommand "argo"\nhint: use one of: argocd-ignore, health\n',
    });
  });

  test('--help after the subcommand prints the subcommand usage (it printed the group usage before), after the group the group usage', () => {
    const cwd = tempDir('modelstack-bin-empty-');
    const r = modelstack(['gitops', 'argocd-ignore', '--help'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: modelstack gitops argocd-ignore \[--app CMD\] \[--app-timeout SECONDS\]\n/);
    const g = modelstack(['gitops', '--help'], cwd);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^usage: modelstack gitops <subcommand>\n/);
  });
});

describeBuilt('modelstack diff --ignore / --split-dir (bin)', () => {
  let repo: FixtureRepo;
  beforeAll(() => {
    repo = fixtureRepo([V1, V2]);
  });
  afterAll(() => removeFixture(repo));
  afterEach(() => expect(worktrees(repo.root)).toEqual([repo.root]));

  test(
    '--ignore drops the changed field from both sides: the worker replicas change 1 -> 3 disappears, the added model stays; exit 1',
    () => {
      const all = modelstack(['diff', '--base', 'HEAD~1', '-o', 'json'], repo.appDir);
      expect([all.code, all.stderr]).toEqual([1, '']);
      expect((JSON.parse(all.stdout) as { summary: unknown }).summary).toEqual({ add: 1, change: 1, remove: 0, unchanged: 1 });
      const r = modelstack(['diff', '--base', 'HEAD~1', '-o', 'json', '--ignore', 'DynamoGraphDeployment:spec.components[type=worker].replicas'], repo.appDir);
      expect([r.code, withoutReuseNote(r.stderr)]).toEqual([1, '']);
      expect((JSON.parse(r.stdout) as { summary: unknown }).summary).toEqual({ add: 1, change: 0, remove: 0, unchanged: 2 });
    },
    SLOW,
  );

  test(
    '--split-dir DIR -o markdown: stdout lists the numbered files it wrote, each a whole markdown report; exit 1',
    () => {
      const dir = join(tempDir('modelstack-bin-split-'), 'parts');
      const r = modelstack(['diff', '--base', 'HEAD~1', '-o', 'markdown', '--split-dir', dir], repo.appDir);
      expect([r.code, withoutReuseNote(r.stderr)]).toEqual([1, '']);
      const files = readdirSync(dir).sort();
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((f) => /^modelstack-diff-\d+\.md$/.test(f))).toBe(true);
      expect(r.stdout).toBe(files.map((f) => `${join(dir, f)}\n`).join(''));
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(65_536);
        expect(text).toContain('DynamoGraphDeployment llm/llama');
      }
    },
    SLOW,
  );

  test('--split-dir without -o markdown: exit 2 with the full usage message, no files written', () => {
    const dir = join(tempDir('modelstack-bin-split-'), 'parts');
    expect(modelstack(['diff', '--base', 'HEAD~1', '--split-dir', dir], repo.appDir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: diff: --split-dir works with -o markdown only\nhint: add -o markdown, or drop --split-dir\n',
    });
    expect(existsSync(dir)).toBe(false);
    expect(modelstack(['diff', '-o', 'markdown', '--split-dir'], repo.appDir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: diff: Option \'--split-dir <value>\' argument missing\nhint: run "modelstack diff --help"\n',
    });
  });
});

/** apply and diff may reuse the app's earlier output and say so on stderr (src/synth/synth-reuse.ts); nothing else may be there. */
function withoutReuseNote(stderr: string): string {
  return stderr.replace(/^reused the output of .* \(--resynth runs the app again\)\n/m, '');
}
