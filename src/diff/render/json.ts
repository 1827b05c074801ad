import type { ChangeAction, ChangeSet, ChangeSummary } from '../change-set.js';
import type { KubeObject } from '../../model/kube-object.js';
import type { GpuTotals } from '../rollout/gpu-totals.js';
import type { RolloutImpact } from '../rollout/rollout-impact.js';
import type { SecretKeyChanges } from '../secret-keys.js';

/** The machine-readable diff: same change set, same text (keys in a fixed order). */
export interface JsonReport {
  readonly summary: ChangeSummary;
  readonly byKind: ChangeSet['byKind'];
  readonly gpus: GpuTotals;
  readonly changes: readonly JsonChange[];
}

export interface JsonChange {
  readonly action: ChangeAction;
  readonly key: string;
  readonly ref: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly diff: string;
  /** A changed model: what applying the change does (same label as text and markdown). */
  readonly rollout?: RolloutImpact;
  /** A Secret: the keys that changed, by name. */
  readonly secretKeys?: SecretKeyChanges;
  /** Secret values masked, as in the diff. */
  readonly before?: KubeObject;
  readonly after?: KubeObject;
}

export function toJsonReport(cs: ChangeSet): JsonReport {
  const { add, change, remove, unchanged } = cs.summary;
  return {
    summary: { add, change, remove, unchanged },
    byKind: cs.byKind,
    gpus: cs.gpus,
    changes: cs.changes.map((c) => {
      const o = (c.after ?? c.before)!;
      return {
        action: c.action,
        key: c.key,
        ref: c.ref,
        apiVersion: o.apiVersion,
        kind: o.kind,
        ...(o.metadata.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
        ...(o.metadata.name === undefined ? {} : { name: o.metadata.name }),
        diff: c.diff,
        ...(c.rollout ? { rollout: c.rollout } : {}),
        ...(c.secretKeys ? { secretKeys: c.secretKeys } : {}),
        ...(c.before ? { before: c.before } : {}),
        ...(c.after ? { after: c.after } : {}),
      };
    }),
  };
}

/** `toJsonReport` as indented JSON with a final newline. */
export function renderJson(cs: ChangeSet): string {
  return `${JSON.stringify(toJsonReport(cs), null, 2)}\n`;
}
