#!/usr/bin/env node
// The installed CLI (built by `npm ci`/`npm install` through the package's prepare script, or by
// `npm run build`): the CLI bundle lib/cli/main.cjs (scripts/bundle-cli.mjs) run through V8's code
// cache by lib/cli/code-cache.cjs (src/bin/code-cache.ts, bundled beside it). --help and --version
// load the few modules they need from lib/src instead: reading the whole bundle and its cache
// would cost them more than it saves.
//
// CommonJS (bin/package.json), unlike the rest of the package: an ES-module entry starts Node.js's
// ES-module loader, which cost every command about 7 ms of CPU before anything of its own ran.
'use strict';
const { join } = require('node:path');

const argv = process.argv.slice(2);
// --debug prints stack traces: map them back to src/ through the source maps (which cost
// start-up time, so only then; the code cache is not used then either).
const debug = argv.includes('--debug');
if (debug) process.setSourceMapsEnabled(true);
const light = argv.length === 0 || ['--help', '-h', 'help', '--version'].includes(argv[0]);

/** A lib/ that is not there (not built) is said as such; anything else is thrown on. */
function failed(e) {
  const missing = ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes(e?.code) || (e?.code === 'ENOENT' && String(e.path).endsWith('/lib/cli/main.cjs'));
  if (!missing || !/\/lib\/(src\/cli\/main\.js|cli\/code-cache\.cjs|cli\/main\.cjs)/.test(String(e.message) + String(e.path))) throw e;
  process.stderr.write(
    'error: modelstack is not built (lib/ is missing)\nhint: run "npm run build" in the modelstack package, or reinstall it with "npm ci"\n',
  );
  process.exit(2);
}

const lib = join(__dirname, '..', 'lib');
let run;
if (light) {
  run = import('../lib/src/cli/main.js').then((cli) => cli.main(argv));
} else {
  try {
    const { runBundle } = require(join(lib, 'cli', 'code-cache.cjs'));
    run = runBundle(join(lib, 'cli', 'main.cjs'), argv, process.env, !debug);
  } catch (e) {
    run = Promise.reject(e);
  }
}
run.catch(failed);
