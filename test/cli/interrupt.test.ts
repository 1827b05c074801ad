// The real CLI in a real process: interrupted (SIGINT, SIGTERM) while `diff --base` runs an app
// that never exits, and with an app timeout. Whatever happens, the user's repository is left
// with no extra git worktree, and no temporary directory or app process is left behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { git, repoRoot, worktrees } from '../diff/git-fixture.js';
import { running, until } from '../support/processes.js';

/** The two ways the CLI starts: the sources through tsx, and the installed bin on the built lib/. */
const SOURCES = ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts')];
const BIN = [join(repoRoot, 'bin', 'modelstack.js')];
const built = existsSync(join(repoRoot, 'lib', 'cli', 'main.cjs'));
if (!built && process.env.CI !== 'true') console.warn('SKIPPED: lib/ is not built here; run "npm run build" to test the installed bin');

/** An app that starts a child process (as `npx tsx` starts node), says where it runs, and never exits. */
const HANGING_APP = `
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const marker = { pid: process.pid, child: child.pid, cwd: process.cwd(), outdir: process.env.CDK8S_OUTDIR };
const file = join(process.env.MARKER_DIR, process.pid + '.json');
writeFileSync(file + '.tmp', JSON.stringify(marker));
renameSync(file + '.tmp', file);
setInterval(() => {}, 1000);
`;

interface Marker {
  readonly pid: number;
  readonly child: number;
  readonly cwd: string;
  readonly outdir: string;
}

interface Repo {
  readonly root: string;
  readonly appDir: string;
  readonly markers: string;
}

/** A git repository whose app (in deploy/) hangs, committed; markers of the app runs go to a directory outside it. */
function hangingRepo(): Repo {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'modelstack-interrupt-repo-')));
  const appDir = join(root, 'deploy');
  mkdirSync(appDir);
  writeFileSync(join(root, '.gitignore'), 'node_modules\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(appDir, 'cdk8s.yaml'), `app: '"${process.execPath}" hang.mjs'\n`);
  writeFileSync(join(appDir, 'hang.mjs'), HANGING_APP);
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '-m', 'hanging app');
  const markers = join(root, '..', `${root.split('/').pop()}-markers`);
  mkdirSync(markers);
  return { root, appDir, markers };
}

function removeRepo(repo: Repo): void {
  rmSync(repo.root, { recursive: true, force: true });
  rmSync(repo.markers, { recursive: true, force: true });
}

function readMarkers(dir: string): Marker[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Marker);
}

interface Cli {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; at: number }>;
}

function startCli(repo: Repo, args: readonly string[], entry: readonly string[] = SOURCES): Cli {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: repo.appDir,
    env: { ...process.env, MARKER_DIR: repo.markers, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr, at: Date.now() })),
  );
  return { child, exited };
}

/** Kills what a failed test left running, so it does not outlive the test run. */
function killLeftovers(markers: readonly Marker[], cli?: ChildProcess): void {
  for (const pid of [...markers.flatMap((m) => [m.pid, m.child]), cli?.pid]) {
    if (pid !== undefined && running(pid)) process.kill(pid, 'SIGKILL');
  }
}

/** Nothing left: only the main worktree, no temporary directory, no app process. */
async function expectNothingLeft(repo: Repo, markers: readonly Marker[]): Promise<void> {
  expect(worktrees(repo.root)).toEqual([repo.root]);
  expect(git(repo.root, 'worktree', 'list', '--porcelain')).not.toContain('prunable');
  for (const m of markers) {
    expect(existsSync(dirname(m.outdir))).toBe(false);
    if (m.cwd !== repo.appDir) expect(existsSync(dirname(dirname(m.cwd)))).toBe(false);
  }
  expect(await until(() => markers.every((m) => !running(m.pid) && !running(m.child)), 3_000)).toBe(true);
}

describe('modelstack CLI, interrupted or timed out', () => {
  let repo: Repo;
  beforeEach(() => {
    repo = hangingRepo();
  });
  afterEach(() => removeRepo(repo));

  test.each([
    ['SIGINT', 130, 'the sources', SOURCES],
    ['SIGTERM', 143, 'the sources', SOURCES],
    ...(built || process.env.CI === 'true' ? [['SIGINT', 130, 'the installed bin', BIN] as const] : []),
  ] as const)(
    'diff --base HEAD, %s while the app runs in the temporary worktree: cleaned up, exit %i (%s)',
    async (signal, exitCode, _entry, entry) => {
      const cli = startCli(repo, ['diff', '--base', 'HEAD'], entry);
      let markers: Marker[] = [];
      try {
        // Both sides run the app: the checkout's, and the one in the temporary worktree.
        const ready = await until(() => (markers = readMarkers(repo.markers)).length === 2, 30_000);
        expect(ready).toBe(true);
        const inWorktree = markers.find((m) => m.cwd !== repo.appDir)!;
        expect(inWorktree.cwd).toMatch(/modelstack-base-[^/]+\/tree\/deploy$/);
        expect(worktrees(repo.root)).toHaveLength(2);
        const sent = Date.now();
        cli.child.kill(signal);
        const r = await cli.exited;
        expect([r.code, r.signal]).toEqual([exitCode, null]);
        expect(r.stderr).toContain(`${signal}: cleaning up`);
        expect(r.at - sent).toBeLessThan(10_000);
        await expectNothingLeft(repo, markers);
      } finally {
        killLeftovers(markers, cli.child);
      }
    },
    60_000,
  );

  test('diff --base HEAD --app-timeout 1: the app is stopped after 1s on both sides, the error says so, nothing is left', async () => {
    const started = Date.now();
    const cli = startCli(repo, ['diff', '--base', 'HEAD', '--app-timeout', '1']);
    let markers: Marker[] = [];
    try {
      const r = await cli.exited;
      markers = readMarkers(repo.markers);
      expect(markers).toHaveLength(2);
      expect(r.code).toBe(2);
      const app = `"${process.execPath}" hang.mjs`;
      expect(r.stderr).toBe(
        `error: at HEAD: the app did not finish within 1s: ${app}\n` +
          'hint: it was stopped with every process it started; if it needs longer, raise the limit with --app-timeout SECONDS (toolkit: appTimeoutMs)\n',
      );
      expect(r.at - started).toBeLessThan(20_000);
      await expectNothingLeft(repo, markers);
    } finally {
      killLeftovers(markers, cli.child);
    }
  }, 60_000);

  test('--app-timeout must be a positive number', async () => {
    const r = await startCli(repo, ['synth', '--app-timeout', '0']).exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --app-timeout "0" is not a positive number\nhint: e.g. --app-timeout 120\n');
    expect(readMarkers(repo.markers)).toEqual([]);
  }, 30_000);
});
