import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useColor } from '../../../src/cli/commands/diff-command.js';
import { runCli } from '../../../src/cli/main.js';
import type { JsonReport } from '../../../src/diff/render/json.js';
import { type FixtureRepo, fixtureRepo, git, removeFixture, V1, V2, worktrees } from '../../diff/git-fixture.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: readonly string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, cwd);
  return { code, stdout, stderr };
}

/** The line saying the app's last output was reused (src/synth/synth-reuse.ts): a test before may have run the same app. */
const REUSED = /^reused the output of npx tsx app\.ts from \S+: its inputs are unchanged \(--resynth runs the app again\)\n/;

/** Tests that run the app (a few seconds each, more on a busy machine). */
const SLOW = 60_000;

describe('modelstack diff', () => {
  let repo: FixtureRepo;
  let out: string;
  const noColor = process.env.NO_COLOR;
  beforeAll(async () => {
    process.env.NO_COLOR = '1';
    repo = fixtureRepo([V1, V2]);
    // A directory synthesized earlier, from version 1.
    out = mkdtempSync(join(tmpdir(), 'modelstack-diff-out-'));
    git(repo.root, 'checkout', '--quiet', 'HEAD~1');
    try {
      expect((await cli(['synth', '--out', out], repo.appDir)).code).toBe(0);
    } finally {
      git(repo.root, 'checkout', '--quiet', 'main');
    }
  }, SLOW);
  afterAll(() => {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    removeFixture(repo);
    rmSync(out, { recursive: true, force: true });
  });
  afterEach(() => expect(worktrees(repo.root)).toEqual([repo.root]));

  it(
    '--base HEAD~1 -o json: exactly the committed changes, exit code 1',
    async () => {
      const r = await cli(['diff', '--base', 'HEAD~1', '-o', 'json'], repo.appDir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.summary).toEqual({ add: 1, change: 1, remove: 0, unchanged: 1 });
      expect(report.changes.map((c) => `${c.action} ${c.ref}`)).toEqual(['change DynamoGraphDeployment llm/qwen', 'add DynamoGraphDeployment llm/llama']);
    },
    SLOW,
  );

  it(
    '--against DIR compares with a directory synthesized earlier, the same as --base',
    async () => {
      const against = await cli(['diff', '--against', out, '-o', 'json'], repo.appDir);
      const base = await cli(['diff', '--base', 'HEAD~1', '-o', 'json'], repo.appDir);
      expect(against.code).toBe(1);
      expect(against.stdout).toBe(base.stdout);
    },
    SLOW,
  );

  it(
    'text by default, without color when NO_COLOR is set',
    async () => {
      const r = await cli(['diff', '--base', 'HEAD~1'], repo.appDir);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('\x1b[');
      expect(r.stdout).toContain('-      replicas: 1\n+      replicas: 3\n');
      expect(r.stdout.trimEnd().split('\n').pop()).toBe('1 to add, 1 to change, 0 to remove, 1 unchanged');
    },
    SLOW,
  );

  it(
    '-o markdown writes a pull-request comment',
    async () => {
      const r = await cli(['diff', '--base', 'HEAD~1', '-o', 'markdown'], repo.appDir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^### modelstack diff\n\nCompared with <code>git HEAD~1<\/code>: \*\*1 to add, 1 to change, 0 to remove, 1 unchanged\*\*\n/);
      expect(r.stdout).toContain('```diff\n');
    },
    SLOW,
  );

  it(
    'exit code 0 when nothing changes',
    async () => {
      const r = await cli(['diff', '--base', 'HEAD'], repo.appDir);
      expect({ ...r, stderr: r.stderr.replace(REUSED, '') }).toEqual({ code: 0, stdout: 'no changes, 3 unchanged\n', stderr: '' });
    },
    SLOW,
  );

  it(
    'exit code 2 and a GIT error for an unknown revision, with no worktree left',
    async () => {
      const r = await cli(['diff', '--base', 'nope'], repo.appDir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.replace(REUSED, '')).toMatch(/^error: unknown git revision "nope"/);
      expect(r.stderr).toContain('hint: ');
    },
    SLOW,
  );

  it(
    'exit code 2 for usage errors',
    async () => {
      const both = await cli(['diff', '--base', 'HEAD', '--against', out], repo.appDir);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('--base and --against cannot be used together');
      const format = await cli(['diff', '--base', 'HEAD', '-o', 'yaml'], repo.appDir);
      expect(format.code).toBe(2);
      expect(format.stderr).toContain('-o "yaml" is not one of text, markdown, json');
      const missing = await cli(['diff', '--against', join(out, 'missing')], repo.appDir);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('error: cannot read');
    },
    SLOW,
  );

  it(
    'with neither flag, diffs against the live cluster: a missing kubeconfig is a clear error, no trace',
    async () => {
      const r = await cli(['diff', '--kubeconfig', join(repo.appDir, 'no-such-kubeconfig')], repo.appDir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: kubeconfig ${join(repo.appDir, 'no-such-kubeconfig')} does not exist`);
      expect(r.stderr).toContain('hint: pass --kubeconfig with an existing file, or set KUBECONFIG');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );

  it(
    'is listed in the help after synth and validate',
    async () => {
      const r = await cli(['--help'], repo.appDir);
      const names = r.stdout
        .split('\n')
        .filter((l) => /^ {2}\w/.test(l))
        .map((l) => l.trim().split(/\s+/)[0]);
      expect(names.indexOf('diff')).toBe(names.indexOf('validate') + 1);
      expect((await cli(['diff', '--help'], repo.appDir)).stdout).toContain('modelstack diff [--base REF | --against DIR]');
    },
    SLOW,
  );
});

describe('useColor', () => {
  it('colors only a terminal without NO_COLOR', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(undefined, {})).toBe(false);
  });
});
