import { ModelstackError } from '../../errors.js';
import { dynamoCpuServices } from './cpu-stand-in.js';
import type { ComposeConfig, ComposeServiceConfig, ComposeServiceVolume, ServiceRole } from '../../local/compose/compose-types.js';
import { composeEnvironment, envValue, HF_CACHE_TARGET } from '../../local/compose/compose-env.js';
import { asArray, asObject, flagValue, type KubeContainer, type KubeVolume, mainContainer, templateVolumes } from '../../local/compose/pod-reading.js';
import type { EngineHost, LocalServices } from '../../local/compose/local-services.js';
import type { ModelDraft, ModelObject, ServiceDraft } from '../../local/compose/service-draft.js';
import { resourceName, serviceName } from '../../local/compose/service-names.js';
import { CACHE_MOUNT_PATH } from '../../model/model-cache.js';

/** Where the model's services share Dynamo's file-backed discovery store. */
export const DYNAMO_DISCOVERY_DIR = '/var/run/modelstack/dynamo-discovery';
/** Port of a worker's system status server (`/health`, `/live`). */
export const DYNAMO_SYSTEM_PORT = 9090;
const DEFAULT_FRONTEND_PORT = 8000;

/**
 * Dynamo with neither etcd nor NATS (Dynamo 1.x runtime flags and their env vars):
 * `--discovery-backend file` (DYN_DISCOVERY_BACKEND, store directory DYN_FILE_KV),
 * `--request-plane tcp` (DYN_REQUEST_PLANE), `--event-plane zmq` (DYN_EVENT_PLANE).
 * Set as env on every component, overriding the manifest: a local run has no etcd or NATS.
 */
export const DYNAMO_LOCAL_ENV: Readonly<Record<string, string>> = {
  DYN_DISCOVERY_BACKEND: 'file',
  DYN_FILE_KV: DYNAMO_DISCOVERY_DIR,
  DYN_REQUEST_PLANE: 'tcp',
  DYN_EVENT_PLANE: 'zmq',
};

const WORKER_ROLES: ReadonlySet<string> = new Set(['worker', 'prefill', 'decode']);
/** Worker component types, in the order the engine flavor takes its container from. */
const WORKER_PREFERENCE = ['worker', 'decode', 'prefill'] as const;

interface Component {
  readonly name: string;
  readonly role: ServiceRole;
  readonly main: KubeContainer;
  readonly volumes: readonly KubeVolume[];
  /** The component's `replicas` (absent: the operator starts 1, e.g. when a planner owns them). */
  readonly replicas: number;
  /** multinode.nodeCount: pods per replica. */
  readonly nodeCount: number;
}

/** Why component types other than frontend and workers do not run locally (Dynamo 1.4.0 operator docs). */
const NOT_LOCAL: Readonly<Record<string, string>> = {
  planner: 'the SLA planner scales the workers through the Kubernetes operator and reads Prometheus',
  epp: 'the endpoint picker serves a Gateway API InferencePool',
};

/**
 * A DynamoGraphDeployment as it runs on the cluster: one frontend service and one service per
 * worker component (prefill and decode when disaggregated), each with its `main` container's
 * image, command and args, one replica each. All of the model's services mount one shared
 * discovery volume (tmpfs, so no registration outlives the run).
 *
 * Start order: workers start at once (loading weights in parallel); the frontend waits until
 * every worker is healthy. Workers register themselves in discovery and the frontend only
 * watches it, so neither needs the other to start; waiting makes the frontend's health (and its
 * published port) mean "this model can serve". Waiting the other way round would deadlock: the
 * frontend is healthy only once it sees a worker.
 */
export const dynamoLocalServices: LocalServices = {
  runtime: 'dynamo',
  runtimeServices: (m) => dynamoRuntimeServices(m),
  engineHost: (m) => dynamoEngineHost(m),
  cpuServices: (m, d) => dynamoCpuServices(m, d),
};

export function dynamoRuntimeServices(m: ModelObject): ModelDraft {
  const notes: string[] = [];
  const components = readComponents(m, notes);
  const frontend = components.find((c) => c.role === 'frontend');
  const workers = components.filter((c) => WORKER_ROLES.has(c.role));
  if (!frontend || workers.length === 0) {
    throw new ModelstackError('LOCAL', `DynamoGraphDeployment ${m.name} needs a frontend and at least one worker component to run locally`, {
      hint: 'synthesize it with DynamoModel (or Model with runtime "dynamo"), which always renders both',
    });
  }
  const discovery = resourceName(m.name, 'discovery');
  const mounts: ComposeServiceVolume[] = [{ type: 'volume', source: discovery, target: DYNAMO_DISCOVERY_DIR }];
  const names = uniqueNames(m.name, workers);
  const configs: Record<string, ComposeConfig> = {};
  const workerDrafts = workers.map((w, i) => workerDraft(m, w, names[i]!, mounts, configs, notes));
  notes.push(...workers.flatMap((w, i) => replicaNotes(m, w, names[i]!)));
  if (frontend.replicas > 1) {
    const name = serviceName(m.name, 'frontend');
    notes.push(
      `${m.name}: the frontend runs 1 replica locally, not ${frontend.replicas}: it publishes the model's port on the host; "local up --scale ${name}=${frontend.replicas}" starts more on free host ports`,
    );
  }
  // Every worker's note, then whether any reads the token (`some` would stop at the first).
  const readsToken = workers.map((w) => tokenFromEnv(w.main, m, w, notes));
  const needsToken = readsToken.includes(true);
  return {
    services: [frontendDraft(m, frontend, workerDrafts, mounts, needsToken, configs, notes), ...workerDrafts],
    volumes: { [discovery]: { driver: 'local', driver_opts: { type: 'tmpfs', device: 'tmpfs' } } },
    ...(Object.keys(configs).length ? { configs } : {}),
    ...(notes.length ? { notes: [...new Set(notes)] } : {}),
  };
}

