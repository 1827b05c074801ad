import { type KubeObject, objectRef } from '../model/kube-object.js';

/**
 * A replica count an autoscaler owns: the Dynamo planner (the worker components of a graph that
 * has a planner), a component's DynamoGraphDeploymentScalingAdapter (`scalingAdapter.enabled`,
 * DGD CRD v1beta1 1.4.0: "replicas are managed by the DGDSA"), or a HorizontalPodAutoscaler of the
 * stack (its scaleTargetRef's `spec.replicas`). Ray needs none: the Ray autoscaler scales the
 * RayCluster, not the RayService, and KubeRay leaves worker group replicas out of its cluster hash
 * (KubeRay v1.6/v1.7 GenerateHashWithoutReplicasAndWorkersToDelete); Serve replicas live in Ray.
 */
export interface AutoscaledField {
  readonly object: KubeObject;
  readonly ref: string;
  /** Where, as an Argo CD jq path expression. */
  readonly jqPath: string;
  /** For people: `spec.components[VllmDecodeWorker].replicas`. */
  readonly path: string;
  readonly autoscaler: string;
  /** The count the manifest fixes, when it renders one (what validate warns about). */
  readonly fixedReplicas?: number;
}

type Json = Record<string, unknown>;
const WORKER_TYPES = new Set(['worker', 'prefill', 'decode']);

export function autoscaledFields(objects: readonly KubeObject[]): AutoscaledField[] {
  const out: AutoscaledField[] = [];
  for (const o of objects) {
    if (o.apiVersion.startsWith('nvidia.com/') && o.kind === 'DynamoGraphDeployment') {
      const components = Array.isArray((o.spec as Json | undefined)?.components) ? ((o.spec as Json).components as Json[]) : [];
      const planned = components.some((c) => c.type === 'planner');
      for (const c of components) {
        const adapter = (c.scalingAdapter as Json | undefined)?.enabled === true;
        if (!adapter && !(planned && WORKER_TYPES.has(String(c.type)))) continue;
        out.push({
          object: o,
          ref: objectRef(o),
          jqPath: `.spec.components[] | select(.name == ${JSON.stringify(c.name)}) | .replicas`,
          path: `spec.components[${String(c.name)}].replicas`,
          autoscaler: adapter ? 'its DynamoGraphDeploymentScalingAdapter' : 'the Dynamo planner',
          ...(typeof c.replicas === 'number' ? { fixedReplicas: c.replicas } : {}),
        });
      }
    }
    if (o.kind === 'HorizontalPodAutoscaler' && o.apiVersion.startsWith('autoscaling/')) {
      const t = (o.spec as Json | undefined)?.scaleTargetRef as Json | undefined;
      const target = objects.find(
        (x) =>
          x.kind === t?.kind &&
          x.metadata.name === t?.name &&
          x.metadata.namespace === o.metadata.namespace &&
          x.apiVersion === (t?.apiVersion ?? x.apiVersion),
      );
      if (!target) continue;
      const replicas = (target.spec as Json | undefined)?.replicas;
      out.push({
        object: target,
        ref: objectRef(target),
        jqPath: '.spec.replicas',
        path: 'spec.replicas',
        autoscaler: `HorizontalPodAutoscaler ${objectRef(o).replace(/^HorizontalPodAutoscaler /, '')}`,
        ...(typeof replicas === 'number' ? { fixedReplicas: replicas } : {}),
      });
    }
  }
  return out;
}

/** One Argo CD Application `spec.ignoreDifferences` entry (Argo CD docs, "Diffing Customization"). */
export interface ArgoIgnoreDifference {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly jqPathExpressions: readonly string[];
}

/** The ignoreDifferences entries for the autoscaled fields, one per object. */
export function argocdIgnoreDifferences(fields: readonly AutoscaledField[]): ArgoIgnoreDifference[] {
  const byRef = new Map<string, ArgoIgnoreDifference & { jqPathExpressions: string[] }>();
  for (const f of fields) {
    const o = f.object;
    const slash = o.apiVersion.indexOf('/');
    const entry = byRef.get(f.ref) ?? {
      group: slash < 0 ? '' : o.apiVersion.slice(0, slash),
      kind: o.kind,
      name: o.metadata.name ?? '',
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      jqPathExpressions: [],
    };
    if (!entry.jqPathExpressions.includes(f.jqPath)) entry.jqPathExpressions.push(f.jqPath);
    byRef.set(f.ref, entry);
  }
  return [...byRef.values()];
}
