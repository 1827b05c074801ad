// Builds a small Go program from a module folder in test/gitops (its own go.mod and go.sum) once,
// and caches the binary under $MODELSTACK_CACHE_DIR (default ~/.cache/modelstack)/gitops, keyed
// by a hash of the module's go.mod, go.sum and *.go files and the package built. Without a Go
// toolchain the tests that need the tool are skipped, except under CI=true, where that fails.
// Test files run in parallel workers: one builds while the others wait on a lock (a folder next
// to the binary naming the builder's pid; a dead builder's lock is taken over), so a cold cache
// costs one build, not one per test file.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD_TIMEOUT_MS = 20 * 60_000;
const LOCK_POLL_MS = 500;
/** A lock folder without its pid file for this long was left by a builder that died creating it. */
const LOCK_CREATE_GRACE_MS = 10_000;

export interface GoTool {
  /** Folder under test/gitops holding go.mod and go.sum. */
  readonly module: string;
  /** The package to build: '.' or an import path the module requires (a `tool` line). */
  readonly pkg: string;
  readonly name: string;
}

export const HEALTH_EVAL: GoTool = { module: 'health-eval', pkg: '.', name: 'health-eval' };
export const ACTIONLINT: GoTool = { module: 'actionlint', pkg: 'github.com/rhysd/actionlint/cmd/actionlint', name: 'actionlint' };

function goCommand(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin']) {
    if (dir && fs.existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return undefined;
}

export function toolPath(tool: GoTool): string {
  const dir = path.join(HERE, tool.module);
  const hash = createHash('sha256').update(`${tool.pkg}\0`);
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort()) {
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(dir, file)))
      .update('\0');
  }
  const cacheRoot = process.env.MODELSTACK_CACHE_DIR || path.join(os.homedir(), '.cache', 'modelstack');
  return path.join(cacheRoot, 'gitops', `${tool.name}-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * The tool's binary, built if not cached; undefined when there is no Go toolchain outside CI
 * (the caller skips). A build failure always throws.
 */
export async function ensureTool(tool: GoTool): Promise<string | undefined> {
  const bin = toolPath(tool);
  if (fs.existsSync(bin)) return bin;
  const go = goCommand();
  if (!go) {
    if (process.env.CI === 'true') throw new Error(`${tool.name}: no Go toolchain on PATH or in /usr/local/go/bin, and CI=true needs it`);
    return undefined;
  }
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  return withBuildLock(`${bin}.lock`, BUILD_TIMEOUT_MS + 60_000, async () => {
    if (fs.existsSync(bin)) return bin; // built by the worker that held the lock
    const tmp = `${bin}.tmp-${process.pid}`;
    try {
      await execa(go, ['build', '-trimpath', '-buildvcs=false', '-o', tmp, tool.pkg], {
        cwd: path.join(HERE, tool.module),
        timeout: BUILD_TIMEOUT_MS,
        forceKillAfterDelay: 5_000,
        stdin: 'ignore',
      });
      fs.renameSync(tmp, bin);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return bin;
  });
}

/** Runs fn holding the lock folder `lock`, waiting at most waitMs for another holder. */
export async function withBuildLock<T>(lock: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (lockIsStale(lock)) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lock}: still held after ${waitMs} ms by another build; remove it if no build runs`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > LOCK_CREATE_GRACE_MS;
    } catch {
      return false; // gone already: the next mkdir decides
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
