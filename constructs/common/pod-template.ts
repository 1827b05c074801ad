/**
 * A partial pod template merged into what a construct renders: the escape hatch for fields
 * modelstack does not model (tolerations, node selectors, volumes, probes, ...).
 *
 * Merge rules: objects merge key by key; lists of objects that all carry a `name` (containers,
 * env, volumes, volumeMounts, ports) merge by name; any other list or value replaces.
 */
export interface PodTemplatePatch {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: Readonly<Record<string, unknown>>;
}

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNamedList(v: Json): v is Array<Record<string, Json> & { name: string }> {
  return Array.isArray(v) && v.every((e) => isPlainObject(e) && typeof e.name === 'string');
}

export function mergePatch(base: Json, patch: Json): Json {
  if (patch === undefined) return base;
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = mergePatch(base[k], v);
    return out;
  }
  if (isNamedList(base) && isNamedList(patch) && patch.length > 0) {
    const out = base.map((e) => {
      const p = patch.find((q) => q.name === e.name);
      return p ? (mergePatch(e, p) as Record<string, Json>) : e;
    });
    for (const p of patch) if (!base.some((e) => e.name === p.name)) out.push(p);
    return out;
  }
  return patch;
}

/**
 * `base` with each patch merged in turn (see PodTemplatePatch for the rules). The typed
 * boundary of the escape hatch: the patches are unchecked JSON, so the result keeps the type of
 * the template the construct rendered.
 */
export function patchTemplate<T extends object>(base: T, ...patches: readonly (PodTemplatePatch | undefined)[]): T {
  return patches.reduce<Json>((merged, patch) => mergePatch(merged, patch), base) as T;
}
