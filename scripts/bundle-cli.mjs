// Bundles the CLI that bin/modelstack.js runs: lib/src/cli/main.js (tsc's output, so one compiler
// makes all the JavaScript) and the modules it imports, into lib/cli/ (issue 13: the CLI's
// start-up). Loading one module costs about the same whatever its size, and the unbundled CLI
// loads 100 to 180 of them per command (yaml alone is 73). Lazy parts stay lazy: every dynamic
// import (a command, an engine) is a chunk of its own, loaded when it is today. The library
// (`modelstack`, `modelstack/toolkit`) stays unbundled in lib/.
//
//   node scripts/bundle-cli.mjs [--outdir DIR] [--metafile FILE]
// (run by `npm run build`, after tsc; default lib/cli, no metafile)
import { readFile } from 'node:fs/promises';
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
 * Chunks are ES modules; the CommonJS packages bundled in them (yaml) require Node.js built-ins
 * (process, buffer), which needs a `require`: each chunk makes its own.
 */
const REQUIRE_BANNER = "import { createRequire as __modelstackCreateRequire } from 'node:module';\nconst require = __modelstackCreateRequire(import.meta.url);";

/** `createRequire(import.meta.url)('yaml')` in src/util/yaml-on-demand.ts, as tsc writes it. */
const YAML_ON_DEMAND_LOAD = "createRequire(import.meta.url)('yaml')";

/**
 * Keeps bare imports of packages out of the bundle (resolved from node_modules at run time, as
 * unbundled), except BUNDLED_PACKAGES.
 */
const packagesOutside = {
  name: 'modelstack-packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
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
 * Writes the bundle of `entry` (default lib/src/cli/main.js) to `outdir` (default lib/cli):
 * main.js, chunks/*.js and their source maps (used with --debug). Returns esbuild's metafile when
 * `metafile` is set (which inputs each chunk holds: test/cli/loaded-modules.test.ts reads it).
 */
export async function bundleCli({ entry = join(ROOT, 'lib', 'src', 'cli', 'main.js'), outdir = join(ROOT, 'lib', 'cli'), metafile = false } = {}) {
  const result = await build({
    entryPoints: { main: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    banner: { js: REQUIRE_BANNER },
    plugins: [packagesOutside, yamlOnDemand],
    metafile,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rm, writeFile } = await import('node:fs/promises');
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, metafile: { type: 'string' } } });
  const outdir = resolve(values.outdir ?? join(ROOT, 'lib', 'cli'));
  // Chunk names carry content hashes: stale ones from an earlier build would pile up.
  await rm(outdir, { recursive: true, force: true });
  const meta = await bundleCli({ outdir, metafile: values.metafile !== undefined });
  if (values.metafile !== undefined) await writeFile(values.metafile, JSON.stringify(meta));
}
