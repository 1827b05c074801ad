/**
 * Reading the parts of synthesized pod templates a local run needs: containers, their env and
 * GPU limits, and flags of their command lines. Input is plain JSON; nothing is resolved.
 */
export type Json = Record<string, unknown>;

/** A Kubernetes container env entry: a literal, or a reference (to a Secret, a field, ...). */
export interface KubeEnvVar {
  readonly name: string;
  /** Undefined when the value comes from a reference (valueFrom). */
  readonly value?: string;
}

export interface KubeContainer {
  readonly name?: string;
  readonly image?: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly KubeEnvVar[];
  /** `nvidia.com/gpu` limit (else request), 0 when absent. */
  readonly gpus: number;
  readonly volumeMounts: readonly KubeVolumeMount[];
  /** Secrets and ConfigMaps whose every key becomes an env variable. */
  readonly envFrom: readonly { readonly secret?: string; readonly configMap?: string }[];
}

export interface KubeVolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
}

/** A pod volume: its name, its source kind (`configMap`, `persistentVolumeClaim`, ...) and, for a ConfigMap, what it projects. */
export interface KubeVolume {
  readonly name: string;
  readonly kind: string;
  readonly configMap?: { readonly name: string; readonly items?: readonly { readonly key: string; readonly path: string }[] };
  /** For a `persistentVolumeClaim` volume: the claim's name. */
  readonly claimName?: string;
}

/** The volumes of a pod template. */
export function templateVolumes(template: unknown): KubeVolume[] {
  const spec = asObject(asObject(template)?.spec);
  return asArray(spec?.volumes).flatMap((raw): KubeVolume[] => {
    const v = asObject(raw);
    if (!v || typeof v.name !== 'string') return [];
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    const cm = asObject(v.configMap);
    const claim = asObject(v.persistentVolumeClaim)?.claimName;
    const items = asArray(cm?.items).flatMap((i) => {
      const o = asObject(i);
      return o && typeof o.key === 'string' && typeof o.path === 'string' ? [{ key: o.key, path: o.path }] : [];
    });
    return [
      {
        name: v.name,
        kind,
        ...(cm && typeof cm.name === 'string' ? { configMap: { name: cm.name, ...(items.length ? { items } : {}) } } : {}),
        ...(typeof claim === 'string' ? { claimName: claim } : {}),
      },
    ];
  });
}

export function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string');
}

/** The containers of a pod template (`{ spec: { containers } }`). */
export function templateContainers(template: unknown): KubeContainer[] {
  const spec = asObject(asObject(template)?.spec);
  return asArray(spec?.containers).map(readContainer);
}

/** The container named `name`, else the first one. */
export function mainContainer(template: unknown, name = 'main'): KubeContainer | undefined {
  const all = templateContainers(template);
  return all.find((c) => c.name === name) ?? all[0];
}

function readContainer(raw: unknown): KubeContainer {
  const c = asObject(raw) ?? {};
  const env = asArray(c.env).flatMap((e): KubeEnvVar[] => {
    const o = asObject(e);
    if (!o || typeof o.name !== 'string') return [];
    return typeof o.value === 'string' && o.valueFrom === undefined ? [{ name: o.name, value: o.value }] : [{ name: o.name }];
  });
  const volumeMounts = asArray(c.volumeMounts).flatMap((m): KubeVolumeMount[] => {
    const o = asObject(m);
    if (!o || typeof o.name !== 'string' || typeof o.mountPath !== 'string') return [];
    return [{ name: o.name, mountPath: o.mountPath, ...(typeof o.subPath === 'string' ? { subPath: o.subPath } : {}) }];
  });
  const envFrom = asArray(c.envFrom).flatMap((e) => {
    const o = asObject(e);
    const secret = asObject(o?.secretRef)?.name;
    const configMap = asObject(o?.configMapRef)?.name;
    return [{ ...(typeof secret === 'string' ? { secret } : {}), ...(typeof configMap === 'string' ? { configMap } : {}) }];
  });
  return {
    name: typeof c.name === 'string' ? c.name : undefined,
    image: typeof c.image === 'string' ? c.image : undefined,
    command: strings(c.command),
    args: strings(c.args),
    env,
    gpus: gpuCount(c.resources),
    volumeMounts,
    envFrom,
  };
}

/** `nvidia.com/gpu` of limits, else of requests (quantities are strings or numbers). */
export function gpuCount(resources: unknown): number {
  const r = asObject(resources);
  for (const side of ['limits', 'requests']) {
    const raw = asObject(r?.[side])?.['nvidia.com/gpu'];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
    if (Number.isInteger(n) && n >= 0) return n;
  }
  return 0;
}

/** The value of the last `--flag value` or `--flag=value` among `names`, if any. */
export function flagValue(args: readonly string[], names: readonly string[]): string | undefined {
  let found: string | undefined;
  args.forEach((arg, i) => {
    for (const name of names) {
      if (arg === name && i + 1 < args.length) found = args[i + 1];
      else if (arg.startsWith(`${name}=`)) found = arg.slice(name.length + 1);
    }
  });
  return found;
}
