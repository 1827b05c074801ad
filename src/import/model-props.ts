import { parse as parseYaml } from 'yaml';
import { MANAGED_BY_LABEL, RUNTIME_LABEL, STACK_LABEL } from '../model/labels.js';
import type { KubeObject } from '../model/kube-object.js';

/** A model construct of the generated stack: which class, and the props it is written with. */
export interface ModelDraft {
  readonly construct: 'DynamoModel' | 'RayModel';
  /** The construct id (the object's name; its namespace too when two objects share a name). */
  readonly id: string;
  readonly props: Readonly<Record<string, unknown>>;
  /**
   * Props from what the object says about the model alone (name, model, engine, mode, sizes,
   * image): what the file uses instead of `props` if the construct refuses those.
   */
  readonly basic?: Readonly<Record<string, unknown>>;
  /** What the props could not say for sure (the patches then carry the rendered differences). */
  readonly notes: readonly string[];
}

/** Labels modelstack writes itself (constructs refuse them as props; the stack sets them). */
const RESERVED_LABELS = [MANAGED_BY_LABEL, STACK_LABEL, RUNTIME_LABEL];
const RESERVED_PREFIXES = ['modelstack.io/', 'applyset.kubernetes.io/'];

export function isReservedKey(k: string): boolean {
  return RESERVED_LABELS.includes(k) || RESERVED_PREFIXES.some((p) => k.startsWith(p));
}

export type Json = Record<string, unknown>;

export function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Name, namespace, and the labels and annotations a stack may set. */
export function identity(o: KubeObject): Json {
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
export function flagValue(args: readonly unknown[], flags: readonly string[]): string | undefined {
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

export function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A pinned image (a tag other than latest, or a digest): what the constructs accept as `image`. */
export function pinned(image: unknown): image is string {
  if (typeof image !== 'string' || image.length === 0) return false;
  if (image.includes('@sha256:')) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest';
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
