import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../../src/synth/layout.js';
import { INDEX_FILE, writeOutput } from '../../src/synth/write-output.js';
import { removeTempDirs, tempDir } from '../support/paths.js';
import { rejection } from '../support/thrown.js';

afterAll(removeTempDirs);

const f = (path: string, content = `${path}\n`): OutputFile => ({ path, content });

function read(dir: string, rel: string): string {
  return readFileSync(join(dir, rel), 'utf8');
}

function index(dir: string): unknown {
  return JSON.parse(read(dir, INDEX_FILE));
}

/** Every file under dir, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

describe('writeOutput', () => {
  test('writes every file (creating directories) and an index of what it wrote', async () => {
    const out = join(tempDir(), 'dist');
    const result = await writeOutput(out, [f('a.k8s.yaml'), f('stack/b.yaml')]);
    expect(result).toEqual({ written: ['a.k8s.yaml', 'stack/b.yaml'], unchanged: [], removed: [] });
    expect(read(out, 'a.k8s.yaml')).toBe('a.k8s.yaml\n');
    expect(read(out, 'stack/b.yaml')).toBe('stack/b.yaml\n');
    expect(index(out)).toEqual({ version: 1, files: ['a.k8s.yaml', 'stack/b.yaml'] });
    expect(tree(out)).toEqual([INDEX_FILE, 'a.k8s.yaml', 'stack/b.yaml']);
  });

  test('unchanged files are left untouched', async () => {
    const out = tempDir();
    await writeOutput(out, [f('a.yaml'), f('b.yaml')]);
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(out, 'a.yaml'), old, old);
    const result = await writeOutput(out, [f('a.yaml'), f('b.yaml', 'changed\n')]);
    expect(result).toEqual({ written: ['b.yaml'], unchanged: ['a.yaml'], removed: [] });
    expect(statSync(join(out, 'a.yaml')).mtime.getTime()).toBe(old.getTime());
    expect(read(out, 'b.yaml')).toBe('changed\n');
  });

  test('files of the previous synth that are no longer produced are removed', async () => {
    const out = tempDir();
    await writeOutput(out, [f('a.yaml'), f('s/b.yaml'), f('s/c.yaml')]);
    const result = await writeOutput(out, [f('a.yaml')]);
    expect(result).toEqual({ written: [], unchanged: ['a.yaml'], removed: ['s/b.yaml', 's/c.yaml'] });
    expect(existsSync(join(out, 's/b.yaml'))).toBe(false);
    expect(existsSync(join(out, 's/c.yaml'))).toBe(false);
    expect(existsSync(join(out, 's'))).toBe(false); // emptied folders go too
    expect(index(out)).toEqual({ version: 1, files: ['a.yaml'] });
  });

  test('files modelstack did not write are never removed', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'README.md'), 'mine\n');
    mkdirSync(join(out, 's'));
    writeFileSync(join(out, 's', 'hand-written.yaml'), 'mine\n');
    await writeOutput(out, [f('a.yaml'), f('s/b.yaml')]);
    await writeOutput(out, []);
    expect(tree(out)).toEqual([INDEX_FILE, 'README.md', 's/hand-written.yaml']);
    expect(index(out)).toEqual({ version: 1, files: [] });
  });

  test('a damaged index is ignored and repaired', async () => {
    const out = tempDir();
    await writeOutput(out, [f('a.yaml'), f('old.yaml')]);
    writeFileSync(join(out, INDEX_FILE), '{ not json');
    const result = await writeOutput(out, [f('a.yaml'), f('b.yaml')]);
    expect(result).toEqual({ written: ['b.yaml'], unchanged: ['a.yaml'], removed: [] });
    // Without a readable index the stale file cannot be known, so it stays.
    expect(existsSync(join(out, 'old.yaml'))).toBe(true);
    expect(index(out)).toEqual({ version: 1, files: ['a.yaml', 'b.yaml'] });

    for (const damaged of ['null', '{"version":1,"files":"a.yaml"}', '{"version":1,"files":[1,null,"b.yaml"]}']) {
      writeFileSync(join(out, INDEX_FILE), damaged);
      expect((await writeOutput(out, [f('a.yaml')])).removed).toEqual(damaged.includes('b.yaml') ? ['b.yaml'] : []);
      expect(index(out)).toEqual({ version: 1, files: ['a.yaml'] });
    }
  });

  test('index entries outside the directory are ignored, never removed', async () => {
    const root = tempDir();
    const out = join(root, 'dist');
    mkdirSync(out);
    writeFileSync(join(root, 'precious.txt'), 'keep\n');
    writeFileSync(join(out, INDEX_FILE), JSON.stringify({ version: 1, files: ['../precious.txt', join(root, 'precious.txt'), '.', 'x.yaml'] }));
    writeFileSync(join(out, 'x.yaml'), 'stale\n');
    const result = await writeOutput(out, [f('a.yaml')]);
    expect(result.removed).toEqual(['x.yaml']);
    expect(read(root, 'precious.txt')).toBe('keep\n');
    expect(index(out)).toEqual({ version: 1, files: ['a.yaml'] });
  });

  test('an output path that is a file is refused', async () => {
    const file = join(tempDir(), 'dist');
    writeFileSync(file, 'x');
    const e = await rejection(writeOutput(file, [f('a.yaml')]));
    expect(e.code).toBe('IO');
    expect(e.message).toBe(`output path ${file} exists and is not a directory`);
    expect(e.hint).toBe('pass --out with a directory');
    expect(read(dirname(file), 'dist')).toBe('x');
  });

  test('an output directory that cannot be created is an IO error', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'x');
    const e = await rejection(writeOutput(join(file, 'sub'), [f('a.yaml')]));
    expect(e.code).toBe('IO');
    expect(e.message).toMatch(/^cannot create output directory .*file\/sub: /);
  });

  test('paths escaping the directory are refused before anything is written', async () => {
    const root = tempDir();
    const out = join(root, 'dist');
    await writeOutput(out, [f('a.yaml')]);
    for (const bad of ['../evil.yaml', 'x/../../evil.yaml', join(root, 'evil.yaml')]) {
      const e = await rejection(writeOutput(out, [f('b.yaml'), f(bad)]));
      expect(e.code).toBe('IO');
      expect(e.message).toBe(`refusing to write outside the output directory: ${bad}`);
    }
    expect(tree(root)).toEqual(['dist/.modelstack-synth.json', 'dist/a.yaml']);
    expect(index(out)).toEqual({ version: 1, files: ['a.yaml'] });
    // And the directory still works afterwards.
    expect((await writeOutput(out, [f('b.yaml')])).removed).toEqual(['a.yaml']);
  });
});
