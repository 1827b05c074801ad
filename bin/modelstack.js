#!/usr/bin/env node
// The installed CLI: runs the CLI bundle in lib/cli/ (scripts/bundle-cli.mjs; built by `npm ci`/
// `npm install` through the package's prepare script, or by `npm run build`).
// --debug prints stack traces: map them back to src/ through the bundle's source maps (which cost
// start-up time, so only then).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
let cli;
try {
  cli = await import('../lib/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/lib/cli/main.js')) throw e;
  process.stderr.write(
    'error: modelstack is not built (lib/ is missing)\nhint: run "npm run build" in the modelstack package, or reinstall it with "npm ci"\n',
  );
  process.exit(2);
}
await cli.main(process.argv.slice(2));
