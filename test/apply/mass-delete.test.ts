import { isMassDelete, massDeleteGuard } from '../../src/apply/mass-delete.js';
import { ModelstackError } from '../../src/errors.js';
import type { KubeObject } from '../../src/model/kube-object.js';

const cm = (n: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'app' } });

describe('mass deletion', () => {
  test.each([
    [0, 5, false],
    [1, 1, true],
    [2, 2, true],
    [1, 2, false],
    [2, 3, false],
    [3, 5, true],
    [3, 6, false],
    [2, 4, false],
    [40, 50, true],
  ])('%i of %i leaving: mass deletion %s', (leaving, owned, expected) => {
    expect(isMassDelete(leaving, owned)).toBe(expected);
  });

  test('refused with what would go (at most 20 named), unless allowed', () => {
    const owned = Array.from({ length: 25 }, (_, i) => cm(`c${i}`));
    let e: unknown;
    try {
      massDeleteGuard('demo', owned, owned, false);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ModelstackError);
    const err = e as ModelstackError;
    expect(err.code).toBe('MASS_DELETE');
    expect(err.message).toBe('refusing to prune every object of stack demo: that looks like an empty or broken synth, not an edit');
    expect(err.details).toHaveLength(21);
    expect(err.details.at(-1)).toBe('... and 5 more');
    expect(err.hint).toBe(
      'check that the app synthesized what you meant (modelstack diff --prune shows it); if these deletions are intended, pass --allow-mass-delete',
    );
    expect(() => massDeleteGuard('demo', owned, owned, true)).not.toThrow();
  });
});
