import { renderEnv } from '../../../constructs/common/env.js';
import { secretKey } from '../../../constructs/common/secrets.js';

describe('renderEnv', () => {
  test('sorted by name; literals as value, references as valueFrom.secretKeyRef', () => {
    expect(renderEnv({ b: '2', A: { secretKeyRef: secretKey('s', 'k') }, a: '1' })).toEqual([
      { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
  });

  test('no env gives an empty list', () => {
    expect(renderEnv(undefined)).toEqual([]);
    expect(renderEnv({})).toEqual([]);
  });

  test('extra fields on a reference are not copied', () => {
    const ref = { secretKeyRef: { name: 's', key: 'k', optional: true } } as unknown as { secretKeyRef: { name: string; key: string } };
    expect(renderEnv({ X: ref })).toEqual([{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]);
  });
});
