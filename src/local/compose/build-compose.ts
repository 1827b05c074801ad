import { nameFromId } from '../../model/names.js';
import { ModelstackError } from '../../errors.js';
import type { StackManifest } from '../../model/kube-object.js';
import {
  type ComposeConfig,
  type ComposeDependency,
  type ComposeDeploy,
  type ComposeFile,
  type ComposeFlavor,
  type ComposeProfile,
  type ComposeService,
  type ComposeVolume,
  NOTES_EXTENSION,
} from './compose-types.js';
import { engineServices } from './engine-services.js';
import { type GpuAssignment, gpuDeploys } from './gpu-devices.js';
import { httpHealthcheck } from './healthcheck.js';
import { type HfCache, hfCache } from './hf-cache.js';
import { allocateHostPorts, freePublishedPort, publishedPort } from './host-ports.js';
import { escapeInterpolation } from './interpolation.js';
import { MODEL_LABEL, PROJECT_LABEL, ROLE_LABEL, RUNTIME_LABEL, SERVICE_LABEL } from '../local-labels.js';
import { localServicesFor } from './local-services-for.js';
import { type CacheUse, localModelCaches } from './model-cache-services.js';
import { modelObjects } from './model-objects.js';
import type { ModelDraft, ModelObject, ServiceDraft } from './service-draft.js';

