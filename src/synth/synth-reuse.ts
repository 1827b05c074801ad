import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackManifest } from '../model/kube-object.js';
import { mapBounded } from '../util/map-bounded.js';
import { writeFileAtomic } from '../util/write-atomic.js';

/**
 * Reuse of an app's output by apply and diff when nothing it could depend on changed since it
 * last ran (the app then is not run). Conservative: what cannot be fingerprinted cheaply means
 * "run the app". The fingerprint is a SHA-256 of:
 * - the app command and the directory it runs in;
 * - the whole environment modelstack runs in (the app inherits it; which variables a stack reads
 *   is not knowable for an arbitrary command), without `_` and `OLDPWD`;
 * - the content of every file under that directory, except in node_modules, .git, dist and
 *   cdk8s.out (cdk8s.yaml, the stack sources, local modules, package.json and lock files are among
 *   them); at most MAX_FILES files and MAX_BYTES bytes, else nothing is reused;
 * - size and modification time of the dependency lock files in that directory and every one above
 *   it (node_modules/.package-lock.json, which npm rewrites on every install, package-lock.json,
 *   yarn.lock, pnpm-lock.yaml, node_modules/.modules.yaml, bun.lock, bun.lockb);
 * - the Node.js version and this modelstack build (the modification time of this file).
 * Not covered: files outside the directory that the app reads or imports other than through
 * node_modules (e.g. `../shared/x.ts`), and the network. `--resynth` (toolkit: `resynth`) runs the
 * app whatever the fingerprint says.
 *
 * The entry is stored in the cache directory (MODELSTACK_CACHE_DIR, default ~/.cache/modelstack)
 * under synth/, one file per directory and app command (owner-only permissions), replaced by
 * every run of that app. A stack with Secret data is never stored: Secret contents stay out of
 * the cache.
 */

/** Directories whose contents are not part of the fingerprint (dependencies, git, synth outputs). */
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'cdk8s.out']);
const LOCK_FILES = [
  'node_modules/.package-lock.json',
  'node_modules/.modules.yaml',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
];
const IGNORED_ENV = new Set(['_', 'OLDPWD']);
/** Beyond these, the project is not fingerprinted (too costly to read on every command): the app runs. */
export const MAX_FILES = 5_000;
export const MAX_BYTES = 32 * 1024 * 1024;
const FORMAT = 'modelstack-synth-reuse/1';

export interface FingerprintInput {
  readonly command: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Why nothing can be reused, or the fingerprint. */
export type Fingerprint = { readonly hash: string } | { readonly unknown: string };

export async function fingerprint(input: FingerprintInput): Promise<Fingerprint> {
  // The build, the project's files and the lock files are looked up at once, and files read a
  // few at a time: one after another, a fingerprint of a small project took 3-8 ms, mostly in
  // waiting for the ~30 lock-file stats. The lines hashed, and their order, are as before.
  const [build, files, locks] = await Promise.all([ownBuild(), projectFiles(input.cwd), lockFiles(input.cwd)]);
  if ('unknown' in files) return files;
  const h = createHash('sha256');
  const line = (...parts: string[]): void => void h.update(`${parts.join('\0')}\n`);
  line(FORMAT, process.version, build);
  line('command', input.command, input.cwd);
  for (const [k, v] of Object.entries(input.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v !== undefined && !IGNORED_ENV.has(k)) line('env', k, v);
  }
  const digests = await fileDigests(input.cwd, files.paths);
  if ('unknown' in digests) return digests;
  for (const [i, file] of files.paths.entries()) line('file', relative(input.cwd, file), digests.hex[i]!);
  for (const lock of locks) line('lock', lock.path, String(lock.size), String(lock.mtimeMs));
  return { hash: h.digest('hex') };
}

/** How many project files are read at once for the fingerprint. */
const READ_CONCURRENCY = 16;

/** Each file's SHA-256 (in the order given), or why not: a file that cannot be read, or too many bytes. */
async function fileDigests(cwd: string, paths: readonly string[]): Promise<{ readonly hex: string[] } | { readonly unknown: string }> {
  let bytes = 0;
  const settled = await mapBounded(paths, READ_CONCURRENCY, async (path) => {
    // Past the limit nothing more is read: the fingerprint is given up below.
    if (bytes > MAX_BYTES) return '';
    const content = await readFile(path);
    bytes += content.length;
    return createHash('sha256').update(content).digest('hex');
  });
  if (bytes > MAX_BYTES) return { unknown: `the directory holds more than ${MAX_BYTES / 1024 / 1024} MiB of files` };
  const unreadable = settled.findIndex((r) => r.status === 'rejected');
  if (unreadable >= 0) return { unknown: `${relative(cwd, paths[unreadable]!)} could not be read` };
  return { hex: settled.map((r) => (r as PromiseFulfilledResult<string>).value) };
}

/** The lock files of the project's directory and every directory above it, in that order. */
async function lockFiles(cwd: string): Promise<Array<{ readonly path: string; readonly size: number; readonly mtimeMs: number }>> {
  const paths: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const lock of LOCK_FILES) paths.push(join(dir, lock));
    if (dirname(dir) === dir) break;
  }
  const found = await Promise.all(paths.map(async (path) => ({ path, s: await stat(path).catch(() => undefined) })));
  return found.flatMap(({ path, s }) => (s ? [{ path, size: s.size, mtimeMs: s.mtimeMs }] : []));
}

