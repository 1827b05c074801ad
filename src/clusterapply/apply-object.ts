import { ModelstackError } from '../errors.js';
import type { ApplyOptions as KubeApplyOptions, KubeApi } from '../kube/kube-api.js';
import type { KubeObject } from '../model/kube-object.js';
import { unchangedByApply, withAppliedHash } from './applied-config.js';
import { withOwnershipRecord } from './ownership.js';

export interface ObservedApply {
  /** The object as the cluster had it before, if it existed. */
  readonly before?: KubeObject;
  /**
   * What the server returned for the apply. Undefined only in a dry run whose object cannot
   * be checked yet because its CRD or namespace is created by the same apply: it would be created.
   */
  readonly after?: KubeObject;
  /** True when the apply was left out: it would have changed nothing (applied-config.ts); `after` is the live object. */
  readonly skipped?: boolean;
}

/**
 * Server-side apply of one object, with the live object read first. With `stackId`, the object
 * carries the stack's created-by record when this apply creates it (see ownership.ts). Every
 * object carries the hash of its applied configuration, and an apply that would change nothing
 * is not sent (applied-config.ts) unless `always`. `apply` uses it to say
 * created/configured/unchanged, and the live diff (as a dry run) for its two sides.
 */
export async function applyObserved(
  kube: KubeApi,
  o: KubeObject,
  opts: KubeApplyOptions & {
    readonly stackId?: string;
    /** The live object read beforehand (readLive), so no GET is needed; `{ before: undefined }` when absent. */
    readonly live?: { readonly before?: KubeObject };
    /** Send the apply even when it would change nothing (`apply --force-conflicts`: take fields over). @default false */
    readonly always?: boolean;
  },
): Promise<ObservedApply> {
  if (opts.dryRun && !(await kube.resourceFor(o.apiVersion, o.kind))) return {};
  const before = opts.live ? opts.live.before : await kube.get<KubeObject>(o);
  const body = withAppliedHash(opts.stackId ? withOwnershipRecord(o, before, opts.stackId) : o);
  if (!opts.always && unchangedByApply(body, before, opts.fieldManager)) return { before, after: before, skipped: true };
  try {
    return { before, after: await kube.apply<KubeObject>(body, { fieldManager: opts.fieldManager, force: opts.force, dryRun: opts.dryRun }) };
  } catch (e) {
    if (opts.dryRun && !before && e instanceof ModelstackError && e.code === 'NOT_FOUND') return {};
    throw e;
  }
}
