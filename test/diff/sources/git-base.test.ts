import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { diffObjects } from '../../../src/diff/change-set.js';
import { synthAtGitRef } from '../../../src/diff/sources/git-base.js';
import { synthObjects } from '../../../src/diff/sources/synth-objects.js';
import { RecordingIoHost, silentIoHost } from '../../../src/io/io-host.js';
import { objectRef } from '../../../src/model/kube-object.js';
import { type FixtureRepo, fixtureRepo, removeFixture, repoRoot, V1, V2, worktrees } from '../git-fixture.js';

/** The temporary worktrees the calls used (from their debug messages): each must be gone after. */
const used: string[] = [];
function io(): RecordingIoHost {
  const host = new RecordingIoHost();
  const notify = host.notify.bind(host);
  host.notify = (msg) => {
    const m = / into (\S+)$/.exec(msg.message);
    if (m) used.push(m[1]!);
    notify(msg);
  };
  return host;
}

/** Tests that run the app (a few seconds each, more on a busy machine). */
const SLOW = 60_000;

describe('synthAtGitRef', () => {
  let repo: FixtureRepo;
  beforeAll(() => {
    repo = fixtureRepo([V1, V2]);
  });
  afterAll(() => removeFixture(repo));
  afterEach(() => {
    // Always cleaned up: no worktree registered, no temp dir, the project's node_modules intact.
    expect(worktrees(repo.root)).toEqual([repo.root]);
    expect(used.filter((p) => existsSync(dirname(p)))).toEqual([]);
    expect(existsSync(join(repoRoot, 'node_modules', 'diff', 'package.json'))).toBe(true);
  });

  it(
    'synthesizes the app as it was at the revision: diff --base HEAD~1 shows exactly the commit',
    async () => {
      const [base, current] = await Promise.all([synthAtGitRef({ ref: 'HEAD~1', cwd: repo.appDir }, io()), synthObjects({ cwd: repo.appDir }, silentIoHost)]);
      expect(base.map(objectRef)).toEqual(['Namespace llm', 'DynamoGraphDeployment llm/qwen']);
      const cs = diffObjects(base, current);
      expect(cs.summary).toEqual({ add: 1, change: 1, remove: 0, unchanged: 1 });
      expect(cs.changes.map((c) => `${c.action} ${c.ref}`)).toEqual(['change DynamoGraphDeployment llm/qwen', 'add DynamoGraphDeployment llm/llama']);
      const edits = cs.changes[0]!.diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
      expect(edits).toEqual(['-      replicas: 1', '+      replicas: 3']);
    },
    SLOW,
  );

  it(
    'finds nothing to change against HEAD of a clean checkout',
    async () => {
      const [base, current] = await Promise.all([synthAtGitRef({ ref: 'HEAD', cwd: repo.appDir }, io()), synthObjects({ cwd: repo.appDir }, silentIoHost)]);
      expect(diffObjects(base, current).changes).toEqual([]);
    },
    SLOW,
  );

  it(
    'fails with a GIT error for an unknown revision',
    async () => {
      await expect(synthAtGitRef({ ref: 'no-such-branch', cwd: repo.appDir }, silentIoHost)).rejects.toMatchObject({
        code: 'GIT',
        message: expect.stringContaining('unknown git revision "no-such-branch"'),
        hint: expect.stringContaining('fetch'),
      });
    },
    SLOW,
  );

  it(
    'refuses a revision that looks like an option',
    async () => {
      await expect(synthAtGitRef({ ref: '--output=/tmp/x', cwd: repo.appDir }, silentIoHost)).rejects.toMatchObject({ code: 'GIT' });
      await expect(synthAtGitRef({ ref: ' ', cwd: repo.appDir }, silentIoHost)).rejects.toMatchObject({ code: 'GIT' });
    },
    SLOW,
  );
});

describe('synthAtGitRef outside the happy path', () => {
  it(
    'fails with a GIT error outside a git repository',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelstack-not-git-'));
      try {
        await expect(synthAtGitRef({ ref: 'HEAD', cwd: dir }, silentIoHost)).rejects.toMatchObject({
          code: 'GIT',
          message: expect.stringContaining('not inside a git working tree'),
          hint: expect.stringContaining('--against'),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it(
    'removes the worktree when the app fails at the revision, and says which side failed',
    async () => {
      const repo = fixtureRepo(['broken', V1]);
      const count = used.length;
      try {
        await expect(synthAtGitRef({ ref: 'HEAD~1', cwd: repo.appDir }, io())).rejects.toMatchObject({
          code: 'APP_FAILED',
          message: expect.stringMatching(/^at HEAD~1: the app failed/),
        });
        expect(worktrees(repo.root)).toEqual([repo.root]);
        expect(used.length).toBe(count + 1);
        expect(used.filter((p) => existsSync(dirname(p)))).toEqual([]);
      } finally {
        removeFixture(repo);
      }
    },
    SLOW,
  );

  it(
    'compares with nothing when the app directory did not exist at the revision',
    async () => {
      const repo = fixtureRepo(['absent', V1]);
      try {
        const io = new RecordingIoHost();
        expect(await synthAtGitRef({ ref: 'HEAD~1', cwd: repo.appDir }, io)).toEqual([]);
        expect(io.text('warn')).toEqual(['deploy did not exist at HEAD~1; comparing with nothing']);
        expect(worktrees(repo.root)).toEqual([repo.root]);
      } finally {
        removeFixture(repo);
      }
    },
    SLOW,
  );

  it(
    'runs an explicit app command at the revision',
    async () => {
      const repo = fixtureRepo([V2, V1]);
      try {
        const base = await synthAtGitRef({ ref: 'HEAD~1', cwd: repo.appDir, app: 'npx tsx app.ts' }, silentIoHost);
        expect(base.map(objectRef)).toEqual(['Namespace llm', 'DynamoGraphDeployment llm/qwen', 'DynamoGraphDeployment llm/llama']);
      } finally {
        removeFixture(repo);
      }
    },
    SLOW,
  );
});
