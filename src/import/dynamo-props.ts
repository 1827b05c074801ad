import { engineFor } from '../engines/index.js';
import type { WorkerRole } from '../engines/engine.js';
import type { KubeObject } from '../model/kube-object.js';
import { ENGINES, type Engine } from '../model/ids.js';
import { ENGINE_CONFIG_VOLUME } from '../runtimes/dynamo/info.js';
import { flagValue, identity, isObject, type Json, type ModelDraft, pinned, positiveInt } from './model-props.js';

/**
 * DynamoModel props read back from a v1beta1 DynamoGraphDeployment. Each prop is taken only when
 * the object has exactly the shape DynamoModel renders for it (constructs/dynamo-model.ts), so a
 * prop never says more than the object does; whatever still renders differently becomes a patch
 * (the caller diffs a synth of these props against the object).
 */

const FRONTEND_PORT_ARGS = ['--http-port', '8000'];
/** Env names DynamoModel writes itself (hfTokenSecret, router "kv", a cache): no env prop may set them. */
const DERIVED_ENV = ['HF_TOKEN', 'DYN_ROUTER_MODE', 'HF_HOME', 'HF_HUB_OFFLINE'];
/** Pod spec fields the typed role settings write. */
const TYPED_POD_FIELDS = ['containers', 'nodeSelector', 'tolerations', 'affinity', 'volumes'];
const PROBE_PERIOD_SECONDS = 10;

type Role = 'frontend' | WorkerRole;

interface Part {
  readonly role: Role;
  readonly component: Json;
  readonly main: Json;
  readonly pod: Json;
}

function mainContainer(component: Json): Json | undefined {
  const spec = podSpec(component);
  const containers = Array.isArray(spec.containers) ? (spec.containers as Json[]) : [];
  return containers.find((c) => c.name === 'main');
}

function podSpec(component: Json): Json {
  return isObject(component.podTemplate) && isObject(component.podTemplate.spec) ? component.podTemplate.spec : {};
}

function strings(x: unknown): string[] | undefined {
  return Array.isArray(x) && x.every((v) => typeof v === 'string') ? (x as string[]) : undefined;
}

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= list.length && prefix.every((v, i) => list[i] === v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An env entry an EnvValue can express: a literal value, or a whole secretKeyRef (name and key only). */
function envValue(e: unknown): string | { secretKeyRef: { name: string; key: string } } | undefined {
  if (!isObject(e) || typeof e.name !== 'string') return undefined;
  const keys = Object.keys(e);
  if (typeof e.value === 'string' && keys.length === 2) return e.value;
  const ref = isObject(e.valueFrom) && Object.keys(e.valueFrom).length === 1 ? e.valueFrom.secretKeyRef : undefined;
  if (keys.length === 2 && isObject(ref) && Object.keys(ref).length === 2 && typeof ref.name === 'string' && typeof ref.key === 'string') {
    return { secretKeyRef: { name: ref.name, key: ref.key } };
  }
  return undefined;
}

/** The GPU count of a worker's main container, when its resources are exactly what gpusPerWorker writes. */
function gpusOf(main: Json): number | undefined {
  if (main.resources === undefined) return 0;
  const r = main.resources;
  if (!isObject(r) || !same(Object.keys(r).sort(), ['limits', 'requests'])) return undefined;
  const limit = isObject(r.limits) && Object.keys(r.limits).length === 1 ? r.limits['nvidia.com/gpu'] : undefined;
  const request = isObject(r.requests) && Object.keys(r.requests).length === 1 ? r.requests['nvidia.com/gpu'] : undefined;
  const n = positiveInt(limit);
  return n !== undefined && limit === request && String(n) === limit ? n : undefined;
}

/** The budget a worker probe of DynamoModel's shape stands for (failureThreshold × 10s), if it is one. */
function probeBudget(probe: unknown, path: string, timeoutSeconds: number): number | undefined {
  if (!isObject(probe) || !isObject(probe.httpGet)) return undefined;
  const threshold = positiveInt(probe.failureThreshold);
  if (threshold === undefined) return undefined;
  const expected = {
    httpGet: { path, port: 'system' },
    periodSeconds: PROBE_PERIOD_SECONDS,
    timeoutSeconds,
    failureThreshold: threshold,
  };
  return same(sortKeys(probe), sortKeys(expected)) ? threshold * PROBE_PERIOD_SECONDS : undefined;
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (!isObject(x)) return x;
  return Object.fromEntries(
    Object.keys(x)
      .sort()
      .map((k) => [k, sortKeys(x[k])]),
  );
}

/** The longest common prefix of lists. */
function commonPrefix(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; lists.every((l) => i < l.length && l[i] === lists[0]![i]); i++) out.push(lists[0]![i]!);
  return out;
}

