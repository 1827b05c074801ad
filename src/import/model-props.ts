import { parse as parseYaml } from 'yaml';
import { ENGINES, type Engine } from '../model/ids.js';
import { MANAGED_BY_LABEL, RUNTIME_LABEL, STACK_LABEL } from '../model/labels.js';
import type { KubeObject } from '../model/kube-object.js';

/** A model construct of the generated stack: which class, and the props it is written with. */
export interface ModelDraft {
  readonly construct: 'DynamoModel' | 'RayModel';
  /** The construct id (the object's name; its namespace too when two objects share a name). */
  readonly id: string;
  readonly props: Readonly<Record<string, unknown>>;
  /** What the props could not say for sure (the patches then carry the rendered differences). */
  readonly notes: readonly string[];
}

/** Labels modelstack writes itself (constructs refuse them as props; the stack sets them). */
const RESERVED_LABELS = [MANAGED_BY_LABEL, STACK_LABEL, RUNTIME_LABEL];
const RESERVED_PREFIXES = ['modelstack.io/', 'applyset.kubernetes.io/'];

export function isReservedKey(k: string): boolean {
  return RESERVED_LABELS.includes(k) || RESERVED_PREFIXES.some((p) => k.startsWith(p));
}

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Name, namespace, and the labels and annotations a stack may set. */
function identity(o: KubeObject): Json {
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !isReservedKey(k)));
  const annotations = Object.fromEntries(Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !isReservedKey(k)));
  return {
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
}

/** The value of the first of `flags` in `args` (`--flag value` or `--flag=value`). */
function flagValue(args: readonly unknown[], flags: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string') continue;
    for (const f of flags) {
      if (a === f && typeof args[i + 1] === 'string') return args[i + 1] as string;
      if (a.startsWith(`${f}=`)) return a.slice(f.length + 1);
    }
  }
  return undefined;
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A pinned image (a tag other than latest, or a digest): what the constructs accept as `image`. */
function pinned(image: unknown): image is string {
  if (typeof image !== 'string' || image.length === 0) return false;
  if (image.includes('@sha256:')) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest';
}

function mainContainer(component: Json): Json | undefined {
  const spec = isObject(component.podTemplate) && isObject(component.podTemplate.spec) ? component.podTemplate.spec : undefined;
  const containers = Array.isArray(spec?.containers) ? (spec.containers as Json[]) : [];
  return containers.find((c) => c.name === 'main');
}

/**
 * DynamoModel props for a v1beta1 DynamoGraphDeployment: what the graph says about the model
 * (from the workers' command lines), its engine, mode, replicas and image. Everything else the
 * props render differently is kept as patches by the caller.
 */
