import { ModelstackError } from '../errors.js';
import { type KubeObject, objectKey, objectRef } from '../model/kube-object.js';
import { toYaml } from '../synth/render-yaml.js';
import { alignKeys } from './align-keys.js';
import { deepEqual } from '../clusterapply/deep-equal.js';
import { unifiedDiff } from './line-diff.js';
import { type IgnorePath, withoutIgnored } from './ignore-paths.js';
import { isSecret, maskSecretPair } from './mask-secrets.js';
import { type GpuTotals, gpuTotals } from './rollout/gpu-totals.js';
import { type RolloutImpact, rolloutImpact } from './rollout/rollout-impact.js';
import { secretKeyChanges, type SecretKeyChanges } from './secret-keys.js';

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
  /** A changed model (DynamoGraphDeployment, RayService): what applying the change does to its pods. */
  readonly rollout?: RolloutImpact;
  /** A Secret: the keys whose values were added, changed or removed (names only). */
  readonly secretKeys?: SecretKeyChanges;
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
  /** The summary per kind, kinds in the order they first appear (after side, then before side). */
  readonly byKind: readonly ({ readonly kind: string } & ChangeSummary)[];
  /** GPUs of the models on both sides, per model and namespace, and the extra GPUs rollouts need. */
  readonly gpus: GpuTotals;
}

export interface DiffObjectsOptions {
  /** Values left out of both sides before they are compared (`--ignore`). */
  readonly ignore?: readonly IgnorePath[];
}

/**
 * Compares two sides object by object, matched by group, kind, namespace and name. Objects are
 * equal when their content is (key order aside). Secret values are masked before anything is
 * compared or rendered, so no change carries a secret.
 */
export function diffObjects(beforeObjects: readonly KubeObject[], afterObjects: readonly KubeObject[], opts: DiffObjectsOptions = {}): ChangeSet {
  const ignore = opts.ignore ?? [];
  const before = ignore.length === 0 ? beforeObjects : beforeObjects.map((o) => withoutIgnored(o, ignore));
  const after = ignore.length === 0 ? afterObjects : afterObjects.map((o) => withoutIgnored(o, ignore));
  const beforeByKey = byKey(before, 'before');
  const afterByKey = byKey(after, 'after');
  const kinds = new Map<string, { add: number; change: number; remove: number; unchanged: number }>();
  const tally = (o: KubeObject, what: 'add' | 'change' | 'remove' | 'unchanged'): void => {
    const k = kinds.get(o.kind) ?? { add: 0, change: 0, remove: 0, unchanged: 0 };
    k[what]++;
    kinds.set(o.kind, k);
  };
  const secretKeys = (b: KubeObject | undefined, a: KubeObject | undefined): { secretKeys?: SecretKeyChanges } =>
    isSecret(a) || isSecret(b) ? { secretKeys: secretKeyChanges(b, a) } : {};
  const changes: Change[] = [];
  let unchanged = 0;
  for (const [key, a] of afterByKey) {
    const [mb, ma] = maskSecretPair(beforeByKey.get(key), a);
    const ref = objectRef(a);
    const b = beforeByKey.get(key);
    if (mb === undefined) {
      tally(a, 'add');
      changes.push({ key, ref, action: 'add', after: ma!, diff: unifiedDiff('', toYaml([ma]), names(ref, false, true)), ...secretKeys(undefined, a) });
    } else if (deepEqual(mb, ma)) {
      tally(a, 'unchanged');
      unchanged++;
    } else {
      tally(a, 'change');
      const diff = unifiedDiff(toYaml([alignKeys(mb, ma)]), toYaml([ma]), names(ref, true, true));
      const rollout = rolloutImpact(b!, a);
      changes.push({ key, ref, action: 'change', before: mb, after: ma!, diff, ...(rollout ? { rollout } : {}), ...secretKeys(b, a) });
    }
  }
  for (const [key, b] of beforeByKey) {
    if (afterByKey.has(key)) continue;
    const [mb] = maskSecretPair(b, undefined);
    const ref = objectRef(b);
    tally(b, 'remove');
    changes.push({ key, ref, action: 'remove', before: mb!, diff: unifiedDiff(toYaml([mb]), '', names(ref, true, false)), ...secretKeys(b, undefined) });
  }
  const count = (a: ChangeAction): number => changes.filter((c) => c.action === a).length;
  const extra = new Map(changes.filter((c) => c.rollout).map((c) => [c.ref, c.rollout!.extraGpus]));
  return {
    changes,
    summary: { add: count('add'), change: count('change'), remove: count('remove'), unchanged },
    byKind: [...kinds].map(([kind, k]) => ({ kind, ...k })),
    gpus: gpuTotals(before, after, extra),
  };
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
