import { deepEqual } from '../clusterapply/deep-equal.js';
import type { KubeObject } from '../model/kube-object.js';
import { isPlainObject } from './align-keys.js';

/** Which keys of a Secret's data / stringData changed, by name only (values are never read out). */
export interface SecretKeyChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** The key changes between two sides of a Secret (either may be absent), from its unmasked values. */
export function secretKeyChanges(before: KubeObject | undefined, after: KubeObject | undefined): SecretKeyChanges {
  const values = (o: KubeObject | undefined): Map<string, unknown> => {
    const m = new Map<string, unknown>();
    for (const field of ['data', 'stringData'] as const) {
      const map = o?.[field];
      if (isPlainObject(map)) for (const [k, v] of Object.entries(map)) m.set(k, v);
    }
    return m;
  };
  const b = values(before);
  const a = values(after);
  return {
    added: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...a.keys()].filter((k) => b.has(k) && !deepEqual(b.get(k), a.get(k))).sort(),
    removed: [...b.keys()].filter((k) => !a.has(k)).sort(),
  };
}
