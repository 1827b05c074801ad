import { existsSync } from 'node:fs';
import { lstat, mkdtemp, realpath, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { execaModule } from '../../util/execa-on-demand.js';
import { errorMessage, isModelstackError, ModelstackError } from '../../errors.js';
import type { IoHost } from '../../io/io-host.js';
import type { KubeObject } from '../../model/kube-object.js';
import { synthObjects } from './synth-objects.js';
import { MESSAGES } from '../../io/messages.js';
import { interrupted, registerCleanup } from '../../util/cleanup.js';

export interface GitBaseOptions {
  /** A commit, branch, tag or any revision git understands (HEAD~1, origin/main). */
  readonly ref: string;
  /** A directory inside the git checkout; the app runs in the same directory at `ref`. */
  readonly cwd: string;
  /** The app command. @default `app` of cdk8s.yaml at `ref`, else the default app */
  readonly app?: string;
  /** How long the app may run. @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
}

/** How long one git command (rev-parse, worktree add/remove/prune) may run. */
const GIT_TIMEOUT_MS = 120_000;

/** Variables that would point git somewhere else than `-C` says (set inside git hooks). */
const GIT_LOCATION_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

/**
 * The objects the app synthesized at a git revision: the revision is checked out into a
 * temporary worktree, the checkout's node_modules directories are linked into it (no install),
 * and the app runs in the same subdirectory there. The worktree is always removed afterwards,
 * and by runCleanups when the process is interrupted. When the app's directory did not exist
 * at the revision, the before side is empty.
 */
export async function synthAtGitRef(opts: GitBaseOptions, io: IoHost): Promise<KubeObject[]> {
  if (opts.ref.trim() === '' || opts.ref.startsWith('-')) {
    throw new ModelstackError('GIT', `${JSON.stringify(opts.ref)} is not a git revision`, { hint: 'pass --base with a commit, branch or tag' });
  }
  const cwd = await realpath(resolve(opts.cwd)).catch((e: unknown) => {
    throw new ModelstackError('IO', `cannot read ${opts.cwd}: ${errorMessage(e)}`, { hint: 'run in the directory of the app' });
  });
  const top = await topLevel(cwd);
  const commit = await resolveCommit(top, opts.ref);
  const sub = relative(top, cwd);
  const tmp = await mkdtemp(join(tmpdir(), 'modelstack-base-'));
  const tree = join(tmp, 'tree');
  const links: string[] = [];
  let adding: Promise<GitResult> | undefined;
  const cleanup = registerCleanup(async () => {
    // Interrupted while git adds the worktree: let it finish (it is bounded), then remove it.
    await adding?.catch(() => undefined);
    await removeWorktree(top, tree, tmp, links, io);
  });
  try {
    io.notify(MESSAGES.GIT_CHECKOUT.make(`checking out ${opts.ref} (${commit.slice(0, 12)}) into ${tree}`, { ref: opts.ref, commit, worktree: tree }));
    // Hooks of the repository (post-checkout) have no business in a throwaway worktree.
    if (cleanup.started) throw interrupted(`interrupted before checking out ${opts.ref}`);
    adding = git(top, ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', tree, commit]);
    const add = await adding;
    if (add.failed) {
      throw new ModelstackError('GIT', `cannot check out ${opts.ref} into a temporary worktree`, {
        details: lines(add.stderr),
        hint: 'run "git worktree prune" and try again',
      });
    }
    const appDir = join(tree, sub);
    if (!existsSync(appDir)) {
      io.notify(MESSAGES.GIT_NOTE.make(`${sub || '.'} did not exist at ${opts.ref}; comparing with nothing`, { ref: opts.ref }));
      return [];
    }
    links.push(...(await linkNodeModules(top, tree, sub)));
    if (cleanup.started) throw interrupted(`interrupted before running the app at ${opts.ref}`);
    return await synthObjects({ app: opts.app, cwd: appDir, appTimeoutMs: opts.appTimeoutMs }, io);
  } catch (e) {
    if (isModelstackError(e) && e.code !== 'GIT') {
      // Say which side failed: the same error at the current revision would read alike.
      throw new ModelstackError(e.code, `at ${opts.ref}: ${e.message}`, { details: e.details, hint: e.hint, exitCode: e.exitCode, cause: e });
    }
    throw e;
  } finally {
    await cleanup.run();
  }
}

/** The working tree root of the repository that contains `cwd`. */
async function topLevel(cwd: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (r.failed || r.stdout.trim() === '') {
    throw new ModelstackError('GIT', `${cwd} is not inside a git working tree`, {
      details: lines(r.stderr),
      hint: 'run "modelstack diff --base" in a git checkout, or compare with a directory: --against DIR',
    });
  }
  return realpath(r.stdout.trim());
}

async function resolveCommit(top: string, ref: string): Promise<string> {
  const r = await git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.failed || r.stdout.trim() === '') {
    throw new ModelstackError('GIT', `unknown git revision ${JSON.stringify(ref)} in ${top}`, {
      hint: 'pass a commit, branch or tag that exists; in CI fetch it first (git fetch origin main, or a checkout with full history)',
    });
  }
  return r.stdout.trim();
}

/**
 * Links every node_modules on the way from the checkout's root to the app's directory into the
 * same place in the worktree (where the worktree has none). Returns the links made.
 */
async function linkNodeModules(top: string, tree: string, sub: string): Promise<string[]> {
  const parts = sub === '' ? [] : sub.split(sep);
  const made: string[] = [];
  for (let i = 0; i <= parts.length; i++) {
    const dir = parts.slice(0, i);
    const source = join(top, ...dir, 'node_modules');
    const target = join(tree, ...dir, 'node_modules');
    if (!existsSync(source) || !existsSync(join(tree, ...dir))) continue;
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    )
      continue;
    await symlink(source, target, 'dir');
    made.push(target);
  }
  return made;
}

/** Removes the worktree and everything in `tmp`; never throws (cleanup must not hide an error). */
async function removeWorktree(top: string, tree: string, tmp: string, links: readonly string[], io: IoHost): Promise<void> {
  // Unlink first, so nothing below can ever reach into the checkout's node_modules.
  for (const l of links) await unlink(l).catch(() => undefined);
  const removed = await git(top, ['worktree', 'remove', '--force', tree]).catch((e: unknown) => ({ failed: true, stderr: errorMessage(e) }));
  if (removed.failed && existsSync(tree)) io.notify(MESSAGES.DEBUG.make(`git worktree remove: ${removed.stderr.trim()}`, {}));
  await rm(tmp, { recursive: true, force: true }).catch((e: unknown) => {
    io.notify(MESSAGES.CLEANUP_FAILED.make(`could not remove ${tmp}: ${errorMessage(e)}`, { path: tmp, reason: errorMessage(e) }));
  });
  await git(top, ['worktree', 'prune']).catch(() => undefined);
}

interface GitResult {
  readonly failed: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

async function git(dir: string, args: readonly string[]): Promise<GitResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !GIT_LOCATION_ENV.includes(k)));
  const { execa } = await execaModule();
  const r = await execa('git', ['-C', dir, ...args], {
    reject: false,
    stdin: 'ignore',
    extendEnv: false,
    env: { ...env, GIT_TERMINAL_PROMPT: '0' },
    timeout: GIT_TIMEOUT_MS,
  });
  if (r.code === 'ENOENT') {
    throw new ModelstackError('GIT', 'git is not installed (or not on PATH)', { hint: 'install git, or compare with a directory: --against DIR' });
  }
  if (r.timedOut) {
    throw new ModelstackError('GIT', `git ${args.join(' ')} did not finish within ${GIT_TIMEOUT_MS / 1000}s`, {
      hint: 'check the repository (a lock left by another git process?), then retry',
    });
  }
  return { failed: r.failed, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function lines(text: string): string[] {
  return text.trim() === '' ? [] : text.trim().split('\n');
}
