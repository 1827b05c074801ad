// A small real app for the tests of synth reuse (src/synth/synth-reuse.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './paths.js';

/**
 * A real app (plain node, a plain cdk8s-style output: YAML in CDK8S_OUTDIR) that imports a local
 * module, reads one env variable, and counts its runs in a file outside its directory.
 */
export function reuseProject(): { cwd: string; runs: () => number; cacheDir: string } {
  const cwd = tempDir('modelstack-reuse-');
  const counter = join(tempDir('modelstack-reuse-count-'), 'runs');
  writeFileSync(counter, '');
  mkdirSync(join(cwd, 'lib'));
  writeFileSync(join(cwd, 'lib', 'name.mjs'), `export const NAME = 'alpha';\n`);
  writeFileSync(
    join(cwd, 'app.mjs'),
    [
      `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';`,
      `import { NAME } from './lib/name.mjs';`,
      `appendFileSync(${JSON.stringify(counter)}, 'x');`,
      `const out = process.env.CDK8S_OUTDIR;`,
      `mkdirSync(out, { recursive: true });`,
      `const replicas = process.env.REUSE_TEST_REPLICAS ?? '1';`,
      'writeFileSync(`${out}/0000-main.k8s.yaml`, `apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: ${NAME}\\ndata:\\n  replicas: "${replicas}"\\n`);',
      '',
    ].join('\n'),
  );
  writeFileSync(join(cwd, 'cdk8s.yaml'), `language: typescript\napp: node app.mjs\n`);
  return { cwd, runs: () => readFileSync(counter, 'utf8').length, cacheDir: tempDir('modelstack-reuse-cache-') };
}
