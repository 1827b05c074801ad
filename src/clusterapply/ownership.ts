import { randomBytes } from 'node:crypto';
import { ModelstackError } from '../errors.js';
import type { KubeObject, StackManifest } from '../model/kube-object.js';
import { isStackId, STACK_ID_FIX, suggestStackId } from '../model/names.js';
import { type ApplySetParent, STACK_ID_LABEL } from './applyset.js';

/**
 * What a stack may delete. An object the stack *created* (it did not exist when the stack first
 * applied it) carries the annotation `modelstack.io/created-by: <stackId>`, written in the
 * same server-side apply that creates it. An object that existed before (a namespace a
 * platform team made, a hand-made Secret) is *adopted*: it gets the ApplySet mark but never the
 * annotation, and prune and destroy release it (drop the stack's marks and fields) instead of
 * deleting it.
 */
export const CREATED_BY = 'modelstack.io/created-by';

/** The stackId that created `o`, if a modelstack stack did. */
export function createdBy(o: KubeObject | undefined): string | undefined {
  return o?.metadata.annotations?.[CREATED_BY];
}

/**
 * `o` as this stack applies it, given the live object: it carries `created-by` when the apply
 * creates it, and keeps carrying it while the stack owns it (a server-side apply that left it
 * out would remove it). An adopted object never gets it.
 */
export function withOwnershipRecord(o: KubeObject, before: KubeObject | undefined, stackId: string): KubeObject {
  if (before && createdBy(before) !== stackId) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [CREATED_BY]: stackId } } };
}

/** The stack's stackId; a stack without a valid one may not write to or delete from a cluster. */
export function requireStackId(s: StackManifest, stack: string, command: string): string {
  if (s.stackId !== undefined && isStackId(s.stackId)) return s.stackId;
  const suggestion = suggestStackId(stack, randomBytes(4).toString('hex'));
  if (s.stackId !== undefined) {
    throw new ModelstackError('OWNERSHIP', `${command}: stack "${stack}" has stackId "${s.stackId}", which is not a valid stack id`, {
      hint: `${STACK_ID_FIX} (a fresh one: "${suggestion}")`,
    });
  }
  throw new ModelstackError(
    'OWNERSHIP',
    `${command}: stack "${stack}" has no stackId, so nothing would stop a stack of the same name in another repository from owning (and pruning) its objects`,
    {
      hint: `add stackId: '${suggestion}' (freshly generated) to the props of new ModelStack(...) for "${stack}", commit it, and never change it`,
    },
  );
}

/** How a stack stands to the ApplySet parent the cluster has. */
export type ParentStanding =
  /** No parent yet: the first apply of the stack. */
  | 'new'
  /** The parent records this stack's id. */
  | 'ours'
  /** A parent written before stack ids existed: this stack claims it. */
  | 'unclaimed';

/**
 * Refuses when the live parent was created by a different stack identity: a stack of the same
 * name from another repository (or a copy with a new stackId) must not own, prune or destroy
 * the first one's objects.
 */
export function parentStanding(parentLive: KubeObject | undefined, parent: ApplySetParent, stack: string, stackId: string, command: string): ParentStanding {
  if (!parentLive) return 'new';
  const recorded = parentLive.metadata.labels?.[STACK_ID_LABEL];
  if (recorded === undefined || recorded === '') return 'unclaimed';
  if (recorded === stackId) return 'ours';
  throw new ModelstackError(
    'OWNERSHIP',
    `${command}: the ApplySet parent ConfigMap ${parent.namespace}/${parent.name} belongs to stack id "${recorded}", but this stack "${stack}" has stackId "${stackId}": another stack of the same name (from another repository?) owns these objects`,
    {
      hint: 'if this stack is that one, set its stackId back to the recorded one; otherwise give it a different stackName (or a different --applyset-namespace) so the two never share objects',
    },
  );
}
