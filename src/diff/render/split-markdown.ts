import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Names of the numbered files: modelstack-diff-1.md ... (zero-padded to the width of the count). */
const PART_FILE = /^modelstack-diff-\d+\.md$/;

/**
 * Writes markdown parts (renderMarkdownParts) to `dir` as numbered files, one pull-request
 * comment each, after removing the numbered files of an earlier run (so no stale part remains).
 * Returns the paths written, in order.
 */
export async function writeMarkdownParts(dir: string, parts: readonly string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) if (PART_FILE.test(name)) await rm(join(dir, name));
  const width = String(parts.length).length;
  const paths: string[] = [];
  for (const [i, text] of parts.entries()) {
    const path = join(dir, `modelstack-diff-${String(i + 1).padStart(width, '0')}.md`);
    await writeFile(path, text);
    paths.push(path);
  }
  return paths;
}
