import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../model/kube-object.js';
import { DEFAULT_RAY_VERSION, RAY_ACCELERATOR_TYPES, RAY_PHASE_RESOURCES, RAY_PLACEMENT_STRATEGIES, rayLlmImage } from '../runtimes/kuberay/info.js';
import { identity, isObject, type Json, type ModelDraft, pinned } from './model-props.js';

/**
 * RayModel props read back from a RayService. Each prop is taken only when the object has exactly
 * the shape RayModel renders for it (constructs/ray-model.ts and constructs/ray/*), so a prop never
 * says more than the object does; whatever still renders differently becomes a patch (the caller
 * diffs a synth of these props against the object). The Ray facts both sides need (default
 * version and image, accelerator types, placement strategies) come from src/runtimes/kuberay/info.ts;
 * src/ does not import constructs/, so the construct's own rendering defaults are restated below
 * with the construct file they come from (the round-trip check catches any drift).
 */

/** Head ports RayModel writes besides "metrics" (constructs/ray-model.ts renderSpec). */
const HEAD_PORTS = [
  { name: 'gcs-server', containerPort: 6379 },
  { name: 'dashboard', containerPort: 8265 },
  { name: 'client', containerPort: 10001 },
  { name: 'serve', containerPort: 8000 },
];
const DEFAULT_METRICS_PORT = 8080;
/** Defaults of the head and worker group sizing (constructs/ray-model.ts RayHead, RayWorkerGroup). */
const HEAD_DEFAULTS = { cpu: '2', memory: '8Gi' };
const GROUP_DEFAULTS = { cpu: '8', memory: '32Gi' };
/** The quantity format the cpu and memory props accept (constructs/ray/cluster-settings.ts `quantity`). */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const ACCELERATOR_TYPES: readonly string[] = RAY_ACCELERATOR_TYPES;
const PLACEMENT_STRATEGIES: readonly string[] = RAY_PLACEMENT_STRATEGIES;
/** The KV connector of both phases of a disaggregated model (serve-llm-config.ts PD_KV_TRANSFER_CONFIG). */
const PD_KV_TRANSFER_CONFIG = { kv_connector: 'NixlConnector', kv_role: 'kv_both' };
/**
 * engine_kwargs keys RayModel refuses in engineKwargs: written by a prop, or Ray Serve LLM settings
 * (serve-llm-config.ts OWNED_KWARGS, MISPLACED_KWARGS). Such an object keeps its serveConfigV2 as a patch.
 */
const REFUSED_KWARGS = [
  'tensor_parallel_size',
  'pipeline_parallel_size',
  'model',
  'served_model_name',
  'kv_transfer_config',
  'model_loading_config',
  'model_id',
  'model_source',
  'accelerator_type',
  'placement_group_config',
  'runtime_env',
  'deployment_config',
  'autoscaling_config',
  'num_replicas',
  'min_replicas',
  'max_replicas',
  'initial_replicas',
  'target_ongoing_requests',
  'max_ongoing_requests',
  'max_queued_requests',
];
/** rayStartParams keys RayModel refuses (KubeRay's own, and those a sizing prop writes: cluster-settings.ts, ray-model.ts). */
const REFUSED_START_PARAMS = ['block', 'address', 'no-monitor', 'port', 'num-gpus', 'num-cpus', 'memory', 'metrics-export-port'];
/** Env names RayModel writes itself (hfTokenSecret, a cache): no env prop may set them. */
const DERIVED_ENV = ['HF_TOKEN', 'HF_HOME', 'HF_HUB_OFFLINE'];
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const TOLERATION_KEYS: Readonly<Record<string, (v: unknown) => boolean>> = {
  key: (v) => typeof v === 'string',
  operator: (v) => v === 'Exists' || v === 'Equal',
  value: (v) => typeof v === 'string',
  effect: (v) => v === 'NoSchedule' || v === 'PreferNoSchedule' || v === 'NoExecute',
  tolerationSeconds: (v) => Number.isInteger(v),
};

type Phase = keyof typeof RAY_PHASE_RESOURCES;
const PHASES: readonly Phase[] = ['prefill', 'decode'];

/** Deep equality of JSON values, key order aside. */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
  }
  return a === b;
}

