// A project directory for generated stack files: ESM, with the repository's node_modules, so
// `npx tsx <file>` resolves tsx and the constructs as in a user's project.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '../support/paths.js';

export const MODULE = join(repoRoot, 'index.ts');

export function importProject(): string {
  const dir = tempDir('modelstack-import-');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
