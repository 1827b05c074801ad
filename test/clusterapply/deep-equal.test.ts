import { deepEqual } from '../../src/clusterapply/deep-equal.js';

describe('deepEqual', () => {
  it('ignores object key order at every depth', () => {
    expect(deepEqual({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
  });

  it('keeps array order', () => {
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual([1], [1, 1])).toBe(false);
  });

  it('tells values, types, null and missing keys apart', () => {
    expect(deepEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(deepEqual({ a: null }, { a: {} })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual('x', 'x')).toBe(true);
  });

  it('counts a key with an undefined value as absent', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
});
