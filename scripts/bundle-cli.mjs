// Bundles the CLI that bin/modelstack.js runs: lib/src/cli/main.js (tsc's output, so one compiler
// makes all the JavaScript) and the modules it imports, into one CommonJS file, lib/cli/main.cjs
// (issue 13: the CLI's start-up); and beside it the loader that runs it through V8's code cache,
// lib/cli/code-cache.cjs (src/bin/code-cache.ts and the three modules it imports), so that the bin,
// CommonJS too, starts no ES-module loader. Node.js 20 loads each ES module as a file of its own and
// compiles every module on every run: the unbundled CLI loaded 100 to 180 modules per command
// (yaml alone is 73). One CommonJS file can be compiled with V8's code cache
// (src/bin/code-cache.ts), which Node.js 20 offers for no module. Lazy parts stay lazy: a module
// only reached by a dynamic import runs on its first import (esbuild's lazy init), as unbundled.
// The library (`modelstack`, `modelstack/toolkit`) stays unbundled in lib/.
//
//   node scripts/bundle-cli.mjs [--outfile FILE]
// (run by `npm run build`, after tsc; default lib/cli/main.cjs; the loader is code-cache.cjs in
// the same directory)
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packages the CLI bundle carries: pure JavaScript, used by synth, diff and the kubeconfig reader
 * (yaml) or by diff and metrics. The others stay in node_modules and load as they do unbundled:
 * @kubernetes/client-node (about 16 MB, loaded only for kubeconfigs with exec plugins or an
 * auth-provider) and execa (local runs only).
 */
export const BUNDLED_PACKAGES = ['yaml', 'diff', 'parse-prometheus-text-format'];

/**
 * The sources use import.meta.url (paths beside a module, the build's identity): in CommonJS it is
 * the bundle file's URL.
 */
const IMPORT_META_URL = '__modelstack_import_meta_url';
const URL_BANNER = `const ${IMPORT_META_URL} = require('node:url').pathToFileURL(__filename).href;`;

/** `createRequire(import.meta.url)('yaml')` in src/util/yaml-on-demand.ts, as tsc writes it. */
const YAML_ON_DEMAND_LOAD = "createRequire(import.meta.url)('yaml')";

/** The esbuild namespace of the modules that load a Node.js module on its first import(). */
const LAZY_BUILTIN = 'modelstack-lazy-builtin';

/**
 * Keeps bare imports of packages out of the bundle (resolved from node_modules at run time, as
 * unbundled), except BUNDLED_PACKAGES and what they import. The packages left out are ES-module only: the sources
 * import them with import() (src/util/execa-on-demand.ts, src/kube/kube-config.ts), which the
 * bundle keeps.
 */
const packagesOutside = {
  name: 'modelstack-packages-outside',
  setup(b) {
    b.onLoad({ filter: /.*/, namespace: LAZY_BUILTIN }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) {
        // A Node.js module imported on demand (import('node:child_process')) is loaded through a
        // one-line module of the bundle that requires it: esbuild keeps an import() of anything
        // external, and the bundle, a vm.Script, has no import() (src/util/import-package.ts).
        return args.kind === 'dynamic-import' ? { path: args.path, namespace: LAZY_BUILTIN } : { external: true };
      }
      // What a bundled package imports (shallow-equal, for parse-prometheus-text-format) goes with it.
      if (/[\\/]node_modules[\\/]/.test(args.importer)) return undefined;
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.includes(name) ? undefined : { external: true };
    });
  },
};

/**
 * src/util/yaml-on-demand.ts loads yaml with a require of its own on first use. In the bundle that
 * require would load node_modules' copy beside the bundled one (which the kubeconfig reader
 * imports): it is made the bundle's require of its copy instead, which esbuild keeps lazy (the
 * package runs on first use, as unbundled). The build fails if the line is not found.
 */
const yamlOnDemand = {
  name: 'modelstack-yaml-on-demand',
  setup(b) {
    b.onLoad({ filter: /[\\/]util[\\/]yaml-on-demand\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(YAML_ON_DEMAND_LOAD)) {
        return { errors: [{ text: `${args.path}: "${YAML_ON_DEMAND_LOAD}" not found; update scripts/bundle-cli.mjs with yaml-on-demand.ts` }] };
      }
      return { contents: text.replace(YAML_ON_DEMAND_LOAD, "require('yaml')"), loader: 'js' };
    });
  },
};

/**
 * Writes the bundle of `entry` (default lib/src/cli/main.js) to `outfile` (default
 * lib/cli/main.cjs) and its source map (used with --debug).
 */
export async function bundleCli({ entry = join(ROOT, 'lib', 'src', 'cli', 'main.js'), outfile = join(ROOT, 'lib', 'cli', 'main.cjs') } = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    define: { 'import.meta.url': IMPORT_META_URL },
    banner: { js: URL_BANNER },
    plugins: [packagesOutside, yamlOnDemand],
    logLevel: 'warning',
  });
  // A dynamic import the bundle could not keep lazy, or a package it would require although it is
  // ES-module only, shows as a require() of it: refuse the build.
  const text = await readFile(outfile, 'utf8');
  const required = [...text.matchAll(/\brequire\("([^"./][^"]*)"\)/g)].map((m) => m[1]).filter((p) => !p.startsWith('node:') && !builtinModules.includes(p));
  if (required.length > 0) throw new Error(`the CLI bundle requires packages it must import(): ${[...new Set(required)].join(', ')}`);
  // Nor may it import() anything itself: a vm.Script cannot (the loader's hook does it for packages).
  const imported = [...text.matchAll(/(?<![\w.$])import\(\s*"([^"]+)"/g)].map((m) => m[1]);
  if (imported.length > 0) throw new Error(`the CLI bundle would import() ${[...new Set(imported)].join(', ')}, which a vm.Script cannot`);
}

/**
 * Writes the bin's loader (lib/src/bin/code-cache.js, as CommonJS) to `outfile` (default
 * lib/cli/code-cache.cjs). It imports only Node.js built-ins and three small modules of its own
 * (a dependency-cruiser rule keeps it so); its import() of packages stays an import().
 */
export async function bundleLoader({ outfile = join(ROOT, 'lib', 'cli', 'code-cache.cjs') } = {}) {
  await build({
    entryPoints: [join(ROOT, 'lib', 'src', 'bin', 'code-cache.js')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const text = await readFile(outfile, 'utf8');
  if (!text.includes('import(specifier)')) throw new Error(`${outfile}: the loader's import() of packages was rewritten; it must stay an import()`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rm } = await import('node:fs/promises');
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
  const outfile = resolve(values.outfile ?? join(ROOT, 'lib', 'cli', 'main.cjs'));
  // Nothing of an earlier build (chunks of the ES-module bundle this replaced) stays in lib/cli.
  if (values.outfile === undefined) await rm(dirname(outfile), { recursive: true, force: true });
  await bundleCli({ outfile });
  // The loader goes beside the bundle (the bin finds both in lib/cli).
  await bundleLoader({ outfile: join(dirname(outfile), 'code-cache.cjs') });
}
