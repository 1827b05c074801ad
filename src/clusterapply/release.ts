import { ModelstackError } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import type { KubeObject } from '../model/kube-object.js';
import { APPLYSET_PART_OF } from './applyset.js';
import { LEGACY_FIELD_MANAGER } from './field-manager.js';
import { CREATED_BY } from './ownership.js';
import { APPLIED_HASH } from './applied-config.js';

export interface ReleaseResult {
  /** The object as it is (or, in a dry run, would be) after the release. */
  readonly after?: KubeObject;
  /**
   * True when the stack's field values had to stay (dropping them would leave the object
   * invalid, a 422): only the ownership marks were removed.
   */
  readonly keptFields: boolean;
}

/**
 * Releases an object from a stack without deleting it: a server-side apply of nothing but its
 * identity, as the stack's field manager (and the pre-0.2 shared one), drops every field and
 * mark only the stack set; values another manager also set stay. When that would leave the
 * object invalid, only the marks are removed.
 */
export async function release(kube: KubeApi, o: KubeObject, fieldManager: string, partOf: string, stackId: string, dryRun = false): Promise<ReleaseResult> {
  const identity: KubeObject = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) },
  };
  let after: KubeObject | undefined;
  let keptFields = false;
  // Only managers that hold something: an apply as a manager without an entry would add an empty one.
  const listed = (o.metadata as { managedFields?: Array<{ manager?: string }> }).managedFields?.map((m) => m.manager);
  const managers = listed ? [fieldManager, LEGACY_FIELD_MANAGER].filter((m) => listed.includes(m)) : [fieldManager];
  for (const manager of managers) {
    try {
      after = await kube.apply<KubeObject>(identity, { fieldManager: manager, dryRun });
    } catch (e) {
      if (!(e instanceof ModelstackError && e.code === 'INVALID')) throw e;
      keptFields = true;
    }
  }
  const current = after ?? o;
  // Marks another manager co-owns survive the apply above: remove ours (never another stack's record).
  const ourLabel = current.metadata.labels?.[APPLYSET_PART_OF] === partOf;
  const ourRecord = current.metadata.annotations?.[CREATED_BY] === stackId;
  // The applied-configuration hash goes with the marks: it describes this stack's apply.
  const ourHash = (ourLabel || ourRecord) && current.metadata.annotations?.[APPLIED_HASH] !== undefined;
  if ((ourLabel || ourRecord) && !dryRun) {
    const annotations = { ...(ourRecord ? { [CREATED_BY]: null } : {}), ...(ourHash ? { [APPLIED_HASH]: null } : {}) };
    const patch = {
      metadata: { ...(ourLabel ? { labels: { [APPLYSET_PART_OF]: null } } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) },
    };
    after = await kube.mergePatch<KubeObject>(identity, patch, fieldManager);
  } else if (ourLabel || ourRecord) {
    const labels = { ...current.metadata.labels };
    const annotations = { ...current.metadata.annotations };
    if (ourLabel) delete labels[APPLYSET_PART_OF];
    if (ourRecord) delete annotations[CREATED_BY];
    if (ourHash) delete annotations[APPLIED_HASH];
    after = { ...current, metadata: { ...current.metadata, labels, annotations } };
  }
  return { after, keptFields };
}
