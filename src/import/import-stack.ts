import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { deepEqual } from '../clusterapply/deep-equal.js';
import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { type KubeObject, objectKey, objectRef } from '../model/kube-object.js';
import { isDns1123Label, suggestStackId } from '../model/names.js';
import type { CrdStore, JsonSchemaProps } from '../schema/crd-store.js';
import { applyDefaults } from '../schema/defaults.js';
import { synthStacks } from '../synth/synth.js';
import { registerCleanup } from '../util/cleanup.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import { convertDgdV1alpha1, isDgdV1alpha1 } from './dynamo-v1alpha1.js';
import { jsonDiff, type PatchOp, valueAt } from './json-patch.js';
import { dynamoDraft } from './dynamo-props.js';
import { isReservedKey, type ModelDraft } from './model-props.js';
import { rayDraft } from './ray-props.js';
import type { SourcedObject } from './read-objects.js';
import { stripServerFields } from './server-fields.js';
import { renderStackSource, type StackSourceModel } from './stack-source.js';

export interface ImportStackOptions {
  /** The stack file to write (TypeScript). */
  readonly out: string;
  /** Overwrite `out` when it exists. @default false */
  readonly force?: boolean;
  /** Name of the generated stack. @default "imported" */
  readonly stackName?: string;
  /** Module the generated file imports the constructs from. @default "modelstack" */
  readonly module?: string;
  /** How long each synth of the generated file may run. @default DEFAULT_APP_TIMEOUT_MS */
  readonly appTimeoutMs?: number;
  /** Random hex for the stackId (tests pass a fixed one). @default 4 random bytes */
  readonly randomHex?: string;
  /**
   * CRDs of the imported kinds: their schema defaults count as rendered, so a field the API
   * server defaulted on a live object is not kept as a patch. @default none (no defaults known)
   */
  readonly crds?: CrdStore;
}

/** One imported model: what became props, what stayed a patch, what could not be converted. */
export interface ImportedModel {
  /** `Kind namespace/name`. */
  readonly ref: string;
  readonly source: string;
  readonly construct: ModelDraft['construct'];
  /** "nvidia.com/v1alpha1 -> nvidia.com/v1beta1" when the object was converted. */
  readonly converted?: string;
  /** Paths the generated file keeps as JSON patches (what the props render differently). */
  readonly patches: readonly string[];
  /**
   * What a synth of the stack differs in from the object on purpose: fields of the live object
   * the server or a runtime wrote (removed), modelstack's own labels (added), fields the CRD
   * defaults (the API server writes them back). These are the differences a live diff shows.
   */
  readonly normalised: readonly string[];
  /** Fields that could not be carried over at all (a v1alpha1 field v1beta1 has no place for). */
  readonly notConverted: readonly string[];
  /** Props that could not be read from the object (placeholders in the file). */
  readonly notes: readonly string[];
}

export interface ImportStackResult {
  readonly out: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly models: readonly ImportedModel[];
  /**
   * Objects the generated stack renders that were not imported (the ConfigMaps DynamoModel
   * writes for TensorRT-LLM engine configs): an apply creates them, or adopts and overwrites
   * objects of the same name. Review them before applying.
   */
  readonly alsoRendered: readonly string[];
}

const SUPPORTED = 'DynamoGraphDeployment (nvidia.com/v1alpha1 or v1beta1) and RayService (ray.io/v1)';

function kindOf(o: KubeObject): 'dgd' | 'ray' | undefined {
  if (o.kind === 'DynamoGraphDeployment' && (o.apiVersion === 'nvidia.com/v1beta1' || o.apiVersion === 'nvidia.com/v1alpha1')) return 'dgd';
  if (o.kind === 'RayService' && o.apiVersion === 'ray.io/v1') return 'ray';
  return undefined;
}

interface Prepared {
  readonly original: KubeObject;
  readonly source: string;
  draft: ModelDraft;
  readonly converted?: string;
  readonly removed: readonly string[];
  readonly notConverted: readonly string[];
}

/** The object without metadata: what patches are computed over (metadata goes through props). */
function body(o: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = o;
  return rest;
}

/** Labels or annotations without modelstack's own keys. */
function ownKeys(m: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !isReservedKey(k)));
}

/**
 * Turns DynamoGraphDeployments and RayServices into a stack file of DynamoModel and RayModel
 * constructs. The props come from what the objects say about their models; the generated file is
 * synthesized (in a child process, as `synth` runs an app) and everything the props render
 * differently becomes a JSON patch on the construct's object, so a synth of the file gives back
 * the imported objects. A second synth checks that before the file is written.
 */
