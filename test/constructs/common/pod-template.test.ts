import { mergePatch } from '../../../constructs/common/pod-template.js';

describe('mergePatch', () => {
  test('objects merge key by key; scalars replace', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 4, e: 5 }, f: 6 })).toEqual({ a: 1, b: { c: 2, d: 4, e: 5 }, f: 6 });
  });

  test('an undefined patch keeps the base', () => {
    const base = { a: 1 };
    expect(mergePatch(base, undefined)).toBe(base);
  });

  test('lists of named objects merge by name, keeping base order and appending new names', () => {
    const base = {
      containers: [
        { name: 'main', image: 'a:1', env: [{ name: 'X', value: '1' }] },
        { name: 'side', image: 's:1' },
      ],
    };
    const patch = {
      containers: [
        { name: 'extra', image: 'e:1' },
        { name: 'main', env: [{ name: 'Y', value: '2' }] },
      ],
    };
    expect(mergePatch(base, patch)).toEqual({
      containers: [
        {
          name: 'main',
          image: 'a:1',
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '2' },
          ],
        },
        { name: 'side', image: 's:1' },
        { name: 'extra', image: 'e:1' },
      ],
    });
  });

  test('other lists replace, and an empty list clears', () => {
    expect(mergePatch({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
    expect(mergePatch({ tolerations: [{ key: 'a' }] }, { tolerations: [{ key: 'b' }] })).toEqual({ tolerations: [{ key: 'b' }] });
    expect(mergePatch({ env: [{ name: 'X', value: '1' }] }, { env: [] })).toEqual({ env: [] });
  });

  test('a patch never changes the base', () => {
    const base = { spec: { containers: [{ name: 'main', args: ['a'] }] } };
    const copy = JSON.parse(JSON.stringify(base));
    mergePatch(base, { spec: { containers: [{ name: 'main', args: ['b'] }] } });
    expect(base).toEqual(copy);
  });
});
