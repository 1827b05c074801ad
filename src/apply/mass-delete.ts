import { ModelstackError } from '../errors.js';
import { type KubeObject, objectRef } from '../model/kube-object.js';

/**
 * A prune is a mass deletion when it takes every object out of a stack, or more than
 * MASS_DELETE_SHARE of a stack that owns at least MASS_DELETE_MIN objects: the signature of an
 * empty or broken synth (a failed import, a wrong working directory), not of an edit.
 */
export const MASS_DELETE_SHARE = 0.5;
export const MASS_DELETE_MIN = 3;

export function isMassDelete(leaving: number, owned: number): boolean {
  if (leaving === 0) return false;
  return leaving >= owned || (leaving >= MASS_DELETE_MIN && leaving > owned * MASS_DELETE_SHARE);
}

/** Refuses a mass deletion unless `allowed`, naming what would go. */
export function massDeleteGuard(stack: string, leaving: readonly KubeObject[], owned: readonly KubeObject[], allowed: boolean): void {
  if (allowed || !isMassDelete(leaving.length, owned.length)) return;
  const refs = leaving.map(objectRef);
  const shown = refs.slice(0, 20);
  const share = leaving.length >= owned.length ? 'every object' : `${leaving.length} of its ${owned.length} objects`;
  throw new ModelstackError('MASS_DELETE', `refusing to prune ${share} of stack ${stack}: that looks like an empty or broken synth, not an edit`, {
    details: [...shown, ...(refs.length > shown.length ? [`... and ${refs.length - shown.length} more`] : [])],
    hint: 'check that the app synthesized what you meant (modelstack diff --prune shows it); if these deletions are intended, pass --allow-mass-delete',
  });
}
