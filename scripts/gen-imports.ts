/**
 * `npm run import [-- --crds DIR]`: regenerates the type-only files under imports/ from the CRD
 * files (see src/schema/typegen.ts) and prints their sizes.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, isModelstackError } from '../src/errors.js';
import { resolveCrdsDir } from '../src/schema/crds-dir.js';
import { IMPORT_TARGETS, generateImport } from '../src/schema/typegen.js';

function crdsFlag(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--crds');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--crds='))?.slice('--crds='.length);
}

function main(): void {
  const crdsDir = resolveCrdsDir(crdsFlag(process.argv.slice(2)));
  const importsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'imports');
  for (const target of IMPORT_TARGETS) {
    const result = generateImport(crdsDir, target);
    const out = join(importsDir, target.file);
    writeFileSync(out, result.text);
    const kib = (Buffer.byteLength(result.text) / 1024).toFixed(1);
    const shared = result.deduplicated ? ', identical types shared' : '';
    console.log(`imports/${target.file}: ${kib} KiB, ${result.typeCount} types${shared} (from ${target.source})`);
  }
}

try {
  main();
} catch (e) {
  console.error(`error: ${errorMessage(e)}`);
  if (isModelstackError(e) && e.hint !== undefined) console.error(`hint: ${e.hint}`);
  process.exitCode = 1;
}