const int = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const num = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min;
const keysWithin = (o: Json, allowed: readonly string[]): boolean => Object.keys(o).every((k) => allowed.includes(k));
const stringMap = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');
const nonEmpty = (o: Json): Json | undefined => (Object.keys(o).length > 0 ? o : undefined);

/** One LLMConfig of the serve config, read back into the values RayModel renders it from. */
interface Llm {
  readonly modelId: string;
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize?: number;
  /** engine_kwargs RayModel takes as engineKwargs, in the object's order. */
  readonly kwargs: readonly (readonly [string, unknown])[];
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** autoscaling beyond min and max replicas. */
  readonly autoscaling: Json;
  readonly serve: Json;
}

/**
 * An LLMConfig (serve-llm-config.ts llmConfig) as RayModel writes it; `pin` is the Ray resource of
 * a disaggregated phase, whose configs also carry the NIXL kv_transfer_config.
 */
function readLlm(c: unknown, pin: string | undefined): Llm | undefined {
  if (!isObject(c)) return undefined;
  const allowed = ['model_loading_config', 'engine_kwargs', 'deployment_config', 'accelerator_type', 'placement_group_config', 'runtime_env'];
  if (!keysWithin(c, allowed)) return undefined;
  const loading = c.model_loading_config;
  if (!isObject(loading) || !same(Object.keys(loading).sort(), ['model_id', 'model_source'])) return undefined;
  if (typeof loading.model_id !== 'string' || typeof loading.model_source !== 'string' || !loading.model_id || !loading.model_source) return undefined;
  const kw = c.engine_kwargs;
  if (!isObject(kw) || !int(kw.tensor_parallel_size, 1)) return undefined;
  const tp = kw.tensor_parallel_size;
  const pp = kw.pipeline_parallel_size;
  if (pp !== undefined && !int(pp, 1)) return undefined;
  if (pin ? !same(kw.kv_transfer_config, PD_KV_TRANSFER_CONFIG) : kw.kv_transfer_config !== undefined) return undefined;
  const kwargs = Object.entries(kw).filter(([k]) => !['tensor_parallel_size', 'pipeline_parallel_size', 'kv_transfer_config'].includes(k));
  if (kwargs.some(([k]) => REFUSED_KWARGS.includes(k) || /[A-Z]/.test(k))) return undefined;

  const dc = c.deployment_config;
  if (!isObject(dc) || !keysWithin(dc, ['autoscaling_config', 'max_ongoing_requests', 'max_queued_requests'])) return undefined;
  const ac = dc.autoscaling_config;
  const acKeys = ['min_replicas', 'initial_replicas', 'max_replicas', 'target_ongoing_requests', 'upscale_delay_s', 'downscale_delay_s'];
  if (!isObject(ac) || !keysWithin(ac, acKeys) || !int(ac.min_replicas, 0) || !int(ac.max_replicas, 1)) return undefined;
  const autoscaling: Json = {};
  if (ac.initial_replicas !== undefined) {
    if (!int(ac.initial_replicas, 0)) return undefined;
    autoscaling.initialReplicas = ac.initial_replicas;
  }
  if (ac.target_ongoing_requests !== undefined) {
    if (!num(ac.target_ongoing_requests, 0) || ac.target_ongoing_requests === 0) return undefined;
    autoscaling.targetOngoingRequests = ac.target_ongoing_requests;
  }
  for (const [from, to] of [
    ['upscale_delay_s', 'upscaleDelaySeconds'],
    ['downscale_delay_s', 'downscaleDelaySeconds'],
  ] as const) {
    if (ac[from] === undefined) continue;
    if (!num(ac[from], 0)) return undefined;
    autoscaling[to] = ac[from];
  }

  const serve: Json = {};
  for (const [from, to] of [
    ['max_ongoing_requests', 'maxOngoingRequests'],
    ['max_queued_requests', 'maxQueuedRequests'],
  ] as const) {
    if (dc[from] === undefined) continue;
    if (!int(dc[from], 1)) return undefined;
    serve[to] = dc[from];
  }
  if (c.accelerator_type !== undefined) {
    if (!ACCELERATOR_TYPES.includes(c.accelerator_type as string)) return undefined;
    serve.acceleratorType = c.accelerator_type;
  }
  // placement_group_config: one bundle per rank, { CPU?, GPU: 1, <pin>: 1 }; without serve.placement
  // RayModel writes it only for a pinned phase, with no CPU and Ray's default strategy PACK.
  const pg = c.placement_group_config;
  if (pg === undefined) {
    if (pin) return undefined;
  } else {
    if (!isObject(pg) || !same(Object.keys(pg).sort(), ['bundles', 'strategy']) || !PLACEMENT_STRATEGIES.includes(pg.strategy as string)) return undefined;
    const bundles = Array.isArray(pg.bundles) ? pg.bundles : [];
    const cpu = isObject(bundles[0]) ? bundles[0].CPU : undefined;
    const bundle = { ...(cpu !== undefined ? { CPU: cpu } : {}), GPU: 1, ...(pin ? { [pin]: 1 } : {}) };
    if (bundles.length !== tp * ((pp as number | undefined) ?? 1) || !bundles.every((b) => same(b, bundle))) return undefined;
    if (cpu !== undefined) {
      if (!num(cpu, 0) || cpu === 0) return undefined;
      serve.placement = { strategy: pg.strategy, ...(cpu !== 1 ? { cpusPerWorker: cpu } : {}) };
    } else if (!pin || pg.strategy !== 'PACK') return undefined;
  }
  if (c.runtime_env !== undefined) {
    const re = c.runtime_env;
    if (!isObject(re) || !same(Object.keys(re), ['env_vars']) || !stringMap(re.env_vars) || Object.keys(re.env_vars).length === 0) return undefined;
    if (!Object.keys(re.env_vars).every((k) => ENV_NAME.test(k))) return undefined;
    serve.envVars = re.env_vars;
  }
  return {
    modelId: loading.model_id,
    model: loading.model_source,
    tensorParallelSize: tp,
    ...(pp !== undefined ? { pipelineParallelSize: pp as number } : {}),
    kwargs,
    minReplicas: ac.min_replicas,
    maxReplicas: ac.max_replicas,
    autoscaling,
    serve,
  };
}

