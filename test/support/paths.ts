// Paths of the repository and of the tools the end-to-end tests run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** tsx from the project's node_modules, so apps run the same from any working directory. */
export const TSX = join(repoRoot, 'node_modules', '.bin', 'tsx');

/** The `--app` command that runs a fixture app of test/fixtures/apps. */
export function fixtureApp(name: string): string {
  return `"${TSX}" "${join(repoRoot, 'test', 'fixtures', 'apps', `${name}.ts`)}"`;
}

const created: string[] = [];

/** A fresh temporary directory; removeTempDirs() deletes every one made so far. */
export function tempDir(prefix = 'modelstack-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
