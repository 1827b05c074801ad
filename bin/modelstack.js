#!/usr/bin/env node
// The installed CLI (built by `npm ci`/`npm install` through the package's prepare script, or by
// `npm run build`): the CLI bundle lib/cli/main.cjs (scripts/bundle-cli.mjs) run through V8's code
// cache (lib/src/bin/code-cache.js). --help and --version load the few modules they need from
// lib/src instead: reading the whole bundle and its cache would cost them more than it saves.
const argv = process.argv.slice(2);
// --debug prints stack traces: map them back to src/ through the source maps (which cost
// start-up time, so only then; the code cache is not used then either).
const debug = argv.includes('--debug');
if (debug) process.setSourceMapsEnabled(true);
const light = argv.length === 0 || ['--help', '-h', 'help', '--version'].includes(argv[0]);
try {
  if (light) await (await import('../lib/src/cli/main.js')).main(argv);
  else {
    const [{ runBundle }, { fileURLToPath }] = await Promise.all([import('../lib/src/bin/code-cache.js'), import('node:url')]);
    await runBundle(fileURLToPath(new URL('../lib/cli/main.cjs', import.meta.url)), argv, process.env, !debug);
  }
} catch (e) {
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' || (e?.code === 'ENOENT' && String(e.path).endsWith('/lib/cli/main.cjs'));
  if (!missing || !/\/lib\/(src\/cli\/main\.js|src\/bin\/code-cache\.js|cli\/main\.cjs)/.test(String(e.message) + String(e.path))) throw e;
  process.stderr.write(
    'error: modelstack is not built (lib/ is missing)\nhint: run "npm run build" in the modelstack package, or reinstall it with "npm ci"\n',
  );
  process.exit(2);
}
