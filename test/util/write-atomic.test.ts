import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/util/write-atomic.js';
import { removeTempDirs, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

describe('writeFileAtomic', () => {
  test('creates missing folders, replaces the file, leaves no temporary file', async () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b', 'f.yaml');
    await writeFileAtomic(path, 'one\n');
    await writeFileAtomic(path, 'two\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['f.yaml']);
  });

  test('a failed write removes its temporary file and leaves the old content', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'target')); // renaming a file onto a directory fails
    await expect(writeFileAtomic(join(dir, 'target'), 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
  });
});