export async function importStack(objects: readonly SourcedObject[], opts: ImportStackOptions, io: IoHost): Promise<ImportStackResult> {
  const out = opts.out;
  if (existsSync(out) && !opts.force) {
    throw new ModelstackError('USAGE', `import: ${out} exists`, { hint: 'pass another --out, or --force to overwrite it' });
  }
  const stackName = opts.stackName ?? 'imported';
  if (!isDns1123Label(stackName)) {
    throw new ModelstackError('USAGE', `import: --stack-name ${JSON.stringify(stackName)} is not a valid stack name`, {
      hint: 'use at most 63 lower-case letters, digits and "-"',
    });
  }
  const unsupported = objects.filter((s) => kindOf(s.object) === undefined);
  if (unsupported.length > 0) {
    throw new ModelstackError('INVALID', `import: ${unsupported.length} object(s) of a kind import cannot convert`, {
      details: unsupported.map((s) => `${s.object.apiVersion} ${objectRef(s.object)} (${s.source})`),
      hint: `import converts ${SUPPORTED}; leave the others out of the input`,
    });
  }
  if (objects.length === 0) {
    throw new ModelstackError('NOT_FOUND', 'import: found no model to import', { hint: `the input must hold a ${SUPPORTED}` });
  }
  const prepared = prepare(objects);
  const stackId = suggestStackId(stackName, opts.randomHex ?? randomBytes(4).toString('hex'));
  const common = { stackName, stackId, module: opts.module ?? 'modelstack', sources: [...new Set(objects.map((o) => o.source))] };
  const models = (patches: ReadonlyMap<Prepared, PatchOp[]>): StackSourceModel[] =>
    prepared.map((p) => ({ draft: p.draft, patches: patches.get(p) ?? [], origin: `${objectRef(p.original)} (${p.source})` }));

  const schemaOf = (o: KubeObject): JsonSchemaProps | undefined => opts.crds?.schemaFor(o.apiVersion, o.kind);
  const defaulted = (o: KubeObject): Record<string, unknown> => {
    const schema = schemaOf(o);
    return body(schema ? applyDefaults(o, schema) : o);
  };

  // 1. The props alone, synthesized: what they render. Props the construct refuses (an object
  // shaped in a way the props' rules forbid) fall back to the model's basic props.
  let first: Awaited<ReturnType<typeof synthSource>>;
  try {
    first = await synthSource(renderStackSource({ ...common, models: models(new Map()) }), out, opts, io);
  } catch (e) {
    if (!(e instanceof ModelstackError) || !prepared.some((p) => p.draft.basic)) throw e;
    // The problems the construct reported (one line each), else the error's message.
    const why = (e.details?.length ? e.details : [e.message]).map((d) => d.replace(/\s+/g, ' ').trim()).join('; ');
    for (const p of prepared) {
      if (!p.draft.basic) continue;
      p.draft = {
        ...p.draft,
        props: p.draft.basic,
        notes: [
          ...p.draft.notes,
          `the construct refused the props read back from the object (${why}); the file uses the basic props and keeps the rest as JSON patches`,
        ],
      };
    }
    first = await synthSource(renderStackSource({ ...common, models: models(new Map()) }), out, opts, io);
  }
  const patches = new Map<Prepared, PatchOp[]>();
  const crdDefaults = new Map<Prepared, string[]>();
  for (const p of prepared) {
    const r = rendered(first, p);
    // A field the object has only because the CRD defaults it is what the API server writes for the rendered object too.
    const withDefaults = defaulted(r);
    const ops = jsonDiff(body(r), body(p.original));
    // Inside an atomic list or map the stack must write the defaulted value too: server-side apply
    // compares the whole value, and one without the default conflicts with the object's manager.
    const schema = schemaOf(r);
    const isDefault = (op: PatchOp): boolean =>
      op.op === 'add' && schema !== undefined && !underAtomic(schema, op.path) && deepEqual(valueAt(withDefaults, op.path), op.value);
    patches.set(
      p,
      ops.filter((op) => !isDefault(op)),
    );
    crdDefaults.set(
      p,
      ops.filter(isDefault).map((op) => `${op.path} (CRD default)`),
    );
  }
  // 2. With the patches: it must give back the objects (modelstack's labels and CRD defaults aside).
  const source = renderStackSource({ ...common, models: models(patches) });
  const second = await synthSource(source, out, opts, io);
  const result: ImportedModel[] = [];
  for (const p of prepared) {
    const r = rendered(second, p);
    const same =
      deepEqual(defaulted(r), defaulted(p.original)) &&
      deepEqual(ownKeys(r.metadata.labels), ownKeys(p.original.metadata.labels)) &&
      deepEqual(ownKeys(r.metadata.annotations), ownKeys(p.original.metadata.annotations));
    if (!same) {
      throw new ModelstackError('INTERNAL', `import: the generated stack does not render ${objectRef(p.original)} as imported`, {
        details: jsonDiff(defaulted(r), defaulted(p.original)).map((op) => `${op.op} ${op.path}`),
        hint: 'report this with the input; the props and patches should always give the object back',
      });
    }
    result.push({
      ref: objectRef(p.original),
      source: p.source,
      construct: p.draft.construct,
      ...(p.converted ? { converted: p.converted } : {}),
      patches: (patches.get(p) ?? []).map((op) => `${op.op} ${op.path}`),
      normalised: [...p.removed.map((f) => `${f} (removed)`), ...labelChanges(p.original, r), ...(crdDefaults.get(p) ?? [])],
      notConverted: p.notConverted,
      notes: p.draft.notes,
    });
  }
  const imported = new Set(prepared.map((p) => objectKey(withNamespace(p.original))));
  const alsoRendered = second
    .flatMap((st) => st.objects)
    .filter((o) => !imported.has(objectKey(o)))
    .map(objectRef);
  await writeFileAtomic(out, source);
  return { out, stackName, stackId, models: result, alsoRendered };
}

