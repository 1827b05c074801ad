import { mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errorMessage, ModelstackError } from '../errors.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import type { OutputFile } from './layout.js';

/** The file in the output directory that lists what modelstack wrote there. */
export const INDEX_FILE = '.modelstack-synth.json';

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

interface Index {
  readonly version: 1;
  readonly files: readonly string[];
}

/**
 * Writes `files` into `outdir` and removes the files an earlier synth wrote that are no longer
 * produced. Files modelstack did not write are never touched. Every write is atomic (temp file
 * + rename), and the index is widened before and narrowed after, so an interrupted run leaves
 * a directory the next run cleans up.
 */
export async function writeOutput(outdir: string, files: readonly OutputFile[]): Promise<WriteResult> {
  const root = resolve(outdir);
  // Refuse a bad path before anything (the index included) is written.
  const targets = files.map((f) => inside(root, f.path));
  await ensureDir(root);
  const previous = await readIndex(root);
  const next = files.map((f) => f.path);
  await writeFileAtomic(join(root, INDEX_FILE), indexText([...new Set([...previous, ...next])].sort()));

  const written: string[] = [];
  const unchanged: string[] = [];
  for (const [i, f] of files.entries()) {
    const target = targets[i]!;
    if ((await readOrUndefined(target)) === f.content) {
      unchanged.push(f.path);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, f.content);
    written.push(f.path);
  }

  const keep = new Set(next);
  const removed: string[] = [];
  for (const old of previous) {
    if (keep.has(old)) continue;
    await rm(inside(root, old), { force: true });
    await removeEmptyParents(root, dirname(inside(root, old)));
    removed.push(old);
  }
  await writeFileAtomic(join(root, INDEX_FILE), indexText([...next].sort()));
  return { written, unchanged, removed };
}

async function ensureDir(root: string): Promise<void> {
  const s = await stat(root).catch(() => undefined);
  if (s && !s.isDirectory()) {
    throw new ModelstackError('IO', `output path ${root} exists and is not a directory`, { hint: 'pass --out with a directory' });
  }
  try {
    await mkdir(root, { recursive: true });
  } catch (e) {
    throw new ModelstackError('IO', `cannot create output directory ${root}: ${errorMessage(e)}`, {
      hint: 'pass --out with a directory you can write to',
    });
  }
}

async function readIndex(root: string): Promise<string[]> {
  const text = await readOrUndefined(join(root, INDEX_FILE));
  if (text === undefined) return [];
  try {
    const parsed = JSON.parse(text) as Partial<Index>;
    if (!Array.isArray(parsed.files)) return [];
    // Entries that are not plain relative paths inside the directory are damage, never removed.
    return parsed.files.filter((f): f is string => typeof f === 'string' && isInside(root, f));
  } catch {
    // A damaged index only means stale files may stay; the next write repairs it.
    return [];
  }
}

function indexText(files: readonly string[]): string {
  const index: Index = { version: 1, files };
  return `${JSON.stringify(index, null, 2)}\n`;
}

function isInside(root: string, rel: string): boolean {
  const r = relative(root, resolve(root, rel));
  return !(r === '' || isAbsolute(r) || r.startsWith('..') || r.split(sep).includes('..'));
}

/** The absolute path of `rel` under root; refuses paths that escape it. */
function inside(root: string, rel: string): string {
  if (!isInside(root, rel)) throw new ModelstackError('IO', `refusing to write outside the output directory: ${rel}`);
  return resolve(root, rel);
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes `dir` and its parents up to (not including) root while they are empty. */
async function removeEmptyParents(root: string, dir: string): Promise<void> {
  for (let d = dir; d !== root && d.startsWith(root + sep); d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}
