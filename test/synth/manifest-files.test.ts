import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { manifestFiles } from '../../src/synth/manifest-files.js';
import { removeTempDirs, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

describe('manifestFiles', () => {
  test('manifest files in code-point order; dotfiles, dot-directories, kustomization and other files skipped', async () => {
    const dir = tempDir();
    for (const d of ['b', '.hidden', 'a']) mkdirSync(join(dir, d));
    for (const f of ['b/z.yaml', 'b/A.yml', 'a/x.json', '.hidden/h.yaml', '.modelstack-synth.json', 'kustomization.yaml', 'notes.md', 'top.yaml']) {
      writeFileSync(join(dir, f), 'x: 1\n');
    }
    symlinkSync(join(dir, 'top.yaml'), join(dir, 'link.yaml'));
    symlinkSync(join(dir, 'b'), join(dir, 'c-linked-dir'));
    const files = (await manifestFiles(dir)).map((f) => relative(dir, f));
    expect(files).toEqual(['a/x.json', 'b/A.yml', 'b/z.yaml', 'link.yaml', 'top.yaml']);
  });
});