export function dynamoDraft(o: KubeObject, id: string): ModelDraft {
  const spec = isObject(o.spec) ? o.spec : {};
  const components = Array.isArray(spec.components) ? (spec.components as Json[]) : [];
  const notes: string[] = [];
  const byType = (t: string): Json | undefined => components.find((c) => c.type === t);
  const workers = components.filter((c) => c.type === 'worker' || c.type === 'prefill' || c.type === 'decode');
  const mode = workers.some((c) => c.type === 'prefill' || c.type === 'decode') ? 'disaggregated' : 'aggregated';
  const args = workers.flatMap((c) => {
    const main = mainContainer(c);
    return [...(Array.isArray(main?.command) ? main.command : []), ...(Array.isArray(main?.args) ? main.args : [])];
  });
  const engine = ENGINES.includes(spec.backendFramework as Engine) ? (spec.backendFramework as Engine) : undefined;
  let model = flagValue(args, ['--model', '--model-path']);
  if (model === undefined) {
    notes.push('no worker names its model (--model / --model-path): the props use a placeholder path; set `model` to what the workers load');
    model = `/models/${o.metadata.name}`;
  }
  const served = flagValue(args, ['--served-model-name']);
  const tp = positiveInt(flagValue(args, ['--tensor-parallel-size', '-tp', '--tp', '--tp-size']));
  const pp = positiveInt(flagValue(args, ['--pipeline-parallel-size', '-pp', '--pp-size']));
  const replicas: Json = {};
  const frontend = byType('frontend');
  if (typeof frontend?.replicas === 'number' && frontend.replicas > 0) replicas.frontend = frontend.replicas;
  for (const role of mode === 'aggregated' ? ['worker'] : ['prefill', 'decode']) {
    const r = byType(role)?.replicas;
    if (typeof r === 'number') replicas[role] = r;
  }
  const images = new Set([frontend, ...workers].map((c) => (c ? mainContainer(c)?.image : undefined)).filter((i) => i !== undefined));
  const image = images.size === 1 ? [...images][0] : undefined;
  // The KV-aware router: the frontend's DYN_ROUTER_MODE (how DynamoModel writes router "kv").
  const frontendEnv = frontend ? mainContainer(frontend)?.env : undefined;
  const kv = Array.isArray(frontendEnv) && frontendEnv.some((e) => isObject(e) && e.name === 'DYN_ROUTER_MODE' && e.value === 'kv');
  const props: Json = {
    ...identity(o),
    model,
    ...(served !== undefined && served !== model ? { servedModelName: served } : {}),
    ...(engine ? { engine } : {}),
    ...(mode !== 'aggregated' ? { mode } : {}),
    ...(kv ? { router: 'kv' } : {}),
    ...(Object.keys(replicas).length ? { replicas } : {}),
    ...(tp !== undefined && tp > 1 ? { tensorParallelSize: tp } : {}),
    ...(pp !== undefined && pp > 1 ? { pipelineParallelSize: pp } : {}),
    ...(pinned(image) ? { image } : {}),
  };
  return { construct: 'DynamoModel', id, props, notes };
}

/** RayModel props for a RayService of Ray Serve LLM: the model, served name, parallel size and Ray version. */
export function rayDraft(o: KubeObject, id: string): ModelDraft {
  const spec = isObject(o.spec) ? o.spec : {};
  const notes: string[] = [];
  let llm: Json | undefined;
  try {
    const serve = typeof spec.serveConfigV2 === 'string' ? (parseYaml(spec.serveConfigV2) as unknown) : undefined;
    const apps = isObject(serve) && Array.isArray(serve.applications) ? (serve.applications as Json[]) : [];
    const configs = apps.flatMap((a) => (isObject(a.args) && Array.isArray(a.args.llm_configs) ? (a.args.llm_configs as Json[]) : []));
    llm = configs[0];
  } catch {
    notes.push('spec.serveConfigV2 is not YAML');
  }
  const loading = isObject(llm?.model_loading_config) ? llm.model_loading_config : {};
  const source = typeof loading.model_source === 'string' ? loading.model_source : undefined;
  const modelId = typeof loading.model_id === 'string' ? loading.model_id : undefined;
  let model = source ?? modelId;
  if (model === undefined) {
    notes.push('serveConfigV2 names no Ray Serve LLM model (llm_configs[].model_loading_config): the props use a placeholder path');
    model = `/models/${o.metadata.name}`;
  }
  const kwargs = isObject(llm?.engine_kwargs) ? llm.engine_kwargs : {};
  const tp = positiveInt(kwargs.tensor_parallel_size);
  const cluster = isObject(spec.rayClusterConfig) ? spec.rayClusterConfig : {};
  const props: Json = {
    ...identity(o),
    model,
    ...(modelId !== undefined && modelId !== model ? { modelId } : {}),
    ...(tp !== undefined && tp > 1 ? { tensorParallelSize: tp } : {}),
    ...(typeof cluster.rayVersion === 'string' ? { rayVersion: cluster.rayVersion } : {}),
  };
  return { construct: 'RayModel', id, props, notes };
}
