/**
 * What a ModelCache writes and what the engine reads back: its labels and annotations, where
 * the weights live in the volume, and the completion marker the download leaves. Shared by the
 * ModelCache construct (constructs/cache), apply's wait and removal rules, and local runs.
 */

/** On a cache's PVCs and download Job: the ModelCache's name. */
export const MODEL_CACHE_LABEL = 'modelstack.io/model-cache';

/**
 * On a cache's PVCs: "retain" (the default) or "delete". prune and destroy release a retained
 * cache instead of deleting it, so deleting downloaded weights is always an explicit choice.
 */
export const REMOVAL_POLICY_ANNOTATION = 'modelstack.io/removal-policy';
export type RemovalPolicy = 'retain' | 'delete';

/** Where every pod (the download Job's and the models') mounts the weights volume. */
export const CACHE_MOUNT_PATH = '/model-cache';
/** HF_HOME inside the volume: the Hub client's own files (token cache, Xet chunks). */
export const CACHE_HF_HOME = `${CACHE_MOUNT_PATH}/hf-home`;
/** Where a compilation-cache volume is mounted on Ray workers (Dynamo's operator picks its own). */
export const COMPILE_CACHE_MOUNT_PATH = '/compile-cache';
/** The file the download writes last, holding the revision it downloaded. */
export const COMPLETE_MARKER = '.modelstack-complete';

/**
 * Directory of one model revision inside the volume: `models/<org>--<name>/<revision>`, so one
 * volume can hold several models and revisions side by side.
 */
export function cachedModelDir(model: string, revision: string, mountPath = CACHE_MOUNT_PATH): string {
  return `${mountPath}/models/${model.replace(/\//g, '--')}/${revision}`;
}

/**
 * What a model that uses a cache reads from it, as its construct stated it: which volume,
 * where the weights of which revision are. Carried in the ModelDescriptor for local runs.
 */
export interface ModelCacheDescriptor {
  /** The ModelCache's name (its PVC's name, or the existing claim it uses). */
  readonly name: string;
  /** The PVC the weights are in. */
  readonly claimName: string;
  /** Hugging Face id of the cached repository. */
  readonly model: string;
  /** The pinned revision (commit hash or tag) downloaded. */
  readonly revision: string;
  /** The weights' directory as the engine sees it (under CACHE_MOUNT_PATH). */
  readonly modelPath: string;
  /** Image and shell script of the download, so a local run can run the same download. */
  readonly download: { readonly image: string; readonly command: readonly string[]; readonly env: Readonly<Record<string, string>> };
  /** The compilation-cache PVC, when the cache has one. */
  readonly compilationClaimName?: string;
  /** The Secret key the download reads HF_TOKEN from, if any. */
  readonly hfTokenSecret?: { readonly name: string; readonly key: string };
}
