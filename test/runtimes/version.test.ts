import { isOlder, parseVersion } from '../../src/runtimes/version.js';

describe('versions', () => {
  test('parseVersion reads major.minor.patch with or without v, patch, or a suffix', () => {
    expect(parseVersion('v1.7.0')).toEqual([1, 7, 0]);
    expect(parseVersion('1.4.0-rc1')).toEqual([1, 4, 0]);
    expect(parseVersion('1.4')).toEqual([1, 4, 0]);
    expect(parseVersion('latest')).toBeUndefined();
  });

  test('isOlder compares numerically, and cannot tell for non-versions', () => {
    expect(isOlder('1.3.9', '1.4.0')).toBe(true);
    expect(isOlder('1.4.0', '1.4.0')).toBe(false);
    expect(isOlder('1.10.0', '1.9.0')).toBe(false);
    expect(isOlder('0.9.1', '1.0.0')).toBe(true);
    expect(isOlder('main', '1.0.0')).toBeUndefined();
  });
});