/**
 * Whether the component reads HF_TOKEN: from a Secret key (hfTokenSecret) or from a whole
 * Secret (envFromSecret). A local run passes HF_TOKEN from the caller's environment by name; of
 * a whole Secret nothing else can be passed, which is said.
 */
function tokenFromEnv(main: KubeContainer, m: ModelObject, c: Component, notes: string[]): boolean {
  const secrets = main.envFrom.flatMap((e) => (e.secret ? [e.secret] : []));
  for (const s of secrets) {
    notes.push(`${m.name}: component ${c.name} takes every key of Secret ${s} as env; a local run passes only HF_TOKEN, from your environment`);
  }
  return secrets.length > 0 || main.env.some((e) => e.name === 'HF_TOKEN');
}

/**
 * The component's volume mounts as a local run can give them: a ConfigMap the stack renders
 * (a TensorRT-LLM engine config) becomes inline compose configs at the same paths; a ConfigMap
 * the stack does not render cannot be, and is an error; the model cache's claim is mounted by
 * buildCompose (its local volume); other volumes (claims, host paths) are left out and said.
 */
function localMounts(m: ModelObject, c: Component, configs: Record<string, ComposeConfig>, notes: string[]): ComposeServiceConfig[] {
  const out: ComposeServiceConfig[] = [];
  for (const mount of c.main.volumeMounts) {
    const volume = c.volumes.find((v) => v.name === mount.name);
    if (isCacheMount(m, volume, mount.mountPath)) continue;
    if (!volume?.configMap) {
      notes.push(
        `${m.name}: volume ${mount.name} (${volume?.kind ?? 'undeclared'}) of component ${c.name} is not mounted in a local run (at ${mount.mountPath})`,
      );
      continue;
    }
    const data = m.configMaps?.get(volume.configMap.name);
    if (!data) {
      throw new ModelstackError('LOCAL', `${m.name}: component ${c.name} mounts ConfigMap ${volume.configMap.name}, which the stack does not render`, {
        hint: 'a local run can only mount ConfigMaps of the same stack and namespace; render it in the stack, or run the "engine" flavor',
      });
    }
    const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const item of items) {
      if (mount.subPath !== undefined && mount.subPath !== item.path) continue;
      const content = data[item.key];
      if (content === undefined) continue;
      const name = resourceName(m.name, `${volume.configMap.name}-${item.key}`.replace(/[^a-zA-Z0-9_.-]/g, '-'));
      configs[name] = { content };
      out.push({ source: name, target: mount.subPath !== undefined ? mount.mountPath : `${mount.mountPath.replace(/\/$/, '')}/${item.path}` });
    }
  }
  return out;
}

/** The mount of the model's ModelCache, which a local run gives as the cache's volume. */
function isCacheMount(m: ModelObject, volume: KubeVolume | undefined, mountPath: string): boolean {
  const cache = m.descriptor?.cache;
  return cache !== undefined && volume?.claimName === cache.claimName && mountPath === CACHE_MOUNT_PATH;
}

/**
 * A multinode replica (multinode.nodeCount pods) runs as one container with one node's GPUs.
 * (What replicas mean for GPUs on one machine is said by buildCompose, for every runtime.)
 */
function replicaNotes(m: ModelObject, w: Component, service: string): string[] {
  if (w.nodeCount <= 1) return [];
  return [
    `${m.name}: ${service} runs each replica as one container with the GPUs of one node (${w.main.gpus}), not as multinode.nodeCount ${w.nodeCount} pods: an engine split over several nodes does not start locally`,
  ];
}

