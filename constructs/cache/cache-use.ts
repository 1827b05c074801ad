import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { CACHE_HF_HOME, CACHE_MOUNT_PATH, COMPILE_CACHE_MOUNT_PATH, COMPLETE_MARKER } from '../../src/model/model-cache.js';
import type { Engine } from '../../src/runtimes/registry.js';
import type { PropIssue } from '../common/issues.js';
import type { PodTemplatePatch } from '../common/pod-template.js';
import { COMPILE_CACHE_VOLUME, MODEL_CACHE_VOLUME, ModelCache } from './model-cache.js';

/** The `cache` prop of the model constructs: a ModelCache of the same app. */
export const cacheSchema = z.custom<ModelCache>((v) => ModelCache.isModelCache(v), {
  message: 'is not a ModelCache. Fix: pass the construct itself: cache: new ModelCache(stack, "weights", { model, revision, size })',
});

/** Env variables a cache writes into every container that mounts it, and the prop that sets them. */
export const CACHE_ENV: Readonly<Record<string, string>> = { HF_HOME: 'cache', HF_HUB_OFFLINE: 'cache' };

/** What a model says about itself, to check it against the cache it uses. */
export interface CacheUser {
  readonly model: string;
  readonly namespace: string;
  readonly engine: Engine;
  /** The model's own revision prop, if it has one: it must be the cache's. */
  readonly revision?: string;
}

/**
 * Issues of a model's use of a cache: the cache must download the model the model serves, in
 * the model's namespace (a pod mounts only PVCs of its namespace), at the model's revision when
 * the model names one; a compilation cache is vLLM's. A cache with problems of its own reports
 * them itself; `blocked` then keeps the model from rendering without repeating them.
 */
export function cacheUseIssues(cache: ModelCache | undefined, user: CacheUser): { issues: PropIssue[]; blocked: boolean } {
  if (!cache) return { issues: [], blocked: false };
  const issues: PropIssue[] = [];
  const where = `cache "${cache.node.path}"`;
  if (cache.namespace !== user.namespace) {
    issues.push({
      prop: 'cache',
      value: cache.node.path,
      problem: `is in namespace "${cache.namespace}" but the model is in "${user.namespace}"; a pod mounts only PVCs of its own namespace`,
      fix: `create the ModelCache with namespace: "${user.namespace}", or put the model in "${cache.namespace}"`,
    });
  }
  if (cache.model !== user.model) {
    issues.push({
      prop: 'model',
      value: user.model,
      problem: `is not the model ${where} downloads ("${cache.model}")`,
      fix: `set model: "${cache.model}", or use a ModelCache of "${user.model}"`,
    });
  }
  if (user.revision !== undefined && cache.revision !== undefined && user.revision !== cache.revision) {
    issues.push({
      prop: 'modelRevision',
      value: user.revision,
      problem: `differs from the revision ${where} downloads ("${cache.revision}")`,
      fix: `use one revision: remove the model's revision (the cache's is used), or set both to the same`,
    });
  }
  if (cache.compilationClaimName !== undefined && user.engine !== 'vllm') {
    issues.push({
      prop: 'cache',
      value: cache.node.path,
      problem: `has a compilation cache, which only engine "vllm" uses (engine is "${user.engine}")`,
      fix: 'remove compilationCache from the ModelCache, or use a ModelCache without one for this model',
    });
  }
  return { issues, blocked: !cache.valid };
}

export interface CacheMountOptions {
  /** The container that runs the engine (gets the mount and the env). */
  readonly container: string;
  /** Image of the init container that waits for the download (the model's image: it has a shell). */
  readonly image: string;
  /** Whether the pod runs the engine: it then waits for the weights before starting. */
  readonly waitForWeights: boolean;
  /** Mount the compilation cache and point vLLM at it (VLLM_CACHE_ROOT); Dynamo's operator mounts its own. */
  readonly compilationCache: boolean;
}

/**
 * The pod template patch that mounts a cache: the weights volume read-only at CACHE_MOUNT_PATH
 * with HF_HOME inside it and the Hub client offline (HF_HUB_OFFLINE, huggingface_hub's
 * environment variables guide), so nothing is fetched at run time; on engine pods, an init
 * container that waits, bounded by the download's deadline, for the download's marker.
 */
export function cachePodPatch(cache: ModelCache, o: CacheMountOptions): PodTemplatePatch {
  const env = [
    { name: 'HF_HOME', value: CACHE_HF_HOME },
    { name: 'HF_HUB_OFFLINE', value: '1' },
  ];
  const mounts: object[] = [{ name: MODEL_CACHE_VOLUME, mountPath: CACHE_MOUNT_PATH, readOnly: true }];
  const volumes: object[] = [{ name: MODEL_CACHE_VOLUME, persistentVolumeClaim: { claimName: cache.claimName, readOnly: true } }];
  if (o.compilationCache && cache.compilationClaimName) {
    // vLLM keeps its torch.compile artifacts under VLLM_CACHE_ROOT (vllm/envs.py, v0.x: default ~/.cache/vllm).
    env.push({ name: 'VLLM_CACHE_ROOT', value: COMPILE_CACHE_MOUNT_PATH });
    mounts.push({ name: COMPILE_CACHE_VOLUME, mountPath: COMPILE_CACHE_MOUNT_PATH });
    volumes.push({ name: COMPILE_CACHE_VOLUME, persistentVolumeClaim: { claimName: cache.compilationClaimName } });
  }
  const wait = o.waitForWeights
    ? {
        initContainers: [
          {
            name: 'wait-for-model-cache',
            image: o.image,
            command: ['sh', '-c', waitScript(cache)],
            volumeMounts: [{ name: MODEL_CACHE_VOLUME, mountPath: CACHE_MOUNT_PATH, readOnly: true }],
          },
        ],
      }
    : {};
  return { spec: { ...wait, containers: [{ name: o.container, env, volumeMounts: mounts }], volumes } };
}

const WAIT_POLL_SECONDS = 10;

/** Polls for the marker holding the cache's revision, up to the download's deadline (and a margin). */
function waitScript(cache: ModelCache): string {
  const marker = `${cache.modelPath}/${COMPLETE_MARKER}`;
  const tries = Math.ceil((cache.downloadTimeoutSeconds + 600) / WAIT_POLL_SECONDS);
  return [
    `i=0`,
    `until [ "$(cat '${marker}' 2>/dev/null)" = '${cache.revision}' ]; do`,
    `  i=$((i+1)); if [ "$i" -gt ${tries} ]; then echo "modelstack: ${cache.model}@${cache.revision} is not in the cache after ${tries * WAIT_POLL_SECONDS}s; see the download Job"; exit 1; fi`,
    `  echo "modelstack: waiting for the download of ${cache.model}@${cache.revision}"; sleep ${WAIT_POLL_SECONDS}`,
    `done`,
  ].join('\n');
}

/** Makes `model` come after the cache's objects (its download Job first). */
export function dependOnCache(model: IConstruct, cache: ModelCache | undefined): void {
  if (cache?.valid) model.node.addDependency(cache);
}