/** The autoscaling prop of an LLMConfig: min and max only where they differ from RayModel's defaults. */
function autoscalingProp(l: Llm): Json | undefined {
  return nonEmpty({
    ...(l.minReplicas !== 1 ? { minReplicas: l.minReplicas } : {}),
    ...(l.maxReplicas !== Math.max(l.minReplicas, 1) ? { maxReplicas: l.maxReplicas } : {}),
    ...l.autoscaling,
  });
}

/** The Serve application: one LLMConfig (build_openai_app) or a prefill and a decode one (build_pd_openai_app). */
function readServe(spec: Json): { llm?: Llm; phases?: Record<Phase, Llm>; anyConfig?: Json } {
  let serve: unknown;
  try {
    serve = typeof spec.serveConfigV2 === 'string' ? parseYaml(spec.serveConfigV2) : undefined;
  } catch {
    return {};
  }
  const apps = isObject(serve) && Array.isArray(serve.applications) ? (serve.applications as unknown[]) : [];
  const app = apps[0];
  if (!isObject(app) || !isObject(app.args)) return {};
  const args = app.args;
  const configs = Array.isArray(args.llm_configs) ? (args.llm_configs as unknown[]) : [args.prefill_config, args.decode_config];
  const anyConfig = configs.find(isObject);
  const shaped =
    isObject(serve) &&
    Object.keys(serve).length === 1 &&
    apps.length === 1 &&
    same(Object.keys(app).sort(), ['args', 'import_path', 'name', 'route_prefix']) &&
    app.name === 'llm' &&
    app.route_prefix === '/';
  if (!shaped) return { ...(anyConfig ? { anyConfig } : {}) };
  if (app.import_path === 'ray.serve.llm:build_openai_app' && same(Object.keys(args), ['llm_configs']) && configs.length === 1) {
    const llm = readLlm(configs[0], undefined);
    return { ...(anyConfig ? { anyConfig } : {}), ...(llm ? { llm } : {}) };
  }
  if (app.import_path === 'ray.serve.llm:build_pd_openai_app' && same(Object.keys(args).sort(), ['decode_config', 'prefill_config'])) {
    const prefill = readLlm(args.prefill_config, RAY_PHASE_RESOURCES.prefill);
    const decode = readLlm(args.decode_config, RAY_PHASE_RESOURCES.decode);
    // Both phases serve one model (build_pd_openai_app requires one model_id; RayModel has one model).
    if (prefill && decode && prefill.model === decode.model && prefill.modelId === decode.modelId) {
      return { ...(anyConfig ? { anyConfig } : {}), phases: { prefill, decode } };
    }
  }
  return { ...(anyConfig ? { anyConfig } : {}) };
}

