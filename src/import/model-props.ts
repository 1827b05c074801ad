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
