import type { KubeObject } from '../model/kube-object.js';

/** Metadata the server owns: never part of what a stack declares. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'] as const;

/**
 * An object as a reviewer should compare it: without status and server-owned metadata. Both
 * sides of a live diff come from the server (the live object, and the dry-run of the apply),
 * so defaults and quantity forms ("1000m" vs "1") are already the server's on both.
 */
export function normalizeLive(o: KubeObject): KubeObject {
  const { status: _status, ...rest } = o as KubeObject & { status?: unknown };
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  if (metadata.annotations && Object.keys(metadata.annotations as object).length === 0) delete metadata.annotations;
  return { ...rest, metadata } as KubeObject;
}