function prepare(objects: readonly SourcedObject[]): Prepared[] {
  const seen = new Map<string, string>();
  const names = new Map<string, number>();
  const ids = new Set<string>();
  for (const s of objects) names.set(s.object.metadata.name ?? '', (names.get(s.object.metadata.name ?? '') ?? 0) + 1);
  return objects.map((s) => {
    const { object: stripped, removed } = stripServerFields(s.object);
    const key = objectKey(stripped);
    if (seen.has(key)) {
      throw new ModelstackError('INVALID', `import: ${objectRef(stripped)} is in the input twice (${seen.get(key)} and ${s.source})`, {
        hint: 'pass each object once',
      });
    }
    seen.set(key, s.source);
    if (!stripped.metadata.name) {
      throw new ModelstackError('INVALID', `import: a ${stripped.kind} in ${s.source} has no metadata.name`, { hint: 'give every object its name' });
    }
    const v1alpha1 = isDgdV1alpha1(stripped);
    const conversion = v1alpha1 ? convertDgdV1alpha1(stripped) : { object: stripped, notConverted: [] };
    const original = conversion.object;
    const name = original.metadata.name!;
    // Construct ids are unique in the stack: the name, with namespace and kind when needed.
    let id = (names.get(name) ?? 0) > 1 ? `${name}-${original.metadata.namespace ?? 'default'}` : name;
    if (ids.has(id)) id = `${id}-${original.kind.toLowerCase()}`;
    for (let i = 2; ids.has(id); i++) id = `${id}-${i}`;
    ids.add(id);
    const draft = kindOf(original) === 'dgd' ? dynamoDraft(original, id) : rayDraft(original, id);
    return {
      original,
      source: s.source,
      draft,
      ...(v1alpha1 ? { converted: 'nvidia.com/v1alpha1 -> nvidia.com/v1beta1' } : {}),
      removed,
      notConverted: conversion.notConverted,
    };
  });
}

/**
 * Whether a JSON pointer of an object body goes through an atomic list or map of the schema (a
 * list without x-kubernetes-list-type map or set is atomic for server-side apply, as is a map
 * marked x-kubernetes-map-type atomic).
 */
function underAtomic(schema: JsonSchemaProps, pointer: string): boolean {
  let at: JsonSchemaProps | undefined = schema;
  const segments = pointer.split('/').slice(1);
  for (const [i, raw] of segments.entries()) {
    if (at === undefined) return false;
    if (at['x-kubernetes-map-type'] === 'atomic') return true;
    const last = i === segments.length - 1;
    if (at.type === 'array') {
      const listType = at['x-kubernetes-list-type'];
      if (!last && listType !== 'map' && listType !== 'set') return true;
      at = at.items;
      continue;
    }
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = at.properties?.[key] ?? (typeof at.additionalProperties === 'object' ? at.additionalProperties : undefined);
  }
  return false;
}

function withNamespace(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? 'default' } };
}

function rendered(stacks: readonly { objects: readonly KubeObject[] }[], p: Prepared): KubeObject {
  const key = objectKey(withNamespace(p.original));
  const found = stacks.flatMap((s) => s.objects).find((o) => objectKey(o) === key);
  if (!found) {
    throw new ModelstackError('INTERNAL', `import: the generated stack renders no ${objectRef(p.original)}`, {
      hint: 'report this with the input',
    });
  }
  return found;
}

/** modelstack's labels the stack writes that the imported object did not carry (or carried with another value). */
function labelChanges(original: KubeObject, r: KubeObject): string[] {
  const before = original.metadata.labels ?? {};
  const out: string[] = [];
  for (const [k, v] of Object.entries(r.metadata.labels ?? {})) {
    if (!isReservedKey(k) || before[k] === v) continue;
    out.push(before[k] === undefined ? `metadata.labels["${k}"]: ${v} (added)` : `metadata.labels["${k}"]: ${before[k]} -> ${v} (modelstack's label)`);
  }
  for (const k of Object.keys(before)) if (isReservedKey(k) && !(k in (r.metadata.labels ?? {}))) out.push(`metadata.labels["${k}"] (removed)`);
  return out;
}

/** Synthesizes stack source written next to `out` (so its imports resolve as the file's will), then removes it. */
async function synthSource(source: string, out: string, opts: ImportStackOptions, io: IoHost) {
  const dir = dirname(out);
  const file = join(dir, `.${basename(out).replace(/\.[cm]?ts$/, '')}.import-${randomBytes(4).toString('hex')}.ts`);
  const cleanup = registerCleanup(() => rm(file, { force: true }));
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, source);
    return await synthStacks({ app: `npx tsx '${basename(file)}'`, cwd: dir, appTimeoutMs: opts.appTimeoutMs }, io);
  } finally {
    await cleanup.run();
  }
}
