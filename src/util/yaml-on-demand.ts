import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

/**
 * The yaml package, loaded on first use (it is CommonJS, so a plain require loads it, and the
 * same instance an `import 'yaml'` gets). Loading it takes about 30 ms (73 modules; about 10 ms
 * bundled): synth loads it while the app runs (run-app.ts) rather than before starting it, and a
 * command that writes no YAML does not load it at all.
 */
export function yaml(): Yaml {
  // The CLI bundle (scripts/bundle-cli.mjs) rewrites this exact call into a require of its own
  // copy of yaml, the one its static imports use: keep it as it is, or update that script too.
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