export interface ComposeOptions {
  /** Compose project name. @default the first stack's name */
  readonly project?: string;
  /** @default "runtime" */
  readonly flavor?: ComposeFlavor;
  /** Hugging Face cache: an absolute host path or a named volume. @default the named volume "hf-cache" */
  readonly hfCache?: string;
  /** First host port; services serving HTTP get base, base + 1, ... in service order. @default 18000 */
  readonly hostPortBase?: number;
  /** How GPU reservations are written. @default "count" */
  readonly gpuAssignment?: GpuAssignment;
  /** `cpu` replaces the GPU engines with CPU stand-ins (runtime flavor only). @default "gpu" */
  readonly profile?: ComposeProfile;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Every service runs as root: the Hugging Face cache is mounted under /root and a fresh volume is
 * owned by root, while the Dynamo and Ray images default to non-root users that could not write it.
 */
const SERVICE_USER = '0:0';

/**
 * The compose file that runs the models of `stacks` on this machine: one set of services per
 * DynamoGraphDeployment or RayService (other objects are ignored), in stack and object order.
 * Pure and deterministic: the same stacks and options give the same file.
 */
export function buildCompose(stacks: readonly StackManifest[], opts: ComposeOptions = {}): ComposeFile {
  const models = modelObjects(stacks);
  if (models.length === 0) {
    throw new ModelstackError('LOCAL', 'the stacks have no model to run locally (no DynamoGraphDeployment or RayService)', {
      hint: 'add a Model (or DynamoModel / RayModel) to a ModelStack, or point --app at the app that declares your models',
    });
  }
  const project = projectName(stacks, opts.project);
  const flavor = opts.flavor ?? 'runtime';
  const profile = opts.profile ?? 'gpu';
  if (profile === 'cpu' && flavor !== 'runtime') {
    throw new ModelstackError('USAGE', 'the cpu profile runs the runtime flavor (its stand-ins replace the engines of the models as deployed)', {
      hint: 'leave out --flavor engine',
    });
  }
  const caches = localModelCaches(models);
  const drafts = models.map((m) => withCache(profiled(m, modelDraft(m, flavor), profile), caches.use(m)));
  // Downloads first: every service that loads weights waits for one.
  const services = [...caches.services, ...drafts.flatMap((d) => d.services)];
  assertUniqueNames(services);

  const cache = hfCache(opts.hfCache);
  // A replicated service publishes on free host ports: its replicas cannot share a fixed one.
  const fixedPort = (s: ServiceDraft): boolean => s.health !== undefined && (s.replicas ?? 1) <= 1;
  const hostPorts = allocateHostPorts(services.filter(fixedPort).length, opts.hostPortBase);
  const deploys = gpuDeploys(
    services.map((s) => s.gpus),
    opts.gpuAssignment ?? 'count',
  );
  const conditions = dependencyConditions(services);
  let nextPort = 0;
  const out: Record<string, ComposeService> = {};
  services.forEach((s, i) => {
    const hostPort = fixedPort(s) ? hostPorts[nextPort++] : undefined;
    out[s.name] = composeService(project, s, cache, hostPort, withReplicas(deploys[i], s.replicas), conditions);
  });

  const volumes: Record<string, ComposeVolume> = {};
  if (cache.volume) volumes[cache.volume.name] = cache.volume.spec;
  const configs: Record<string, ComposeConfig> = {};
  for (const d of drafts) {
    Object.assign(volumes, d.volumes);
    Object.assign(configs, d.configs);
  }
  for (const [key, name] of caches.volumes) {
    if (volumes[key]) {
      throw new ModelstackError('LOCAL', `model cache "${name}" would use volume "${key}", which the file already declares for something else`, {
        hint: 'give the ModelCache another name (name prop, or existingClaim), so its local volume has a name of its own',
      });
    }
    // A plain named volume: `local down` keeps it, so the next `up` finds the weights.
    volumes[key] = {};
  }
  const notes = [...drafts.flatMap((d) => d.notes ?? []), ...services.flatMap(gpuReplicaNote), ...caches.notes];
  return escapeInterpolation({
    name: project,
    services: out,
    ...(Object.keys(volumes).length ? { volumes } : {}),
    ...(Object.keys(configs).length ? { configs } : {}),
    ...(notes.length ? { [NOTES_EXTENSION]: notes } : {}),
  });
}

function modelDraft(m: ModelObject, flavor: ComposeFlavor): ModelDraft {
  if (flavor === 'engine') return engineServices(m);
  return localServicesFor(m.runtime).runtimeServices(m);
}

function profiled(m: ModelObject, d: ModelDraft, profile: ComposeProfile): ModelDraft {
  return profile === 'cpu' ? localServicesFor(m.runtime).cpuServices(m, d) : d;
}

/** Every service of a model with a cache mounts its volume and waits for its download. */
function withCache(d: ModelDraft, use: CacheUse | undefined): ModelDraft {
  if (!use) return d;
  return {
    ...d,
    services: d.services.map((s) => ({ ...s, volumes: [...(s.volumes ?? []), use.mount], dependsOn: [...(s.dependsOn ?? []), use.download] })),
  };
}

/** deploy.replicas beside the GPU reservation, when the service runs other than one container. */
function withReplicas(deploy: ComposeDeploy | undefined, replicas: number | undefined): ComposeDeploy | undefined {
  if (replicas === undefined || replicas === 1) return deploy;
  return { replicas, ...deploy };
}

/**
 * What replicas of a GPU service mean on one machine. Each replica is a container with the
 * service's reservation, and that reservation is the same for every replica: docker turns a count
 * of g into GPUs 0..g-1 for every container (moby daemon/nvidia_linux.go, countToDevices, at
 * 18a2f3f0), podman is given the same CDI names (gpu-syntax.ts), exclusive device_ids are fixed per
 * service. The replicas share those GPUs, which is said rather than left to an out-of-memory error.
 */
function gpuReplicaNote(s: ServiceDraft): string[] {
  const n = s.replicas ?? 1;
  if (n <= 1 || s.gpus <= 0) return [];
  return [
    `${s.model}: ${s.name} runs ${n} replicas, each reserving ${s.gpus} GPU(s): on one machine every replica asks for the same GPUs (docker gives a count reservation the first ${s.gpus} GPU(s), podman the same CDI names, exclusive device_ids are the same), so the replicas share them and may run out of GPU memory; "local up --scale ${s.name}=1" runs one`,
  ];
}

type Condition = ComposeDependency['condition'];

/** What a dependent waits for: healthy when the service has a health endpoint, completed when it is one-shot, else started. */
function dependencyConditions(services: readonly ServiceDraft[]): ReadonlyMap<string, Condition> {
  return new Map(
    services.map((s): [string, Condition] => [s.name, s.health ? 'service_healthy' : s.oneShot ? 'service_completed_successfully' : 'service_started']),
  );
}

function projectName(stacks: readonly StackManifest[], given: string | undefined): string {
  if (given !== undefined) {
    if (!PROJECT_NAME.test(given)) {
      throw new ModelstackError('LOCAL', `"${given}" is not a valid compose project name`, {
        hint: 'use lower-case letters, digits, "-" and "_", starting with a letter or digit',
      });
    }
    return given;
  }
  const first = stacks[0]!;
  return nameFromId(first.stackName ?? first.id) || 'modelstack';
}

function assertUniqueNames(services: readonly ServiceDraft[]): void {
  const seen = new Set<string>();
  for (const s of services) {
    if (seen.has(s.name)) {
      throw new ModelstackError('LOCAL', `two services would be named "${s.name}"`, {
        hint: 'give the models (or their components) distinct names',
      });
    }
    seen.add(s.name);
  }
}

function composeService(
  project: string,
  s: ServiceDraft,
  cache: HfCache,
  hostPort: number | undefined,
  deploy: ComposeService['deploy'],
  conditions: ReadonlyMap<string, Condition>,
): ComposeService {
  const deps = s.dependsOn ?? [];
  return {
    image: s.image,
    ...(s.entrypoint.length ? { entrypoint: [...s.entrypoint] } : {}),
    ...(s.command.length ? { command: [...s.command] } : {}),
    user: SERVICE_USER,
    ...(s.environment.length ? { environment: [...s.environment] } : {}),
    ...(s.health ? { ports: [hostPort !== undefined ? publishedPort(hostPort, s.health.port) : freePublishedPort(s.health.port)] } : {}),
    volumes: s.oneShot ? [...(s.volumes ?? [])] : [cache.mount, ...(s.volumes ?? [])],
    ...(s.configs?.length ? { configs: [...s.configs] } : {}),
    // Host IPC for every engine: a large /dev/shm (vLLM, SGLang and Ray's object store need
    // more than the 64 MiB default) and CUDA IPC between the prefill and decode containers.
    ...(s.engine ? { ipc: 'host' as const } : {}),
    ...(deploy ? { deploy } : {}),
    ...(deps.length
      ? {
          depends_on: Object.fromEntries(deps.map((d) => [d, { condition: conditions.get(d) ?? 'service_started' }])),
        }
      : {}),
    ...(s.health ? { healthcheck: httpHealthcheck(s.health, s.health.probe, s.health.startup) } : {}),
    restart: 'no',
    labels: {
      [PROJECT_LABEL]: project,
      [SERVICE_LABEL]: s.name,
      [MODEL_LABEL]: s.model,
      [RUNTIME_LABEL]: s.runtime,
      [ROLE_LABEL]: s.role,
    },
    'x-modelstack': {
      model: s.model,
      role: s.role,
      ...(s.health ? { health: { port: s.health.port, path: s.health.path } } : {}),
    },
  };
}
