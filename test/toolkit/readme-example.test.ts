// The README's toolkit example (the ```ts toolkit-example block), run as a user would: in a
// project directory whose cdk8s.yaml names an app, with `modelstack/toolkit` resolved to this
// repository's toolkit.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { removeTempDirs, repoRoot, tempDir, TSX } from '../support/paths.js';

afterAll(removeTempDirs);

function readmeExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const m = /```ts toolkit-example\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no ```ts toolkit-example block');
  return m[1]!;
}

test('the README toolkit example runs and prints what it says', () => {
  const dir = tempDir('modelstack-readme-');
  const app = join(repoRoot, 'test', 'fixtures', 'apps', 'ok.ts');
  writeFileSync(join(dir, 'cdk8s.yaml'), `app: '"${TSX}" "${app}"'\n`);
  const toolkitUrl = pathToFileURL(join(repoRoot, 'src', 'toolkit', 'index.ts')).href;
  const code = readmeExample().replace("'modelstack/toolkit'", `'${toolkitUrl}'`);
  expect(code).toContain(toolkitUrl);
  writeFileSync(join(dir, 'example.mts'), code);
  const out = execFileSync(TSX, [join(dir, 'example.mts')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, MODELSTACK_CRDS_DIR: resolveCrdsDir(undefined, { searchFrom: [repoRoot] }) },
    timeout: 120_000,
  });
  const lines = out.trim().split('\n');
  expect(lines[0]).toMatch(/^[1-9]\d* objects written, 0 invalid$/);
  expect(lines[1]).toMatch(/^no changes \([1-9]\d* unchanged\)$/);
  expect(lines[2]).toBe(`ran "${TSX}" "${app}"`);
}, 180_000);
