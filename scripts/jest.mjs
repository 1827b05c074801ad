// Runs jest on native ESM (the sources and tests are ES modules), forwarding arguments. When
// JEST_JSON_REPORT names a file, jest also writes its JSON results there (CI prints totals).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const jest = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'jest', 'bin', 'jest.js');
const args = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', jest, ...process.argv.slice(2)];
if (process.env.JEST_JSON_REPORT) args.push('--json', '--outputFile', process.env.JEST_JSON_REPORT);
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
