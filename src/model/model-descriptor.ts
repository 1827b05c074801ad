import type { Engine, RuntimeId } from './ids.js';
import type { ModelCacheDescriptor } from './model-cache.js';

/**
 * What a model construct says about the model it rendered, in typed values, next to the
 * rendered object. Consumers that need to know what a model serves (local runs) read this
 * instead of parsing engine flags back out of the manifest. It travels in the synth report
 * and in StackManifest.models; it is never written to YAML.
 */
export interface ModelDescriptor {
  readonly runtime: RuntimeId;
  /** The rendered custom resource, as `apiVersion`/`kind`/`namespace`/`name`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly engine: Engine;
  /** Hugging Face id or a path inside the image. */
  readonly model: string;
  /**
   * Hugging Face revision (commit hash, tag or branch) the engine loads, when the model names
   * one; unset means the repository's default branch.
   */
  readonly revision?: string;
  /** The OpenAI `model` name the model is served under. */
  readonly servedModelName: string;
  readonly tensorParallelSize: number;
  /** GPUs one engine instance uses (a Dynamo worker pod; a Ray replica). */
  readonly gpusPerEngine: number;
  /**
   * The ModelCache the model loads its weights from, when it has one: a local run turns it into
   * a volume and a one-shot download service the model's services wait for.
   */
  readonly cache?: ModelCacheDescriptor;
}