/** This modelstack build: a rebuilt or reinstalled modelstack runs the app again. */
async function ownBuild(): Promise<string> {
  try {
    const s = await stat(fileURLToPath(import.meta.url));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'unknown';
  }
}

async function projectFiles(cwd: string): Promise<{ readonly paths: string[] } | { readonly unknown: string }> {
  const paths: string[] = [];
  const pending = [cwd];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return { unknown: `${relative(cwd, dir) || '.'} could not be listed` };
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) pending.push(path);
      } else if (e.isFile()) {
        paths.push(path);
      } else if (e.isSymbolicLink()) {
        const s = await stat(path).catch(() => undefined);
        // A link to a directory may lead anywhere (even to a cycle): not followed, nothing reused.
        if (s?.isDirectory()) return { unknown: `${relative(cwd, path)} is a link to a directory` };
        if (s?.isFile()) paths.push(path);
      }
      if (paths.length > MAX_FILES) return { unknown: `the directory holds more than ${MAX_FILES} files` };
    }
  }
  return { paths: paths.sort() };
}

/** The cache file of one directory and app command. */
export function reusePath(cacheDir: string, cwd: string, command: string): string {
  return join(cacheDir, 'synth', `${createHash('sha256').update(`${cwd}\0${command}`).digest('hex').slice(0, 32)}.json`);
}

interface Entry {
  readonly format: string;
  readonly fingerprint: string;
  readonly createdAt: string;
  readonly stacks: StackManifest[];
}

/** The stored stacks when their fingerprint is `hash`; else (none, another, unreadable) undefined. */
export async function readReusable(path: string, hash: string): Promise<{ stacks: StackManifest[]; createdAt: string } | undefined> {
  let entry: Entry;
  try {
    entry = JSON.parse(await readFile(path, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (entry.format !== FORMAT || entry.fingerprint !== hash || !Array.isArray(entry.stacks)) return undefined;
  return { stacks: entry.stacks, createdAt: entry.createdAt };
}

/** Whether any stack holds Secret data (never written to the cache). */
export function holdsSecretData(stacks: readonly StackManifest[]): boolean {
  return stacks.some((s) => s.objects.some((o) => o.kind === 'Secret' && ('data' in o || 'stringData' in o)));
}

/** Stores the stacks under `hash`, readable by the owner only. */
export async function storeReusable(path: string, hash: string, stacks: readonly StackManifest[]): Promise<void> {
  const entry: Entry = { format: FORMAT, fingerprint: hash, createdAt: new Date().toISOString(), stacks: [...stacks] };
  await writeFileAtomic(path, JSON.stringify(entry), { mode: 0o600, dirMode: 0o700 });
  await removeStale(dirname(path));
}

/** Entries not written for this long are removed (temporary and deleted projects leave some). */
export const STALE_MS = 7 * 24 * 3600 * 1000;

/** How often the directory is swept for stale entries: not on every store (it stats every entry). */
export const SWEEP_EVERY_MS = 24 * 3600 * 1000;

/** The file whose modification time is the last sweep. */
export const SWEPT_MARKER = '.swept';

async function removeStale(dir: string): Promise<void> {
  const now = Date.now();
  const marker = join(dir, SWEPT_MARKER);
  const last = await stat(marker).catch(() => undefined);
  if (last && now - last.mtimeMs < SWEEP_EVERY_MS) return;
  await writeFile(marker, '', { mode: 0o600 }).catch(() => undefined);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s && now - s.mtimeMs > STALE_MS) await rm(join(dir, name), { force: true });
  }
}