/** The props of a disaggregated model: what both phases have alike is the model's, the rest each phase's. */
function phaseProps(phases: Record<Phase, Llm>): Json {
  const [p, d] = [phases.prefill, phases.decode];
  const props: Json = {};
  const own: Record<Phase, Json> = { prefill: {}, decode: {} };
  if (p.tensorParallelSize === d.tensorParallelSize) {
    if (p.tensorParallelSize > 1) props.tensorParallelSize = p.tensorParallelSize;
  } else for (const ph of PHASES) own[ph].tensorParallelSize = phases[ph].tensorParallelSize;
  if (p.pipelineParallelSize === d.pipelineParallelSize) {
    if (p.pipelineParallelSize !== undefined) props.pipelineParallelSize = p.pipelineParallelSize;
  } else for (const ph of PHASES) if (phases[ph].pipelineParallelSize !== undefined) own[ph].pipelineParallelSize = phases[ph].pipelineParallelSize;
  // engineKwargs merge as { ...model's, ...phase's }: the model's are the leading entries both phases share.
  let shared = 0;
  while (shared < p.kwargs.length && shared < d.kwargs.length && same(p.kwargs[shared], d.kwargs[shared])) shared++;
  if (shared > 0) props.engineKwargs = Object.fromEntries(p.kwargs.slice(0, shared));
  for (const ph of PHASES) {
    const rest = phases[ph].kwargs.slice(shared);
    if (rest.length) own[ph].engineKwargs = Object.fromEntries(rest);
    const autoscaling = autoscalingProp(phases[ph]);
    if (autoscaling) own[ph].autoscaling = autoscaling;
  }
  // serve merges key by key: a key both phases have alike is the model's.
  const serveShared: Json = {};
  for (const [k, v] of Object.entries(p.serve)) if (same(d.serve[k], v)) serveShared[k] = v;
  if (Object.keys(serveShared).length) props.serve = serveShared;
  for (const ph of PHASES) {
    const rest = Object.fromEntries(Object.entries(phases[ph].serve).filter(([k]) => !(k in serveShared)));
    if (Object.keys(rest).length) own[ph].serve = rest;
  }
  for (const ph of PHASES) if (Object.keys(own[ph]).length) props[ph] = own[ph];
  return props;
}

function tolerations(v: unknown): v is Json[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((t) => isObject(t) && Object.entries(t).every(([k, x]) => TOLERATION_KEYS[k] !== undefined && TOLERATION_KEYS[k]!(x)))
  );
}

/** requests == limits of { cpu, memory, nvidia.com/gpu? }: what RayModel's resources() writes. */
function sizing(r: unknown, gpusAllowed: boolean): { cpu: string; memory: string; gpus: number } | undefined {
  if (!isObject(r) || !same(Object.keys(r).sort(), ['limits', 'requests']) || !same(r.limits, r.requests) || !stringMap(r.limits)) return undefined;
  const { cpu, memory, 'nvidia.com/gpu': gpu, ...rest } = r.limits;
  if (Object.keys(rest).length || !cpu || !memory || !QUANTITY.test(cpu) || !QUANTITY.test(memory)) return undefined;
  if (gpu === undefined) return { cpu, memory, gpus: 0 };
  const gpus = Number(gpu);
  return gpusAllowed && Number.isInteger(gpus) && gpus > 0 && String(gpus) === gpu ? { cpu, memory, gpus } : undefined;
}

/**
 * A pod group's scheduling settings and podTemplate: nodeSelector and tolerations typed, the other
 * pod spec fields, the template's metadata and the main container's extra fields as a podTemplate
 * (merged over what RayModel renders: objects key by key, named lists by name).
 */
