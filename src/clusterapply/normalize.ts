import type { KubeObject } from '../model/kube-object.js';
import { APPLIED_HASH } from './applied-config.js';

/** Metadata the server owns: never part of what a stack declares. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'] as const;

/**
 * An object as a reviewer should compare it: without status, server-owned metadata and the
 * applied-configuration hash apply writes (it changes whenever anything else does). Both
 * sides of a live diff come from the server (the live object, and the dry-run of the apply),
 * so defaults and quantity forms ("1000m" vs "1") are already the server's on both.
 */
export function normalizeLive(o: KubeObject): KubeObject {
  const { status: _status, ...rest } = o as KubeObject & { status?: unknown };
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  if (metadata.annotations && APPLIED_HASH in (metadata.annotations as object)) {
    const { [APPLIED_HASH]: _hash, ...annotations } = metadata.annotations as Record<string, string>;
    metadata.annotations = annotations;
  }
  if (metadata.annotations && Object.keys(metadata.annotations as object).length === 0) delete metadata.annotations;
  return { ...rest, metadata } as KubeObject;
}
