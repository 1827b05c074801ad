import { deepEqual } from '../../clusterapply/deep-equal.js';
import type { KubeObject } from '../../model/kube-object.js';
import { isRayService, modelGpus, type ModelGpus, type ModelPart, record } from './model-gpus.js';
import { ROLLOUT_RULES, type RolloutContext, type RolloutKind } from './rollout-rules.js';

/** What applying a change to one model does, by the first rule of ROLLOUT_RULES that matches. */
export interface RolloutImpact {
  readonly kind: RolloutKind;
  /** The rule's id (see ROLLOUT_RULES). */
  readonly rule: string;
  /** Roles (component / group names) whose pods the rollout touches. */
  readonly roles: readonly string[];
  /** For people: "rolling restart of VllmDecodeWorker", "new RayCluster (two clusters until ready)". */
  readonly label: string;
  /** GPUs needed on top of the after side's while the rollout runs. */
  readonly extraGpus: number;
  readonly gpusBefore: number;
  readonly gpusAfter: number;
  /** Set when the rule is not confirmed upstream: the label then starts with "expected". */
  readonly inferred?: true;
}

/** Replica fields an autoscaler or a scale owns: they never restart pods. */
const DYNAMO_SCALE_FIELDS = ['replicas'];
const RAY_SCALE_FIELDS = ['replicas', 'minReplicas', 'maxReplicas'];

/** The rollout impact of a model changing from `before` to `after`; undefined for objects that are not models. */
export function rolloutImpact(before: KubeObject, after: KubeObject): RolloutImpact | undefined {
  const b = modelGpus(before);
  const a = modelGpus(after);
  if (!b || !a || b.runtime !== a.runtime) return undefined;
  const ctx = context(before, after, b, a);
  const rule = ROLLOUT_RULES.find((r) => r.runtime === a.runtime && r.matches(ctx))!;
  const roles = rule.roles(ctx);
  const label = labelOf(rule.kind, roles, ctx);
  return {
    kind: rule.kind,
    rule: rule.id,
    roles,
    label: rule.inferred ? `expected: ${label} (not confirmed upstream)` : label,
    extraGpus: rule.extraGpus(ctx),
    gpusBefore: b.gpus,
    gpusAfter: a.gpus,
    ...(rule.inferred ? { inferred: true as const } : {}),
  };
}

function context(before: KubeObject, after: KubeObject, b: ModelGpus, a: ModelGpus): RolloutContext {
  const ray = isRayService(after);
  const scaleFields = ray ? RAY_SCALE_FIELDS : DYNAMO_SCALE_FIELDS;
  const sb = record(before.spec);
  const sa = record(after.spec);
  const specFields = [...new Set([...Object.keys(sb), ...Object.keys(sa)])].filter((k) => {
    if (ray ? k === 'rayClusterConfig' || k === 'upgradeStrategy' : k === 'components') return false;
    return !deepEqual(sb[k], sa[k]);
  });
  if (ray) {
    const omit = (c: unknown): Record<string, unknown> => {
      const { headGroupSpec: _h, workerGroupSpecs: _w, ...rest } = record(c);
      return rest;
    };
    if (!deepEqual(omit(sb.rayClusterConfig), omit(sa.rayClusterConfig))) specFields.push('rayClusterConfig');
  }
  const byName = (g: ModelGpus): Map<string, ModelPart> => new Map(g.parts.map((p) => [p.name, p]));
  const pb = byName(b);
  const pa = byName(a);
  const changedParts: string[] = [];
  const scaledParts: string[] = [];
  for (const [name, p] of pa) {
    const old = pb.get(name);
    if (!old) continue;
    if (!deepEqual(withoutScale(old.spec, scaleFields), withoutScale(p.spec, scaleFields))) changedParts.push(name);
    else if (!deepEqual(old.spec, p.spec)) scaledParts.push(name);
  }
  const strategy = record(sa.upgradeStrategy);
  const surge = record(strategy.clusterUpgradeOptions).maxSurgePercent;
  return {
    before: b,
    after: a,
    specFields,
    changedParts,
    scaledParts,
    addedParts: [...pa.keys()].filter((n) => !pb.has(n)),
    removedParts: [...pb.keys()].filter((n) => !pa.has(n)),
    ...(typeof strategy.type === 'string' ? { upgradeStrategy: strategy.type } : {}),
    ...(typeof surge === 'number' ? { maxSurgePercent: surge } : {}),
  };
}

/** A part's fields without the replica fields (and Ray's scaleStrategy.workersToDelete). */
function withoutScale(spec: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(spec).filter(([k]) => !fields.includes(k)));
  if ('scaleStrategy' in out) {
    const { workersToDelete: _w, ...rest } = record(out.scaleStrategy);
    out.scaleStrategy = rest;
  }
  return out;
}

function labelOf(kind: RolloutKind, roles: readonly string[], ctx: RolloutContext): string {
  const names = roles.join(', ');
  switch (kind) {
    case 'in-place':
      return roles.length > 0 ? `in place, no pod restarts (${names})` : 'in place, no pod restarts';
    case 'rolling':
      return `rolling restart of ${names}`;
    case 'new-cluster':
      return ctx.upgradeStrategy === 'NewClusterWithIncrementalUpgrade'
        ? 'new RayCluster, traffic moved over step by step (incremental upgrade)'
        : 'new RayCluster (two clusters run side by side until the new one is ready)';
    case 'recreate':
      return `recreate of ${names} (pods deleted, then created)`;
    case 'not-rolled-out':
      return 'not rolled out: upgradeStrategy None keeps the running RayCluster as it is';
  }
}