export function dynamoDraft(o: KubeObject, id: string): ModelDraft {
  const spec = isObject(o.spec) ? o.spec : {};
  const components = Array.isArray(spec.components) ? (spec.components as Json[]).filter(isObject) : [];
  const notes: string[] = [];
  const byType = (t: string): Json | undefined => components.find((c) => c.type === t);
  const workers = components.filter((c) => c.type === 'worker' || c.type === 'prefill' || c.type === 'decode');
  const mode = workers.some((c) => c.type === 'prefill' || c.type === 'decode') ? 'disaggregated' : 'aggregated';
  const workerRoles: WorkerRole[] = mode === 'aggregated' ? ['worker'] : ['prefill', 'decode'];
  const args = workers.flatMap((c) => {
    const main = mainContainer(c);
    return [...(strings(main?.command) ?? []), ...(strings(main?.args) ?? [])];
  });
  const engine = ENGINES.includes(spec.backendFramework as Engine) ? (spec.backendFramework as Engine) : undefined;
  const impl = engineFor(engine ?? 'vllm');
  let model = flagValue(args, ['--model', '--model-path']);
  if (model === undefined) {
    notes.push('no worker names its model (--model / --model-path): the props use a placeholder path; set `model` to what the workers load');
    model = `/models/${o.metadata.name}`;
  }
  const served = flagValue(args, ['--served-model-name']);
  const tp = positiveInt(flagValue(args, ['--tensor-parallel-size', '-tp', '--tp', '--tp-size']));
  const pp = positiveInt(flagValue(args, ['--pipeline-parallel-size', '-pp', '--pp-size']));
  const revision = impl.revisionFlag && !model.startsWith('/') && !model.startsWith('.') ? flagValue(args, [impl.revisionFlag]) : undefined;
  const replicas: Json = {};
  const frontend = byType('frontend');
  if (typeof frontend?.replicas === 'number' && frontend.replicas > 0) replicas.frontend = frontend.replicas;
  for (const role of workerRoles) {
    const r = byType(role)?.replicas;
    if (typeof r === 'number') replicas[role] = r;
  }
  const images = new Set([frontend, ...workers].map((c) => (c ? mainContainer(c)?.image : undefined)).filter((i) => i !== undefined));
  const image = images.size === 1 ? [...images][0] : undefined;
  const frontendMain = frontend ? mainContainer(frontend) : undefined;
  const frontendEnv = Array.isArray(frontendMain?.env) ? frontendMain.env : [];
  // The KV-aware router: the frontend's first env entry is DYN_ROUTER_MODE=kv (how DynamoModel writes router "kv").
  const kv = frontendEnv.some((e) => isObject(e) && e.name === 'DYN_ROUTER_MODE' && e.value === 'kv');

  // The frontend and the workers of the mode, each with its main container: what the props below read.
  const parts: Part[] = [];
  for (const role of ['frontend', ...workerRoles] as const) {
    const component = byType(role);
    const main = component && mainContainer(component);
    if (component && main) parts.push({ role, component, main, pod: podSpec(component) });
  }
  const complete = parts.length === 1 + workerRoles.length;
  const tpSize = tp ?? 1;
  const ppSize = pp ?? 1;
  const roles: Record<string, Json> = {};
  const setRole = (role: Role, key: string, value: unknown): void => {
    roles[role] = { ...(roles[role] ?? {}), [key]: value };
  };
  const props: Json = {};

  // Worker node count (multinode) and GPUs per worker, when the GPU rules of DynamoModel hold for them.
  const nodeCounts = new Set(
    parts.filter((p) => p.role !== 'frontend').map((p) => (isObject(p.component.multinode) ? p.component.multinode.nodeCount : undefined)),
  );
  const nodeCount = nodeCounts.size === 1 ? positiveInt([...nodeCounts][0]) : undefined;
  if (complete && nodeCount !== undefined && nodeCount >= 2) props.multinode = { nodeCount };
  const multinode = props.multinode !== undefined ? (nodeCount ?? 1) : 1;
  const gpuCounts = new Set(parts.filter((p) => p.role !== 'frontend').map((p) => gpusOf(p.main)));
  const gpus = gpuCounts.size === 1 ? [...gpuCounts][0] : undefined;
  const ranks = tpSize * ppSize;
  if (complete && gpus !== undefined && gpus !== ranks / multinode) {
    const fits = multinode > 1 ? gpus > 0 && gpus * multinode === ranks : ranks <= Math.max(gpus, 1) && !(gpus === 0 && engine === 'trtllm');
    if (fits) props.gpusPerWorker = gpus;
  }

  // HF_TOKEN from one Secret key in every component (right after DYN_ROUTER_MODE on the frontend): hfTokenSecret.
  const envs = new Map(parts.map((p) => [p, Array.isArray(p.main.env) ? [...(p.main.env as unknown[])] : []]));
  if (kv && complete) {
    const fe = envs.get(parts[0]!)!;
    if (isObject(fe[0]) && fe[0].name === 'DYN_ROUTER_MODE') fe.shift();
  }
  const tokens = parts.map((p) => envs.get(p)![0]).map((e) => (isObject(e) && e.name === 'HF_TOKEN' ? envValue(e) : undefined));
  const token = tokens[0];
  if (complete && typeof token === 'object' && tokens.every((t) => same(t, token))) {
    props.hfTokenSecret = token.secretKeyRef;
    for (const p of parts) envs.get(p)!.shift();
  }
  // The rest of the env: entries every component has alike go to env, the others to roles.<role>.env.
  const values = parts.map((p) => envs.get(p)!.map((e) => [isObject(e) ? e.name : undefined, envValue(e)] as const));
  const expressible = values.every((list) => list.every(([name, v]) => typeof name === 'string' && v !== undefined && !DERIVED_ENV.includes(name)));
  if (complete && expressible) {
    const shared: Json = {};
    for (const [name, v] of values[0] ?? []) {
      if (values.every((list) => list.some(([n, w]) => n === name && same(w, v)))) shared[name as string] = v;
    }
    if (Object.keys(shared).length) props.env = shared;
    parts.forEach((p, i) => {
      const own = Object.fromEntries(values[i]!.filter(([name]) => !((name as string) in shared)));
      if (Object.keys(own).length) setRole(p.role, 'env', own);
    });
  }
  // A whole Secret as env in every component: envFromSecret (not next to hfTokenSecret, which the construct refuses).
  const envFroms = parts.map((p) => p.main.envFrom);
  const secretName = isObject((envFroms[0] as Json[] | undefined)?.[0]) ? ((envFroms[0] as Json[])[0]!.secretRef as Json | undefined)?.name : undefined;
  if (complete && typeof secretName === 'string' && !props.hfTokenSecret && envFroms.every((e) => same(e, [{ secretRef: { name: secretName } }]))) {
    props.envFromSecret = secretName;
  }

  // Extra command-line arguments: what follows the flags DynamoModel writes.
  const frontendArgs = strings(frontendMain?.args);
  if (frontendArgs && startsWith(frontendArgs, FRONTEND_PORT_ARGS) && frontendArgs.length > FRONTEND_PORT_ARGS.length) {
    props.frontendArgs = frontendArgs.slice(FRONTEND_PORT_ARGS.length);
  }
  const extras = new Map<WorkerRole, string[]>();
  for (const p of parts) {
    if (p.role === 'frontend') continue;
    const actual = strings(p.main.args) ?? [];
    const configPath = impl.engineConfigFlag ? flagValue(actual, [impl.engineConfigFlag]) : undefined;
    const cmd = impl.workerCommand({
      role: p.role,
      model,
      servedModelName: served ?? model,
      tensorParallelSize: tpSize,
      pipelineParallelSize: ppSize,
      kvEvents: kv,
      ...(revision !== undefined ? { revision } : {}),
      ...(configPath !== undefined ? { engineConfigPath: configPath } : {}),
    });
    if (same(strings(p.main.command), cmd.command) && startsWith(actual, cmd.args)) extras.set(p.role, actual.slice(cmd.args.length));
  }
  if (complete && extras.size === workerRoles.length) {
    const shared = commonPrefix([...extras.values()]);
    if (shared.length) props.workerArgs = shared;
    for (const [role, extra] of extras) if (extra.length > shared.length) setRole(role, 'args', extra.slice(shared.length));
  }

  // Pod placement, volumes, shared memory and probe budgets of each role: roles.<role>.*; other pod
  // fields and the pod template's metadata: podTemplate.<role> (podTemplate.all when every component has them alike).
  const podTemplate: Record<string, Json> = {};
  for (const p of complete ? parts : []) {
    for (const key of ['nodeSelector', 'tolerations', 'affinity'] as const) if (p.pod[key] !== undefined) setRole(p.role, key, p.pod[key]);
    const volumes = Array.isArray(p.pod.volumes) ? (p.pod.volumes as Json[]).filter((v) => v.name !== ENGINE_CONFIG_VOLUME) : [];
    if (volumes.length) setRole(p.role, 'volumes', volumes);
    const mounts = Array.isArray(p.main.volumeMounts) ? (p.main.volumeMounts as Json[]).filter((v) => v.name !== ENGINE_CONFIG_VOLUME) : [];
    if (mounts.length) setRole(p.role, 'volumeMounts', mounts);
    const shm = p.component.sharedMemorySize;
    const removesShm = typeof shm === 'string' && /^0*(\.0*)?[A-Za-z]*$/.test(shm);
    if (typeof shm === 'string' && !(removesShm && p.role !== 'frontend' && ranks > 1)) setRole(p.role, 'sharedMemorySize', shm);
    if (p.role !== 'frontend') {
      const startup = probeBudget(p.main.startupProbe, '/live', 5);
      if (startup !== undefined) setRole(p.role, 'startupTimeoutSeconds', startup);
      const readiness = probeBudget(p.main.readinessProbe, '/health', 30);
      if (readiness !== undefined) setRole(p.role, 'readinessTimeoutSeconds', readiness);
    }
    const otherSpec = Object.fromEntries(Object.entries(p.pod).filter(([k]) => !TYPED_POD_FIELDS.includes(k)));
    const template = isObject(p.component.podTemplate) ? p.component.podTemplate : {};
    const patch: Json = {
      ...(isObject(template.metadata) && Object.keys(template.metadata).length ? { metadata: template.metadata } : {}),
      ...(Object.keys(otherSpec).length ? { spec: otherSpec } : {}),
    };
    if (Object.keys(patch).length) podTemplate[p.role] = patch;
  }
  // One podTemplate.all when every component (planner and endpoint picker too: "all" reaches them) has the same one.
  const patches = Object.values(podTemplate);
  if (complete && patches.length === parts.length && parts.length === components.length && patches.every((t) => same(sortKeys(t), sortKeys(patches[0])))) {
    for (const k of Object.keys(podTemplate)) delete podTemplate[k];
    podTemplate.all = patches[0]!;
  }

  const ordered: Json = {
    ...identity(o),
    model,
    ...(revision !== undefined ? { modelRevision: revision } : {}),
    ...(served !== undefined && served !== model ? { servedModelName: served } : {}),
    ...(engine ? { engine } : {}),
    ...(mode !== 'aggregated' ? { mode } : {}),
    ...(kv ? { router: 'kv' } : {}),
    ...(Object.keys(replicas).length ? { replicas } : {}),
    ...(tp !== undefined && tp > 1 ? { tensorParallelSize: tp } : {}),
    ...(pp !== undefined && pp > 1 ? { pipelineParallelSize: pp } : {}),
    ...props,
    ...(pinned(image) ? { image } : {}),
    ...(Object.keys(roles).length ? { roles } : {}),
    ...(Object.keys(podTemplate).length ? { podTemplate } : {}),
  };
  // What the object says about the model alone: the props if the construct refuses the others.
  const basic = Object.fromEntries(Object.entries(ordered).filter(([k]) => !(k in props) && !['modelRevision', 'roles', 'podTemplate'].includes(k)));
  return { construct: 'DynamoModel', id, props: ordered, basic, notes };
}
