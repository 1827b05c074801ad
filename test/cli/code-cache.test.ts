// The bin runs the CLI bundle through V8's code cache (src/bin/code-cache.ts). Each case runs the
// loader in a real process (vm scripts behave differently under jest) on a small CommonJS bundle
// of the same shape: main(argv) and COMMAND_NAMES, an import of an ES module (as the bundle
// imports execa), a require() of a built-in. No run may write to stderr (no warning either).
import { chmodSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScript } from '../support/node-script.js';
import { removeTempDirs, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

// Its ES module comes through the loader's import function, as the bundle's packages do (src/util/import-package.ts).
const BUNDLE = `#!/usr/bin/env node
const { join } = require('node:path');
exports.COMMAND_NAMES = ['synth', 'apply'];
exports.main = async (argv) => {
  const { twice } = await globalThis[Symbol.for('modelstack.import')](join(__dirname, 'helper.mjs'));
  process.stdout.write('ran ' + argv.join(' ') + ' ' + twice(21) + '\\n');
};
`;

/** A bundle (and the ES module it imports) in a directory of its own. */
function bundleDir(): { bundle: string; cacheDir: string } {
  const dir = tempDir('modelstack-code-cache-');
  writeFileSync(join(dir, 'main.cjs'), BUNDLE);
  writeFileSync(join(dir, 'helper.mjs'), 'export const twice = (n) => n * 2;\n');
  return { bundle: join(dir, 'main.cjs'), cacheDir: join(dir, 'cache') };
}

/** One run of the loader: its stdout (the bundle's), and what it reports about the cache. */
async function load(bundle: string, cacheDir: string, argv: string[]): Promise<{ stdout: string; run: { cache: string; stored?: string } }> {
  const r = await runScript(
    `import { runBundle } from '@src/bin/code-cache.js';
     const run = await runBundle(process.env.BUNDLE!, JSON.parse(process.env.ARGV!), { ...process.env, MODELSTACK_CACHE_DIR: process.env.CACHE_DIR });
     process.stdout.write(JSON.stringify(run) + '\\n');`,
    { env: { BUNDLE: bundle, ARGV: JSON.stringify(argv), CACHE_DIR: cacheDir } },
  );
  expect([r.code, r.stderr]).toEqual([0, '']);
  const [out, report] = r.stdout.trimEnd().split('\n');
  return { stdout: out!, run: JSON.parse(report!) as { cache: string; stored?: string } };
}

const header = (path: string): string => {
  const text = readFileSync(path);
  return text.subarray(0, text.indexOf(0x0a)).toString('utf8');
};

test('the first run of a command stores its data (owner-only, named by the build); the next uses it', async () => {
  const { bundle, cacheDir } = bundleDir();
  const first = await load(bundle, cacheDir, ['synth', '--out', 'x']);
  expect(first.stdout).toBe('ran synth --out x 42');
  const file = join(cacheDir, 'code', 'synth.bin');
  expect(first.run).toEqual({ cache: 'missing', stored: file });
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(join(cacheDir, 'code')).mode & 0o777).toBe(0o700);
  const s = statSync(bundle);
  expect(header(file)).toBe(`modelstack-code-cache/1 ${process.version} ${process.arch} ${s.size} ${s.mtimeMs}`);

  const second = await load(bundle, cacheDir, ['synth']);
  expect([second.stdout, second.run]).toEqual(['ran synth 42', { cache: 'used' }]);
  // Another command has a file of its own.
  expect((await load(bundle, cacheDir, ['apply'])).run).toEqual({ cache: 'missing', stored: join(cacheDir, 'code', 'apply.bin') });
}, 60_000);

test('a rebuilt bundle does not use the data of the old one, and replaces it', async () => {
  const { bundle, cacheDir } = bundleDir();
  await load(bundle, cacheDir, ['synth']);
  writeFileSync(bundle, BUNDLE.replace('ran ', 'ran: '));
  const run = await load(bundle, cacheDir, ['synth']);
  expect([run.stdout, run.run.cache]).toEqual(['ran: synth 42', 'missing']);
  expect((await load(bundle, cacheDir, ['synth'])).run).toEqual({ cache: 'used' });
  // Same size, another modification time: still another build.
  const t = new Date(statSync(bundle).mtimeMs + 5_000);
  utimesSync(bundle, t, t);
  expect((await load(bundle, cacheDir, ['synth'])).run.cache).toBe('missing');
}, 60_000);

test('data V8 rejects (same header, other bytes) is replaced; the command runs as usual', async () => {
  const { bundle, cacheDir } = bundleDir();
  await load(bundle, cacheDir, ['synth']);
  const file = join(cacheDir, 'code', 'synth.bin');
  writeFileSync(file, Buffer.concat([Buffer.from(`${header(file)}\n`), Buffer.alloc(4096, 7)]), { mode: 0o600 });
  const run = await load(bundle, cacheDir, ['synth']);
  expect([run.stdout, run.run]).toEqual(['ran synth 42', { cache: 'rejected', stored: file }]);
  expect((await load(bundle, cacheDir, ['synth'])).run).toEqual({ cache: 'used' });
}, 60_000);

test('a cache file others may write is not used; a command the CLI does not know is kept as "other"', async () => {
  const { bundle, cacheDir } = bundleDir();
  await load(bundle, cacheDir, ['synth']);
  const file = join(cacheDir, 'code', 'synth.bin');
  chmodSync(file, 0o666);
  expect((await load(bundle, cacheDir, ['synth'])).run).toEqual({ cache: 'missing', stored: file });
  expect(statSync(file).mode & 0o777).toBe(0o600);

  const typo = await load(bundle, cacheDir, ['snyth']);
  expect(typo.run).toEqual({ cache: 'missing', stored: join(cacheDir, 'code', 'other.bin') });
  expect((await load(bundle, cacheDir, ['--debug', 'synth'])).run).toEqual({ cache: 'used' });
}, 60_000);

test('a cache directory that cannot be written only means no cache', async () => {
  const { bundle, cacheDir } = bundleDir();
  writeFileSync(cacheDir, 'a file where the directory would be');
  const run = await load(bundle, cacheDir, ['synth']);
  expect([run.stdout, run.run]).toEqual(['ran synth 42', { cache: 'missing' }]);
}, 60_000);
