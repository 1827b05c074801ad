import type { KubeObject } from '../model/kube-object.js';

/** Metadata the API server writes on every object; a stack never sets it. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/**
 * Annotations tools and runtimes write themselves. kubectl's copy of the last applied object is
 * kubectl's record, not the object; the Dynamo operator keeps what a v1alpha1 -> v1beta1
 * conversion could not express under `nvidia.com/` conversion annotations (operator source
 * deploy/operator/api/v1alpha1/shared_spec_conversion.go, "sparse typed spec/status annotation").
 */
const TOOL_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];
const TOOL_ANNOTATION_PREFIXES = ['conversion.nvidia.com/'];

/** What was taken off a live object, by field path. */
export interface Stripped {
  readonly object: KubeObject;
  readonly removed: readonly string[];
}

/**
 * A live object as its author wrote it: without status, server metadata (uid, resourceVersion,
 * creationTimestamp, generation, managedFields), finalizers and owner references the runtimes
 * add, and annotations tools write for themselves.
 */
export function stripServerFields(live: KubeObject): Stripped {
  const removed: string[] = [];
  const { status, ...rest } = live as KubeObject & { status?: unknown };
  if (status !== undefined) removed.push('status');
  const metadata: Record<string, unknown> = { ...live.metadata };
  for (const k of SERVER_METADATA) {
    if (k in metadata) {
      delete metadata[k];
      removed.push(`metadata.${k}`);
    }
  }
  for (const k of ['finalizers', 'ownerReferences']) {
    if (k in metadata) {
      delete metadata[k];
      removed.push(`metadata.${k}`);
    }
  }
  const annotations = { ...(live.metadata.annotations ?? {}) };
  for (const k of Object.keys(annotations)) {
    if (TOOL_ANNOTATIONS.includes(k) || TOOL_ANNOTATION_PREFIXES.some((p) => k.startsWith(p))) {
      delete annotations[k];
      removed.push(`metadata.annotations["${k}"]`);
    }
  }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  if (metadata.labels && Object.keys(metadata.labels).length === 0) delete metadata.labels;
  return { object: { ...rest, metadata } as KubeObject, removed };
}
