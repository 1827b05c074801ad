import { ModelstackError } from '../../errors.js';
import { CACHE_MOUNT_PATH, type ModelCacheDescriptor } from '../../model/model-cache.js';
import { composeEnvironment } from './compose-env.js';
import type { ComposeServiceVolume } from './compose-types.js';
import type { ModelObject, ServiceDraft } from './service-draft.js';
import { serviceName } from './service-names.js';

/** What a model that loads its weights from a cache gets in a local run. */
export interface CacheUse {
  /** The cache's volume, read-only where the cluster mounts it (the engine args point into it). */
  readonly mount: ComposeServiceVolume;
  /** The download service the model's services wait for (completed successfully). */
  readonly download: string;
}

/** The model caches of a local run. */
export interface LocalModelCaches {
  /** One one-shot download service per cache, in the order the models first use them. */
  readonly services: readonly ServiceDraft[];
  /** Keys of the named volumes the caches' weights are in (the claim names), each with the cache that first uses it. */
  readonly volumes: ReadonlyMap<string, string>;
  /** What of the caches a local run leaves out. */
  readonly notes: readonly string[];
  /** The mount and download service of the model's cache; undefined when it has none. */
  use(m: ModelObject): CacheUse | undefined;
}

/**
 * A ModelCache as a local run has it: its volume (keyed by the claim name, so it survives
 * `local down` like the HF cache and the next `up` reuses it) and a one-shot `<cache>-download`
 * service that runs the download the cluster's Job runs: same image, script and environment,
 * the HF token passed by name from the caller's environment. The script exits at once when the
 * completion marker of its revision is there. Models sharing one cache share both.
 */
export function localModelCaches(models: readonly ModelObject[]): LocalModelCaches {
  const byName = new Map<string, { readonly descriptor: ModelCacheDescriptor; readonly draft: ServiceDraft }>();
  const notes: string[] = [];
  for (const m of models) {
    const d = m.descriptor?.cache;
    if (!d) continue;
    if (d.compilationClaimName) {
      notes.push(
        `${m.name}: compilation cache ${d.compilationClaimName} of model cache ${d.name} is not used in a local run (vLLM compiles into its container)`,
      );
    }
    const known = byName.get(d.name);
    if (known) {
      if (JSON.stringify(known.descriptor) !== JSON.stringify(d)) throw differentCaches(known.descriptor, d);
      continue;
    }
    byName.set(d.name, { descriptor: d, draft: downloadDraft(m, d) });
  }
  const volumes = new Map<string, string>();
  for (const { descriptor: d } of byName.values()) if (!volumes.has(d.claimName)) volumes.set(d.claimName, d.name);
  return {
    services: [...byName.values()].map((c) => c.draft),
    volumes,
    notes,
    use: (m) => {
      const d = m.descriptor?.cache;
      if (!d) return undefined;
      return { mount: { type: 'volume', source: d.claimName, target: CACHE_MOUNT_PATH, read_only: true }, download: downloadServiceName(d.name) };
    },
  };
}

/** `<cache>-download`. */
export function downloadServiceName(cache: string): string {
  return serviceName(cache, 'download');
}

function downloadDraft(m: ModelObject, d: ModelCacheDescriptor): ServiceDraft {
  const env = Object.entries(d.download.env).map(([name, value]) => ({ name, value }));
  return {
    name: downloadServiceName(d.name),
    model: m.name,
    runtime: m.runtime,
    role: 'download',
    image: d.download.image,
    // The Job container's `command` (sh -c SCRIPT) replaces the image's entrypoint.
    entrypoint: d.download.command,
    command: [],
    environment: composeEnvironment(env, { byName: d.hfTokenSecret ? ['HF_TOKEN'] : [] }),
    gpus: 0,
    engine: false,
    oneShot: true,
    volumes: [{ type: 'volume', source: d.claimName, target: CACHE_MOUNT_PATH }],
  };
}

function differentCaches(a: ModelCacheDescriptor, b: ModelCacheDescriptor): ModelstackError {
  const what = (d: ModelCacheDescriptor): string => `${d.model}@${d.revision}`;
  const message =
    what(a) !== what(b)
      ? `two model caches named "${a.name}" download different things (${what(a)} and ${what(b)})`
      : `two model caches named "${a.name}" differ (their volume, downloader image or token)`;
  return new ModelstackError('LOCAL', message, {
    hint: 'a local run has one download service and one volume per cache name: give the ModelCaches distinct names (name prop), or use one cache',
  });
}
