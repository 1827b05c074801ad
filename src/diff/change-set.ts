import { ModelstackError } from '../errors.js';
import { type KubeObject, objectKey, objectRef } from '../model/kube-object.js';
import { toYaml } from '../synth/render-yaml.js';
import { alignKeys } from './align-keys.js';
import { deepEqual } from '../clusterapply/deep-equal.js';
import { unifiedDiff } from './line-diff.js';
import { maskSecretPair } from './mask-secrets.js';

export type ChangeAction = 'add' | 'change' | 'remove';

/** One object that differs between the two sides. */
export interface Change {
  /** `group/kind/namespace/name`, how the sides were matched (see objectKey). */
  readonly key: string;
  /** `Kind namespace/name`, for people. */
  readonly ref: string;
  readonly action: ChangeAction;
  /** The object before (absent for "add"), Secret values masked. */
  readonly before?: KubeObject;
  /** The object after (absent for "remove"), Secret values masked. */
  readonly after?: KubeObject;
  /** Unified diff of the two YAML renderings, with `---`/`+++` headers naming the object. */
  readonly diff: string;
}

export interface ChangeSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
  readonly unchanged: number;
}

export interface ChangeSet {
  /** Adds and changes in after-side order, then removes in before-side order. */
  readonly changes: readonly Change[];
  readonly summary: ChangeSummary;
}

/**
 * Compares two sides object by object, matched by group, kind, namespace and name. Objects are
 * equal when their content is (key order aside). Secret values are masked before anything is
 * compared or rendered, so no change carries a secret.
 */
export function diffObjects(before: readonly KubeObject[], after: readonly KubeObject[]): ChangeSet {
  const beforeByKey = byKey(before, 'before');
  const afterByKey = byKey(after, 'after');
  const changes: Change[] = [];
  let unchanged = 0;
  for (const [key, a] of afterByKey) {
    const [mb, ma] = maskSecretPair(beforeByKey.get(key), a);
    const ref = objectRef(a);
    if (mb === undefined) {
      changes.push({ key, ref, action: 'add', after: ma!, diff: unifiedDiff('', toYaml([ma]), names(ref, false, true)) });
    } else if (deepEqual(mb, ma)) {
      unchanged++;
    } else {
      const diff = unifiedDiff(toYaml([alignKeys(mb, ma)]), toYaml([ma]), names(ref, true, true));
      changes.push({ key, ref, action: 'change', before: mb, after: ma!, diff });
    }
  }
  for (const [key, b] of beforeByKey) {
    if (afterByKey.has(key)) continue;
    const [mb] = maskSecretPair(b, undefined);
    const ref = objectRef(b);
    changes.push({ key, ref, action: 'remove', before: mb!, diff: unifiedDiff(toYaml([mb]), '', names(ref, true, false)) });
  }
  const count = (a: ChangeAction): number => changes.filter((c) => c.action === a).length;
  return { changes, summary: { add: count('add'), change: count('change'), remove: count('remove'), unchanged } };
}

/** True when applying the after side would change anything. */
export function hasChanges(cs: ChangeSet): boolean {
  return cs.changes.length > 0;
}

function names(ref: string, hasBefore: boolean, hasAfter: boolean): { beforeName: string; afterName: string } {
  return { beforeName: hasBefore ? `before: ${ref}` : '/dev/null', afterName: hasAfter ? `after: ${ref}` : '/dev/null' };
}

function byKey(objects: readonly KubeObject[], side: 'before' | 'after'): Map<string, KubeObject> {
  const map = new Map<string, KubeObject>();
  for (const o of objects) {
    const key = objectKey(o);
    if (map.has(key)) {
      throw new ModelstackError('USAGE', `the ${side} side has ${objectRef(o)} (${o.apiVersion}) more than once`, {
        hint: 'every object must be unique by API group, kind, namespace and name; remove the duplicate',
      });
    }
    map.set(key, o);
  }
  return map;
}
