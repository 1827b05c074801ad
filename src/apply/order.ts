import { allRuntimes } from '../runtimes/registry.js';
import { apiGroup, type KubeObject } from '../model/kube-object.js';

/**
 * Apply order: CRDs, then Namespaces, then RBAC and configuration, then operators (and what
 * installs them), then everything else, and models last. Objects keep their synth order
 * within a stage. Deletion runs the stages backwards: models before operators.
 */
export type Stage = 'crds' | 'namespaces' | 'rbac-config' | 'operators' | 'other' | 'models';
export const STAGES: readonly Stage[] = ['crds', 'namespaces', 'rbac-config', 'operators', 'other', 'models'];

const RBAC_CONFIG = new Set(['ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret']);
/** What installs an operator: GitOps sources and releases, and the operator workloads themselves. */
const OPERATOR_KINDS = new Set([
  'HelmRepository',
  'HelmRelease',
  'Application',
  'Deployment',
  'Service',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);
const MODEL_KINDS = new Set(allRuntimes().map((r) => `${r.model.group}/${r.model.kind}`));

export function stageOf(o: KubeObject): Stage {
  if (o.kind === 'CustomResourceDefinition') return 'crds';
  if (o.kind === 'Namespace' && apiGroup(o.apiVersion) === '') return 'namespaces';
  if (RBAC_CONFIG.has(o.kind)) return 'rbac-config';
  if (MODEL_KINDS.has(`${apiGroup(o.apiVersion)}/${o.kind}`)) return 'models';
  if (OPERATOR_KINDS.has(o.kind)) return 'operators';
  return 'other';
}

/** The objects grouped by stage, in apply order; empty stages left out. */
export function applyStages(objects: readonly KubeObject[]): Array<{ stage: Stage; objects: KubeObject[] }> {
  return STAGES.map((stage) => ({ stage, objects: objects.filter((o) => stageOf(o) === stage) })).filter((s) => s.objects.length > 0);
}

/** Stages for deletion: models first, CRDs last. */
export function deleteStages(objects: readonly KubeObject[]): Array<{ stage: Stage; objects: KubeObject[] }> {
  return applyStages(objects)
    .reverse()
    .map((s) => ({ stage: s.stage, objects: [...s.objects].reverse() }));
}
