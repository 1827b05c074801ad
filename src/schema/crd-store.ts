/**
 * Loads CustomResourceDefinitions (from files, or as objects read from a live cluster) and answers
 * "which openAPIV3Schema governs apiVersion X, kind Y".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ModelstackError, errorMessage } from '../errors.js';

/** The subset of an OpenAPI v3 schema (apiextensions JSONSchemaProps) that structural CRD schemas use. */
export interface JsonSchemaProps {
  readonly type?: string;
  readonly format?: string;
  readonly description?: string;
  readonly nullable?: boolean;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly required?: readonly string[];
  readonly properties?: { readonly [name: string]: JsonSchemaProps };
  readonly additionalProperties?: JsonSchemaProps | boolean;
  readonly items?: JsonSchemaProps;
  readonly anyOf?: readonly JsonSchemaProps[];
  readonly allOf?: readonly JsonSchemaProps[];
  readonly oneOf?: readonly JsonSchemaProps[];
  readonly not?: JsonSchemaProps;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-validations'?: readonly { readonly rule: string; readonly message?: string }[];
}

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly deprecated?: boolean;
  readonly schema?: { readonly openAPIV3Schema?: JsonSchemaProps };
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition, as much of it as modelstack reads. */
export interface CustomResourceDefinition {
  readonly apiVersion: string;
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly spec: {
    readonly group: string;
    readonly scope: string;
    readonly names: { readonly kind: string; readonly plural: string; readonly [key: string]: unknown };
    readonly versions: readonly CrdVersion[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export interface CrdStore {
  /** Every CRD loaded, in load order, for installing into a cluster. */
  readonly crds: readonly CustomResourceDefinition[];
  /** The openAPIV3Schema of a served version, or undefined when no CRD serves apiVersion/kind. */
  schemaFor(apiVersion: string, kind: string): JsonSchemaProps | undefined;
  crdFor(group: string, kind: string): CustomResourceDefinition | undefined;
  /** The file a CRD was read from (relative to the loaded directory), when it came from a file. */
  sourceOf(crd: CustomResourceDefinition): string | undefined;
}

export interface LoadCrdsOptions {
  /** Only read files whose path relative to the directory passes this test. */
  readonly include?: (relativePath: string) => boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Splits `group/version` (or a core `version`) into its parts. */
export function splitApiVersion(apiVersion: string): { readonly group: string; readonly version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function isCrdLike(x: unknown): boolean {
  return isRecord(x) && x.kind === 'CustomResourceDefinition' && typeof x.apiVersion === 'string' && x.apiVersion.startsWith('apiextensions.k8s.io/');
}

/**
 * Checks that an object (e.g. one read from the API server) is a usable v1 CRD and returns it typed.
 * Throws a SCHEMA error naming the first missing part.
 */
export function crdFromObject(obj: unknown, origin = 'object'): CustomResourceDefinition {
  const fail = (what: string): never => {
    throw new ModelstackError('SCHEMA', `${origin} is not a usable CustomResourceDefinition: ${what}`, {
      hint: 'only apiextensions.k8s.io/v1 CRDs with spec.group, spec.names.kind and spec.versions are supported',
    });
  };
  if (!isRecord(obj) || obj.kind !== 'CustomResourceDefinition') return fail('kind is not CustomResourceDefinition');
  if (obj.apiVersion !== 'apiextensions.k8s.io/v1') {
    return fail(`apiVersion ${String(obj.apiVersion)} is not apiextensions.k8s.io/v1`);
  }
  if (!isRecord(obj.metadata) || typeof obj.metadata.name !== 'string') return fail('metadata.name is missing');
  const spec = obj.spec;
  if (!isRecord(spec) || typeof spec.group !== 'string') return fail('spec.group is missing');
  if (!isRecord(spec.names) || typeof spec.names.kind !== 'string') return fail('spec.names.kind is missing');
  if (!Array.isArray(spec.versions)) return fail('spec.versions is missing');
  for (const [i, v] of spec.versions.entries()) {
    if (!isRecord(v) || typeof v.name !== 'string') return fail(`spec.versions[${i}].name is missing`);
    if (v.schema !== undefined && !isRecord(v.schema)) return fail(`spec.versions[${i}].schema is not an object`);
  }
  return obj as unknown as CustomResourceDefinition;
}

/** A store over CRDs already in memory (e.g. read from a live cluster). Earlier entries win on clashes. */
export function crdStoreOf(crds: readonly CustomResourceDefinition[], sources: ReadonlyMap<CustomResourceDefinition, string> = new Map()): CrdStore {
  const byGroupKind = new Map<string, CustomResourceDefinition>();
  for (const crd of crds) {
    const key = `${crd.spec.group}/${crd.spec.names.kind}`;
    if (!byGroupKind.has(key)) byGroupKind.set(key, crd);
  }
  const crdFor = (group: string, kind: string): CustomResourceDefinition | undefined => byGroupKind.get(`${group}/${kind}`);
  return {
    crds,
    crdFor,
    schemaFor(apiVersion, kind) {
      const { group, version } = splitApiVersion(apiVersion);
      const crd = crdFor(group, kind);
      const served = crd?.spec.versions.find((v) => v.name === version && v.served !== false);
      return served?.schema?.openAPIV3Schema;
    },
    sourceOf: (crd) => sources.get(crd),
  };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const entries = readdirSync(dir, { withFileTypes: true }).sort(byName);
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full));
    else if (e.isFile() && /\.(ya?ml|json)$/i.test(e.name)) out.push(full);
  }
  return out;
}

/** Every CRD document in one file's text (YAML, multi-document YAML or JSON). */
export function parseCrdText(text: string, origin: string): CustomResourceDefinition[] {
  const out: CustomResourceDefinition[] = [];
  if (/\.json$/i.test(origin)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ModelstackError('SCHEMA', `cannot parse ${origin}: ${errorMessage(e)}`, {
        hint: 'the CRD directory should hold unmodified upstream CRD files',
      });
    }
    return crdsIn(value, origin);
  }
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const [i, doc] of list.entries()) {
    if (doc.errors.length > 0) {
      throw new ModelstackError('SCHEMA', `cannot parse ${origin}: ${doc.errors[0]?.message ?? 'invalid YAML'}`, {
        hint: 'the CRD directory should hold unmodified upstream CRD files',
      });
    }
    const value: unknown = doc.toJS({ maxAliasCount: -1 });
    out.push(...crdsIn(value, list.length > 1 ? `${origin} (document ${i + 1})` : origin));
  }
  return out;
}