function podSettings(template: Json, spec: Json, container: string, containerExtra: Json, volumes: readonly unknown[] | undefined): Json {
  const out: Json = {};
  const rest: Json = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'containers') continue;
    if (k === 'volumes' && volumes !== undefined) {
      if (volumes.length) rest.volumes = volumes;
      continue;
    }
    if (k === 'nodeSelector' && stringMap(v) && Object.keys(v).length) out.nodeSelector = v;
    else if (k === 'tolerations' && tolerations(v)) out.tolerations = v;
    else rest[k] = v;
  }
  if (Object.keys(containerExtra).length) rest.containers = [{ name: container, ...containerExtra }];
  const metadata = isObject(template.metadata) ? template.metadata : undefined;
  const metadataOk = metadata && keysWithin(metadata, ['labels', 'annotations']) && (metadata.labels === undefined || stringMap(metadata.labels));
  const okAnnotations = metadata && (metadata.annotations === undefined || stringMap(metadata.annotations));
  const patch = {
    ...(metadata && metadataOk && okAnnotations && Object.keys(metadata).length ? { metadata } : {}),
    ...(Object.keys(rest).length ? { spec: rest } : {}),
  };
  if (Object.keys(patch).length) out.podTemplate = patch;
  return out;
}

/** The main container (the first, of the name RayModel gives it) and its fields beyond the rendered ones. */
function mainOf(template: unknown, name: string, rendered: readonly string[]): { main: Json; spec: Json; template: Json; extra: Json } | undefined {
  if (!isObject(template) || !isObject(template.spec) || !Array.isArray(template.spec.containers)) return undefined;
  const main = template.spec.containers[0];
  if (!isObject(main) || main.name !== name || template.spec.containers.length !== 1) return undefined;
  const extra = Object.fromEntries(Object.entries(main).filter(([k]) => !rendered.includes(k)));
  return { main, spec: template.spec, template, extra };
}

function readHead(head: unknown): Json | undefined {
  if (!isObject(head) || !same(Object.keys(head).sort(), ['rayStartParams', 'template']) || !stringMap(head.rayStartParams)) return undefined;
  const m = mainOf(head.template, 'ray-head', ['name', 'image', 'env', 'ports', 'resources']);
  if (!m) return undefined;
  const props: Json = {};
  const metrics = Array.isArray(m.main.ports) ? (m.main.ports as unknown[]).find((p) => isObject(p) && p.name === 'metrics') : undefined;
  const port = isObject(metrics) ? metrics.containerPort : undefined;
  if (!int(port, 1) || port > 65535 || !same(m.main.ports, [...HEAD_PORTS, { name: 'metrics', containerPort: port }])) return undefined;
  if (HEAD_PORTS.some((p) => p.containerPort === port)) return undefined;
  if (port !== DEFAULT_METRICS_PORT) props.metricsPort = port;
  const size = sizing(m.main.resources, false);
  if (!size) return undefined;
  if (size.cpu !== HEAD_DEFAULTS.cpu) props.cpu = size.cpu;
  if (size.memory !== HEAD_DEFAULTS.memory) props.memory = size.memory;
  // headStartParams: the defaults first, the user's over them (cluster-settings.ts).
  const defaults: Record<string, string> = { 'dashboard-host': '0.0.0.0', 'metrics-export-port': String(port), 'num-cpus': '0', 'num-gpus': '0' };
  const params = head.rayStartParams;
  if (params['metrics-export-port'] !== String(port)) return undefined;
  const user = Object.fromEntries(Object.entries(params).filter(([k, v]) => defaults[k] !== v));
  const userOk = Object.keys(user).every((k) => !k.startsWith('-') && !REFUSED_START_PARAMS.filter((r) => r !== 'num-cpus' && r !== 'num-gpus').includes(k));
  if (!userOk || !Object.keys(defaults).every((k) => k in params)) return undefined;
  if (Object.keys(user).length) props.rayStartParams = user;
  return { ...props, ...podSettings(m.template, m.spec, 'ray-head', m.extra, undefined) };
}

interface Group {
  readonly props: Json;
  readonly gpus: number;
  readonly phase?: Phase;
}

