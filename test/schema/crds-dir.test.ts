import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRDS_DIR_ENV, resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { thrown } from '../support/thrown.js';

describe('resolveCrdsDir', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-crds-dir-'));
    mkdirSync(join(tmp, 'tree', 'shared', 'crds'), { recursive: true });
    mkdirSync(join(tmp, 'tree', 'a', 'b', 'c'), { recursive: true });
    mkdirSync(join(tmp, 'a'), { recursive: true });
    mkdirSync(join(tmp, 'elsewhere'), { recursive: true });
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('an explicit directory wins over the environment', () => {
    const env = { [CRDS_DIR_ENV]: join(tmp, 'elsewhere') };
    expect(resolveCrdsDir(join(tmp, 'a'), { env })).toBe(join(tmp, 'a'));
  });

  test('an explicit directory that does not exist is an error', () => {
    const e = thrown(() => resolveCrdsDir(join(tmp, 'missing')));
    expect(e.code).toBe('CRDS_NOT_FOUND');
    expect(e.message).toContain(join(tmp, 'missing'));
    expect(e.hint).toBe('set MODELSTACK_CRDS_DIR or pass --crds DIR');
  });

  test('the environment variable is used when nothing is passed', () => {
    expect(resolveCrdsDir(undefined, { env: { [CRDS_DIR_ENV]: join(tmp, 'elsewhere') } })).toBe(join(tmp, 'elsewhere'));
    const e = thrown(() => resolveCrdsDir(undefined, { env: { [CRDS_DIR_ENV]: join(tmp, 'nope') } }));
    expect(e.code).toBe('CRDS_NOT_FOUND');
    expect(e.message).toContain(CRDS_DIR_ENV);
  });

  test('searches ancestors for shared/crds', () => {
    const found = resolveCrdsDir(undefined, { env: {}, searchFrom: [join(tmp, 'tree', 'a', 'b', 'c')] });
    expect(found).toBe(join(tmp, 'tree', 'shared', 'crds'));
  });

  test('names every place it looked when nothing is found', () => {
    const start = join(tmp, 'elsewhere', 'x');
    // Only meaningful where no ancestor of the temp dir holds shared/crds.
    const e = thrown(() => resolveCrdsDir(undefined, { env: {}, searchFrom: [start] }));
    expect(e.code).toBe('CRDS_NOT_FOUND');
    expect(e.hint).toBe('set MODELSTACK_CRDS_DIR or pass --crds DIR');
    expect(e.message).toContain(start);
    expect(e.details).toContain(`looked at ${join(start, 'shared', 'crds')}`);
    expect(e.details).toContain(`looked at ${join(tmp, 'elsewhere', 'shared', 'crds')}`);
    expect(e.details).toContain(`looked at ${join('/', 'shared', 'crds')}`);
  });

  test('finds the real CRD directory from this checkout by default', () => {
    const dir = resolveCrdsDir(undefined, { env: {} });
    expect(dir.endsWith(join('shared', 'crds'))).toBe(true);
  });
});
