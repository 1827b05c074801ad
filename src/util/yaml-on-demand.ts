import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

const require = createRequire(import.meta.url);
let loaded: Yaml | undefined;

/**
 * The yaml package, loaded on first use (it is CommonJS, so a plain require loads it, and the
 * same instance an `import 'yaml'` gets). Loading it takes about 30 ms (73 modules): synth loads
 * it while the app runs (run-app.ts) rather than before starting it, and a command that writes no
 * YAML does not load it at all.
 */
export function yaml(): Yaml {
  loaded ??= require('yaml') as Yaml;
  return loaded;
}