function readGroup(g: unknown, disaggregated: boolean): Group | undefined {
  if (!isObject(g) || typeof g.groupName !== 'string') return undefined;
  // Fields RayModel never writes (priority, numOfHosts 1, ...) are left out: they stay patches.
  if (!int(g.minReplicas, 0) || !int(g.maxReplicas, 0) || !int(g.replicas, 0) || !stringMap(g.rayStartParams)) return undefined;
  const m = mainOf(g.template, 'ray-worker', ['name', 'image', 'env', 'resources', 'volumeMounts']);
  const size = m && sizing(m.main.resources, true);
  if (!m || !size) return undefined;
  const params = g.rayStartParams;
  if (Object.keys(params).some((k) => k.startsWith('-') || REFUSED_START_PARAMS.includes(k))) return undefined;
  // Ray resources: accelerator_type:<type> "1" (acceleratorType) and a phase's resource, one unit per GPU.
  const props: Json = { name: g.groupName };
  let phase: Phase | undefined;
  let acceleratorType: string | undefined;
  if (g.resources !== undefined) {
    if (!stringMap(g.resources) || Object.keys(g.resources).length === 0) return undefined;
    for (const [k, v] of Object.entries(g.resources)) {
      const type = /^accelerator_type:(.+)$/.exec(k)?.[1];
      const ph = PHASES.find((p) => RAY_PHASE_RESOURCES[p] === k);
      if (type !== undefined && v === '1' && ACCELERATOR_TYPES.includes(type) && acceleratorType === undefined) acceleratorType = type;
      else if (ph && disaggregated && v === String(size.gpus) && phase === undefined) phase = ph;
      else return undefined;
    }
  }
  if (phase) props.phase = phase;
  props.minReplicas = g.minReplicas;
  props.maxReplicas = g.maxReplicas;
  if (g.replicas !== g.minReplicas) props.replicas = g.replicas;
  if (size.cpu !== GROUP_DEFAULTS.cpu) props.cpu = size.cpu;
  if (size.memory !== GROUP_DEFAULTS.memory) props.memory = size.memory;
  if (int(g.numOfHosts, 2)) props.numOfHosts = g.numOfHosts;
  if (acceleratorType) props.acceleratorType = acceleratorType;
  if (Object.keys(params).length) props.rayStartParams = params;
  // /dev/shm: a memory-backed "shm" volume (first) and its mount; by default on pods with more than one GPU.
  const volumes = Array.isArray(m.spec.volumes) ? (m.spec.volumes as unknown[]) : undefined;
  const mounts = m.main.volumeMounts;
  const shm = volumes && isObject(volumes[0]) && volumes[0].name === 'shm' ? volumes[0] : undefined;
  const shmOk = shm && same(Object.keys(shm).sort(), ['emptyDir', 'name']) && isObject(shm.emptyDir) && shm.emptyDir.medium === 'Memory';
  const sizeLimit = shmOk && isObject(shm.emptyDir) ? shm.emptyDir.sizeLimit : undefined;
  const shmShape =
    shmOk &&
    isObject(shm.emptyDir) &&
    keysWithin(shm.emptyDir, ['medium', 'sizeLimit']) &&
    (sizeLimit === undefined || (typeof sizeLimit === 'string' && QUANTITY.test(sizeLimit)));
  if (mounts !== undefined && (!Array.isArray(mounts) || mounts.length === 0)) return undefined;
  const mountList = (mounts as unknown[] | undefined) ?? [];
  const mountOk = same(mountList[0], { name: 'shm', mountPath: '/dev/shm' });
  if (shm) {
    if (!shmShape || !mountOk || (sizeLimit === undefined && size.gpus <= 1)) return undefined;
    if (sizeLimit !== undefined) props.sharedMemory = sizeLimit;
  } else if (size.gpus > 1) props.sharedMemory = false;
  // Other mounts are merged by name after the shm mount RayModel writes.
  const otherMounts = mountList.slice(shm ? 1 : 0);
  if (otherMounts.some((v) => !isObject(v) || typeof v.name !== 'string' || v.name === 'shm')) return undefined;
  const otherVolumes = volumes?.slice(shm ? 1 : 0);
  if (otherVolumes?.some((v) => !isObject(v) || typeof v.name !== 'string' || v.name === 'shm')) return undefined;
  const extra = { ...m.extra, ...(otherMounts.length ? { volumeMounts: otherMounts } : {}) };
  return { props: { ...props, ...podSettings(m.template, m.spec, 'ray-worker', extra, otherVolumes) }, gpus: size.gpus, ...(phase ? { phase } : {}) };
}