/** The engine flavor's server runs with the environment and GPUs of one worker (of the first kind found). */
export function dynamoEngineHost(m: ModelObject): EngineHost {
  const spec = asObject((m.object as Record<string, unknown>).spec);
  const components = asArray(spec?.components).map(asObject);
  const worker = WORKER_PREFERENCE.map((t) => components.find((c) => c?.type === t)).find((c) => c !== undefined);
  const main = mainContainer(worker?.podTemplate);
  if (!main) {
    throw new ModelstackError('LOCAL', `DynamoGraphDeployment ${m.name}: no worker component has a main container`, {
      hint: 'synthesize it with DynamoModel, whose workers always have one, or use the "runtime" flavor',
    });
  }
  const replicas = typeof worker?.replicas === 'number' ? worker.replicas : 1;
  return { container: main, gpus: main.gpus, ...(replicas !== 1 ? { replicas } : {}) };
}

function readComponents(m: ModelObject, notes: string[]): Component[] {
  const spec = asObject((m.object as Record<string, unknown>).spec);
  return asArray(spec?.components).flatMap((raw): Component[] => {
    const c = asObject(raw);
    const role = typeof c?.type === 'string' ? c.type : '';
    if (c && role !== 'frontend' && !WORKER_ROLES.has(role)) {
      const why = NOT_LOCAL[role] ?? 'only frontend and worker components run locally';
      notes.push(`${m.name}: component ${String(c.name)} (type ${role || 'unset'}) does not run in a local run: ${why}`);
      return [];
    }
    if (!c) return [];
    const main = mainContainer(c.podTemplate);
    if (!main?.image) {
      throw new ModelstackError('LOCAL', `DynamoGraphDeployment ${m.name}: component ${String(c.name)} has no container image`, {
        hint: 'every component needs a main container with an image',
      });
    }
    const replicas = typeof c.replicas === 'number' && Number.isInteger(c.replicas) && c.replicas >= 0 ? c.replicas : 1;
    const nodeCount = asObject(c.multinode)?.nodeCount;
    return [
      {
        name: typeof c.name === 'string' ? c.name : role,
        role: role as ServiceRole,
        main,
        volumes: templateVolumes(c.podTemplate),
        replicas,
        nodeCount: typeof nodeCount === 'number' && nodeCount > 1 ? nodeCount : 1,
      },
    ];
  });
}

/** `<model>-<role>`, plus the component name when a role has several components. */
function uniqueNames(model: string, workers: readonly Component[]): string[] {
  return workers.map((w) =>
    workers.filter((o) => o.role === w.role).length > 1 ? serviceName(model, `${w.role}-${w.name.toLowerCase()}`) : serviceName(model, w.role),
  );
}

function workerDraft(
  m: ModelObject,
  w: Component,
  name: string,
  mounts: readonly ComposeServiceVolume[],
  configs: Record<string, ComposeConfig>,
  notes: string[],
): ServiceDraft {
  const environment = composeEnvironment(w.main.env, {
    force: DYNAMO_LOCAL_ENV,
    defaults: { DYN_SYSTEM_PORT: String(DYNAMO_SYSTEM_PORT), HF_HOME: HF_CACHE_TARGET },
    byName: w.main.envFrom.some((e) => e.secret) ? ['HF_TOKEN'] : [],
  });
  const files = localMounts(m, w, configs, notes);
  const port = positivePort(envValue(environment, 'DYN_SYSTEM_PORT'));
  return {
    name,
    model: m.name,
    runtime: 'dynamo',
    role: w.role,
    image: w.main.image!,
    entrypoint: w.main.command,
    command: w.main.args,
    environment,
    gpus: w.main.gpus,
    ...(w.replicas !== 1 ? { replicas: w.replicas } : {}),
    engine: true,
    ...(port ? { health: { port, path: '/health', probe: 'status', startup: 'model' } } : {}),
    volumes: mounts,
    ...(files.length ? { configs: files } : {}),
  };
}

function frontendDraft(
  m: ModelObject,
  f: Component,
  workers: readonly ServiceDraft[],
  mounts: readonly ComposeServiceVolume[],
  needsToken: boolean,
  configs: Record<string, ComposeConfig>,
  notes: string[],
): ServiceDraft {
  const files = localMounts(m, f, configs, notes);
  const environment = composeEnvironment(f.main.env, {
    force: DYNAMO_LOCAL_ENV,
    defaults: { HF_HOME: HF_CACHE_TARGET },
    // The frontend reads the model's tokenizer too; a gated model needs the token there as well.
    byName: needsToken ? ['HF_TOKEN'] : [],
  });
  const port = positivePort(flagValue(f.main.args, ['--http-port'])) ?? positivePort(envValue(environment, 'DYN_HTTP_PORT')) ?? DEFAULT_FRONTEND_PORT;
  return {
    name: serviceName(m.name, 'frontend'),
    model: m.name,
    runtime: 'dynamo',
    role: 'frontend',
    image: f.main.image!,
    entrypoint: f.main.command,
    command: f.main.args,
    environment,
    gpus: f.main.gpus,
    engine: false,
    health: { port, path: '/health', probe: 'dynamo-frontend', startup: 'router' },
    dependsOn: workers.map((w) => w.name),
    volumes: mounts,
    ...(files.length ? { configs: files } : {}),
  };
}

function positivePort(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}
