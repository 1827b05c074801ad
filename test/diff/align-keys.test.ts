import { alignKeys } from '../../src/diff/align-keys.js';

describe('alignKeys', () => {
  it('orders the keys of before like after, at every depth, without changing values', () => {
    const before = { spec: { b: 1, a: 2 }, kind: 'X', list: [{ y: 1, x: 2 }] };
    const after = { kind: 'X', spec: { a: 3, b: 1 }, list: [{ x: 2, y: 5 }] };
    const aligned = alignKeys(before, after);
    expect(JSON.stringify(aligned)).toBe('{"kind":"X","spec":{"a":2,"b":1},"list":[{"x":2,"y":1}]}');
  });

  it('keeps keys only before has next to the key that followed them', () => {
    const aligned = alignKeys({ a: 1, gone: 2, c: 3, tail: 4 }, { c: 3, a: 1 }) as object;
    expect(Object.keys(aligned)).toEqual(['gone', 'c', 'a', 'tail']);
  });

  it('keeps a "__proto__" key as a plain key', () => {
    const before = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as unknown;
    const aligned = alignKeys(before, { a: 1 }) as Record<string, unknown>;
    expect(Object.keys(aligned)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(aligned)).toBe(Object.prototype);
  });

  it('returns scalars and mismatched shapes as they are', () => {
    expect(alignKeys(1, { a: 1 })).toBe(1);
    expect(alignKeys([1, 2, 3], [9])).toEqual([1, 2, 3]);
  });
});