/** The container env RayModel writes on head and workers: HF_TOKEN from hfTokenSecret first, then env sorted by name. */
function readEnv(envs: readonly unknown[]): Json {
  const first = envs[0];
  if (!envs.every((e) => same(e, first))) return {};
  if (first === undefined) return {};
  if (!Array.isArray(first) || first.length === 0) return {};
  const list = [...first];
  const props: Json = {};
  const token = list[0];
  if (isObject(token) && token.name === 'HF_TOKEN' && same(Object.keys(token).sort(), ['name', 'valueFrom'])) {
    const ref = isObject(token.valueFrom) && same(Object.keys(token.valueFrom), ['secretKeyRef']) ? token.valueFrom.secretKeyRef : undefined;
    if (isObject(ref) && same(Object.keys(ref).sort(), ['key', 'name']) && typeof ref.name === 'string' && typeof ref.key === 'string') {
      props.hfTokenSecret = { name: ref.name, key: ref.key };
      list.shift();
    }
  }
  const env: Json = {};
  const names = list.map((e) => (isObject(e) ? e.name : undefined));
  const sorted = names.every((n, i) => typeof n === 'string' && (i === 0 || (names[i - 1] as string) < n));
  for (const e of sorted ? list : []) {
    if (!isObject(e) || typeof e.name !== 'string' || !ENV_NAME.test(e.name) || DERIVED_ENV.includes(e.name)) return props;
    if (typeof e.value === 'string' && same(Object.keys(e).sort(), ['name', 'value'])) env[e.name] = e.value;
    else {
      const ref = isObject(e.valueFrom) && same(Object.keys(e.valueFrom), ['secretKeyRef']) ? e.valueFrom.secretKeyRef : undefined;
      if (!same(Object.keys(e).sort(), ['name', 'valueFrom']) || !isObject(ref) || !same(Object.keys(ref).sort(), ['key', 'name'])) return props;
      if (typeof ref.name !== 'string' || typeof ref.key !== 'string') return props;
      env[e.name] = { secretKeyRef: { name: ref.name, key: ref.key } };
    }
  }
  if (sorted && Object.keys(env).length) props.env = env;
  return props;
}

function readUpgradeStrategy(u: unknown): Json | undefined {
  if (!isObject(u)) return undefined;
  if ((u.type === 'NewCluster' || u.type === 'None') && same(Object.keys(u), ['type'])) return { type: u.type };
  if (u.type !== 'NewClusterWithIncrementalUpgrade' || !same(Object.keys(u).sort(), ['clusterUpgradeOptions', 'type'])) return undefined;
  const o = u.clusterUpgradeOptions;
  if (!isObject(o) || !keysWithin(o, ['gatewayClassName', 'stepSizePercent', 'intervalSeconds', 'maxSurgePercent'])) return undefined;
  const percent = (v: unknown): boolean => int(v, 1) && v <= 100;
  if (typeof o.gatewayClassName !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.gatewayClassName)) return undefined;
  if (!percent(o.stepSizePercent) || !int(o.intervalSeconds, 1) || (o.maxSurgePercent !== undefined && !percent(o.maxSurgePercent))) return undefined;
  return {
    type: u.type,
    gatewayClassName: o.gatewayClassName,
    stepSizePercent: o.stepSizePercent,
    intervalSeconds: o.intervalSeconds,
    ...(o.maxSurgePercent !== undefined ? { maxSurgePercent: o.maxSurgePercent } : {}),
  };
}

