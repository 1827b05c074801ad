import { createHash } from 'node:crypto';
import { apiGroup, type KubeObject, type StackManifest } from '../model/kube-object.js';

/**
 * Ownership marks, following the ApplySet convention (KEP-3659): a parent ConfigMap per stack
 * carries the ApplySet id and the group-kinds it has ever contained; every member carries the
 * `part-of` label. Pruning only ever considers objects that carry this stack's id.
 */
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_ID = 'applyset.kubernetes.io/id';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
export const TOOLING = 'modelstack/v1';
/** The label on a stack's ApplySet parent that records the stackId which created it. */
export const STACK_ID_LABEL = 'modelstack.io/stack-id';

export interface ApplySetParent {
  readonly name: string;
  readonly namespace: string;
  readonly id: string;
}

/** The parent of a stack's ApplySet: a ConfigMap `modelstack-<stack>` in `namespace`. */
export function applySetParent(stackName: string, namespace: string): ApplySetParent {
  const name = `modelstack-${stackName}`;
  // The KEP's id: base64url(sha256(<name>.<namespace>.<kind>.<group>)), for a ConfigMap (core group).
  const digest = createHash('sha256').update(`${name}.${namespace}.ConfigMap.`).digest('base64url');
  return { name, namespace, id: `applyset-${digest}-v1` };
}

/** `Kind.group` (core kinds: `Kind`), the form the group-kinds annotation lists. */
export function groupKind(o: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const group = apiGroup(o.apiVersion);
  return group ? `${o.kind}.${group}` : o.kind;
}

export function parseGroupKinds(annotation: string | undefined): string[] {
  return (annotation ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The parent ConfigMap, listing `groupKinds` sorted. */
export function parentObject(parent: ApplySetParent, stackName: string, groupKinds: Iterable<string>, stackId?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: parent.name,
      namespace: parent.namespace,
      labels: {
        [APPLYSET_ID]: parent.id,
        'app.kubernetes.io/managed-by': 'modelstack',
        'modelstack.io/stack': stackName,
        ...(stackId ? { [STACK_ID_LABEL]: stackId } : {}),
      },
      annotations: { [APPLYSET_TOOLING]: TOOLING, [APPLYSET_GROUP_KINDS]: [...new Set(groupKinds)].sort().join(',') },
    },
  };
}

/** A copy of `o` carrying the part-of label. */
export function withPartOf(o: KubeObject, parent: ApplySetParent): KubeObject {
  return { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [APPLYSET_PART_OF]: parent.id } } };
}

/** Namespace of a stack's ApplySet parent unless --applyset-namespace says otherwise. */
export const DEFAULT_APPLYSET_NAMESPACE = 'default';

/** The name a stack's objects are owned under. */
export function stackNameOf(s: StackManifest): string {
  return s.stackName ?? s.id;
}

export interface StackApplySet {
  readonly stack: string;
  readonly parent: ApplySetParent;
  /** The stack's objects as apply writes them: each with the part-of label. */
  readonly desired: KubeObject[];
}

/** A stack's ApplySet: its name, its parent, and its objects carrying the ownership mark. */
export function stackApplySet(s: StackManifest, namespace: string = DEFAULT_APPLYSET_NAMESPACE): StackApplySet {
  const stack = stackNameOf(s);
  const parent = applySetParent(stack, namespace);
  return { stack, parent, desired: s.objects.map((o) => withPartOf(o, parent)) };
}
