import { ModelstackError } from '../../errors.js';
import type { KubeClient } from '../../kube/kube-client.js';
import type { KubeObject } from '../../synth/manifest.js';
import { normalizeLive } from '../normalize.js';

export interface LiveSides {
  readonly before: KubeObject[];
  readonly after: KubeObject[];
}

export interface LiveDiffOptions {
  readonly fieldManager: string;
  /** Objects the stack owns in the cluster that the synth no longer has (shown as removals). */
  readonly pruneCandidates?: readonly KubeObject[];
}

/**
 * The two sides of a live diff. Before: each object as the cluster has it. After: what the
 * cluster would hold after `apply` — the server-side apply dry-run of the object. An object
 * whose namespace or CRD does not exist yet cannot be dry-run; it shows as a create of the
 * synthesized object.
 */
export async function liveSides(client: KubeClient, desired: readonly KubeObject[], opts: LiveDiffOptions): Promise<LiveSides> {
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  for (const o of desired) {
    const served = await client.resourceFor(o.apiVersion, o.kind);
    if (!served) {
      after.push(o);
      continue;
    }
    const live = await client.get<KubeObject>(o);
    if (live) before.push(normalizeLive(live));
    try {
      // Forced in the dry run only, so a conflict with another manager still shows the change;
      // `apply` itself refuses conflicts unless --force-conflicts.
      after.push(normalizeLive(await client.apply<KubeObject>(o, { fieldManager: opts.fieldManager, dryRun: true, force: true })));
    } catch (e) {
      if (e instanceof ModelstackError && e.code === 'NOT_FOUND' && !live) after.push(o);
      else throw e;
    }
  }
  for (const o of opts.pruneCandidates ?? []) before.push(normalizeLive(o));
  return { before, after };
}