/** RayModel props for a RayService of Ray Serve LLM. */
export function rayDraft(o: KubeObject, id: string): ModelDraft {
  const spec = isObject(o.spec) ? o.spec : {};
  const notes: string[] = [];
  const serve = readServe(spec);
  if (typeof spec.serveConfigV2 === 'string' && serve.anyConfig === undefined) {
    try {
      parseYaml(spec.serveConfigV2);
    } catch {
      notes.push('spec.serveConfigV2 is not YAML');
    }
  }
  const loading = isObject(serve.anyConfig?.model_loading_config) ? serve.anyConfig.model_loading_config : {};
  const source = typeof loading.model_source === 'string' && loading.model_source ? loading.model_source : undefined;
  const modelId = typeof loading.model_id === 'string' && loading.model_id ? loading.model_id : undefined;
  let model = source ?? modelId;
  if (model === undefined) {
    notes.push('serveConfigV2 names no Ray Serve LLM model (llm_configs[].model_loading_config): the props use a placeholder path');
    model = `/models/${o.metadata.name}`;
  }
  const kwargs = isObject(serve.anyConfig?.engine_kwargs) ? serve.anyConfig.engine_kwargs : {};
  const anyTp = kwargs.tensor_parallel_size;
  const cluster = isObject(spec.rayClusterConfig) ? spec.rayClusterConfig : {};
  const rayVersion = typeof cluster.rayVersion === 'string' && /^\d+\.\d+\.\d+$/.test(cluster.rayVersion) ? cluster.rayVersion : undefined;
  const head = spec.rayClusterConfig === undefined ? undefined : cluster.headGroupSpec;
  // What the object says about the model alone: the props if the construct refuses the others.
  const basic: Json = {
    ...identity(o),
    model,
    ...(modelId !== undefined && modelId !== model ? { modelId } : {}),
    ...(!serve.phases && int(anyTp, 2) ? { tensorParallelSize: anyTp } : {}),
    ...(rayVersion !== undefined ? { rayVersion } : {}),
  };

  const props: Json = {};
  const disaggregated = serve.phases !== undefined;
  let tp = 1;
  const phaseTp: Partial<Record<Phase, number>> = {};
  if (serve.llm) {
    const l = serve.llm;
    tp = l.tensorParallelSize;
    if (l.tensorParallelSize > 1) props.tensorParallelSize = l.tensorParallelSize;
    if (l.pipelineParallelSize !== undefined) props.pipelineParallelSize = l.pipelineParallelSize;
    if (l.kwargs.length) props.engineKwargs = Object.fromEntries(l.kwargs);
    const autoscaling = autoscalingProp(l);
    if (autoscaling) props.autoscaling = autoscaling;
    if (Object.keys(l.serve).length) props.serve = l.serve;
  } else if (serve.phases) {
    props.mode = 'disaggregated';
    Object.assign(props, phaseProps(serve.phases));
    for (const ph of PHASES) phaseTp[ph] = serve.phases[ph].tensorParallelSize;
  }

  // Worker groups: all of them typed, or none (a group RayModel cannot write stays a patch whole).
  const groupSpecs = Array.isArray(cluster.workerGroupSpecs) ? (cluster.workerGroupSpecs as unknown[]) : [];
  const groups = groupSpecs.map((g) => readGroup(g, disaggregated));
  if (groups.length && groups.every((g) => g !== undefined) && (serve.llm || serve.phases)) {
    const list = groups.map((g) => {
      const gpusDefault = g.phase ? phaseTp[g.phase]! : tp;
      return g.gpus === gpusDefault ? g.props : { ...g.props, gpus: g.gpus };
    });
    // The same groups RayModel writes without workerGroups need no prop.
    const defaults = serve.phases
      ? PHASES.map((ph) => ({ name: ph, phase: ph, minReplicas: serve.phases![ph].minReplicas, maxReplicas: serve.phases![ph].maxReplicas }))
      : [{ name: 'gpu', minReplicas: serve.llm!.minReplicas, maxReplicas: serve.llm!.maxReplicas }];
    if (!same(list, defaults)) props.workerGroups = list;
  }
  const headProps = readHead(head);
  if (headProps && Object.keys(headProps).length) props.head = headProps;
  if (rayVersion !== undefined) props.rayVersion = rayVersion;

  // One pinned image on head and workers (other than RayModel's default for the Ray version).
  const containers = [head, ...groupSpecs]
    .map((g) =>
      isObject(g) && isObject(g.template) && isObject(g.template.spec) && Array.isArray(g.template.spec.containers) ? g.template.spec.containers[0] : undefined,
    )
    .filter(isObject);
  const images = new Set(containers.map((c) => c.image));
  const image = images.size === 1 ? [...images][0] : undefined;
  if (image !== rayLlmImage(rayVersion ?? DEFAULT_RAY_VERSION) && pinned(image)) props.image = image;
  if (containers.length === 1 + groupSpecs.length) Object.assign(props, readEnv(containers.map((c) => c.env)));
  const upgrade = readUpgradeStrategy(spec.upgradeStrategy);
  if (upgrade) props.upgradeStrategy = upgrade;

  const ordered: Json = {
    ...identity(o),
    model,
    ...(modelId !== undefined && modelId !== model ? { modelId } : {}),
    ...props,
  };
  return { construct: 'RayModel', id, props: ordered, basic, notes };
}
