import { type KubeObject, objectRef } from '../../model/kube-object.js';
import { modelGpus } from './model-gpus.js';

/** GPUs of one model on both sides (0 on a side that does not have it). */
export interface ModelGpuTotals {
  readonly ref: string;
  readonly namespace: string;
  readonly before: number;
  readonly after: number;
  /** Some of its replica counts are an autoscaler's: the totals count what is rendered (absent = 1). */
  readonly autoscaled: boolean;
}

/** GPUs per namespace on both sides, and the most extra GPUs the rollouts of its changes need. */
export interface NamespaceGpuTotals {
  readonly namespace: string;
  readonly before: number;
  readonly after: number;
  readonly extraDuringRollout: number;
}

export interface GpuTotals {
  readonly models: readonly ModelGpuTotals[];
  readonly namespaces: readonly NamespaceGpuTotals[];
  readonly before: number;
  readonly after: number;
  readonly extraDuringRollout: number;
}

/** GPU totals of every model on either side (after-side order, then before-only), with `extra` GPUs per model ref. */
export function gpuTotals(before: readonly KubeObject[], after: readonly KubeObject[], extra: ReadonlyMap<string, number>): GpuTotals {
  const rows = new Map<string, { namespace: string; before: number; after: number; autoscaled: boolean }>();
  const add = (o: KubeObject, side: 'before' | 'after'): void => {
    const g = modelGpus(o);
    if (!g) return;
    const ref = objectRef(o);
    const row = rows.get(ref) ?? { namespace: o.metadata.namespace ?? '', before: 0, after: 0, autoscaled: false };
    row[side] = g.gpus;
    row.autoscaled ||= g.parts.some((p) => p.autoscaled);
    rows.set(ref, row);
  };
  for (const o of after) add(o, 'after');
  for (const o of before) add(o, 'before');
  const models = [...rows].map(([ref, r]): ModelGpuTotals => ({ ref, ...r }));
  const byNs = new Map<string, { before: number; after: number; extraDuringRollout: number }>();
  for (const m of models) {
    const ns = byNs.get(m.namespace) ?? { before: 0, after: 0, extraDuringRollout: 0 };
    ns.before += m.before;
    ns.after += m.after;
    // Rollouts of one apply run at once: their extra GPUs add up.
    ns.extraDuringRollout += extra.get(m.ref) ?? 0;
    byNs.set(m.namespace, ns);
  }
  const namespaces = [...byNs].map(([namespace, n]) => ({ namespace, ...n })).sort((x, y) => x.namespace.localeCompare(y.namespace));
  const sum = (f: (n: NamespaceGpuTotals) => number): number => namespaces.reduce((s, n) => s + f(n), 0);
  return { models, namespaces, before: sum((n) => n.before), after: sum((n) => n.after), extraDuringRollout: sum((n) => n.extraDuringRollout) };
}