/** The CRDs in one parsed document: the document itself, or the items of a List. */
function crdsIn(value: unknown, origin: string): CustomResourceDefinition[] {
  const items = isRecord(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
  return items.filter(isCrdLike).map((item) => crdFromObject(item, origin));
}

/** Reads every *.yaml, *.yml and *.json under `dir` (recursively, in name order) and keeps the CRDs. */
export async function loadCrds(dir: string, options: LoadCrdsOptions = {}): Promise<CrdStore> {
  const crds: CustomResourceDefinition[] = [];
  const sources = new Map<CustomResourceDefinition, string>();
  let files: string[];
  try {
    files = listFiles(dir);
  } catch (e) {
    throw new ModelstackError('CRDS_NOT_FOUND', `cannot read CRD directory ${dir}: ${errorMessage(e)}`, {
      hint: 'set MODELSTACK_CRDS_DIR or pass --crds DIR',
      cause: e,
    });
  }
  for (const file of files) {
    const rel = relative(dir, file);
    if (options.include !== undefined && !options.include(rel)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ModelstackError('IO', `cannot read ${file}: ${errorMessage(e)}`, { cause: e });
    }
    for (const crd of parseCrdText(text, rel)) {
      crds.push(crd);
      sources.set(crd, rel);
    }
    // Parsing large files is CPU-bound; yield between files so callers stay responsive.
    await new Promise<void>((r) => setImmediate(r));
  }
  return crdStoreOf(crds, sources);
}
