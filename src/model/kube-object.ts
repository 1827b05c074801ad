import type { ModelDescriptor } from './model-descriptor.js';

/** A Kubernetes object as synthesized: plain JSON. */
export type KubeObject = Record<string, unknown> & {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
};

/** The objects of one stack (a chart), in the order they must be applied. */
export interface StackManifest {
  /** Chart id, used for file names. */
  readonly id: string;
  /** Stack name (the `modelstack.io/stack` label), when the chart is a ModelStack. */
  readonly stackName?: string;
  /**
   * The stack's stable identity (ModelStack's `stackId`): recorded on its ApplySet parent, so a
   * stack of the same name from another repository cannot take over what this one owns.
   */
  readonly stackId?: string;
  readonly objects: readonly KubeObject[];
  /** What the stack's model constructs said about their models (absent for plain manifests). */
  readonly models?: readonly ModelDescriptor[];
}

export function isKubeObject(v: unknown): v is KubeObject {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata === 'object' && o.metadata !== null;
}

/** The API group of an apiVersion (`apps/v1` → `apps`; the core group `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `group/kind/namespace/name`: how objects are matched between two sides of a diff. */
export function objectKey(o: KubeObject): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** A short human name: `Kind namespace/name` or `Kind name`. */
export function objectRef(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name ?? '(unnamed)'}`;
}
