/**
 * Generates type-only TypeScript for one served version of a CRD from its openAPIV3Schema. Object
 * types are named by their path (`DynamoGraphDeploymentSpecComponents`); field descriptions are
 * never emitted. The output depends only on the schema and the header inputs, so the same CRD file
 * always gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelstackError } from '../errors.js';
import { type CustomResourceDefinition, type JsonSchemaProps, parseCrdText } from './crd-store.js';

/** Above this size a generated file is regenerated with identical object types shared. */
export const DEDUPE_THRESHOLD_BYTES = 1_500_000;

export interface TypegenInput {
  readonly crd: CustomResourceDefinition;
  /** The served version to generate, e.g. v1beta1. */
  readonly version: string;
  /** The CRD file as named in the header, relative to the CRD directory. */
  readonly source: string;
  /** sha256 (hex) of the CRD file. */
  readonly sha256: string;
  /** Share one named type between identical object sub-schemas; 'auto' (default) only above the size threshold. */
  readonly dedupe?: boolean | 'auto';
}

export interface TypegenResult {
  readonly text: string;
  readonly typeCount: number;
  readonly deduplicated: boolean;
}

/** One file under imports/ and the CRD it is generated from. */
export interface ImportTarget {
  /** File name under imports/, e.g. nvidia.com.ts. */
  readonly file: string;
  /** CRD file relative to the CRD directory. */
  readonly source: string;
  readonly kind: string;
  readonly version: string;
}

export const IMPORT_TARGETS: readonly ImportTarget[] = [
  {
    file: 'nvidia.com.ts',
    source: 'dynamo/nvidia.com_dynamographdeployments.yaml',
    kind: 'DynamoGraphDeployment',
    version: 'v1beta1',
  },
  { file: 'ray.io.ts', source: 'kuberay/ray.io_rayservices.yaml', kind: 'RayService', version: 'v1' },
  { file: 'monitoring.coreos.com-podmonitor.ts', source: 'prometheus-operator/monitoring.coreos.com_podmonitors.yaml', kind: 'PodMonitor', version: 'v1' },
  {
    file: 'monitoring.coreos.com-servicemonitor.ts',
    source: 'prometheus-operator/monitoring.coreos.com_servicemonitors.yaml',
    kind: 'ServiceMonitor',
    version: 'v1',
  },
];

const OBJECT_META = [
  'export interface ObjectMeta {',
  '  name?: string;',
  '  generateName?: string;',
  '  namespace?: string;',
  '  labels?: { [key: string]: string };',
  '  annotations?: { [key: string]: string };',
  '  finalizers?: string[];',
  '}',
].join('\n');

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pascal(key: string): string {
  return key
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

/** The schema without descriptions, as canonical JSON (sorted keys): the identity used for dedupe. */
function fingerprint(schema: JsonSchemaProps): string {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== 'object' || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) if (k !== 'description') out[k] = walk((x as Record<string, unknown>)[k]);
    return out;
  };
  return createHash('sha256')
    .update(JSON.stringify(walk(schema)))
    .digest('hex');
}

function union(types: readonly string[]): string {
  return [...new Set(types)].join(' | ');
}

/** Whether a type expression has a `|` outside any brackets, so it needs parentheses before `[]`. */
function isUnion(type: string): boolean {
  let depth = 0;
  for (const ch of type) {
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    else if (ch === ')' || ch === '}' || ch === ']') depth--;
    else if (ch === '|' && depth === 0) return true;
  }
  return false;
}

function arrayOf(type: string): string {
  return isUnion(type) ? `(${type})[]` : `${type}[]`;
}

class Generator {
  private readonly decls: string[] = [];
  private readonly used = new Set<string>(['ObjectMeta']);
  private readonly shared = new Map<string, string>();

  public constructor(private readonly dedupe: boolean) {}

  public get declarations(): readonly string[] {
    return this.decls;
  }

  private reserve(name: string): { readonly name: string; readonly slot: number } {
    let unique = name;
    for (let n = 2; this.used.has(unique); n++) unique = `${name}${n}`;
    this.used.add(unique);
    this.decls.push('');
    return { name: unique, slot: this.decls.length - 1 };
  }

  public type(schema: JsonSchemaProps, name: string): string {
    const base = this.baseType(schema, name);
    return schema.nullable === true && base !== 'unknown' ? `${base} | null` : base;
  }

  private baseType(schema: JsonSchemaProps, name: string): string {
    if (schema['x-kubernetes-int-or-string'] === true) return 'number | string';
    const enumType = schema.enum !== undefined && schema.enum.length > 0 ? union(schema.enum.map(literal)) : undefined;
    switch (schema.type) {
      case 'string':
        return enumType ?? 'string';
      case 'integer':
      case 'number':
        return enumType ?? 'number';
      case 'boolean':
        return enumType ?? 'boolean';
      case 'array':
        return schema.items === undefined ? 'unknown[]' : arrayOf(this.type(schema.items, name));
      case 'object':
        return this.objectType(schema, name);
      default:
        if (schema.properties !== undefined || schema.additionalProperties !== undefined) {
          return this.objectType(schema, name);
        }
        if (schema.anyOf !== undefined && schema.anyOf.length > 0) {
          return union(schema.anyOf.map((b) => this.type(b, name)));
        }
        return 'unknown';
    }
  }

  private objectType(schema: JsonSchemaProps, name: string): string {
    const props = Object.entries(schema.properties ?? {});
    const open = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    if (props.length === 0 && !embedded) {
      if (typeof schema.additionalProperties === 'object') {
        return `{ [key: string]: ${this.type(schema.additionalProperties, name)} }`;
      }
      return open ? '{ [key: string]: unknown }' : '{ [key: string]: never }';
    }
    const id = this.dedupe ? fingerprint(schema) : undefined;
    const known = id === undefined ? undefined : this.shared.get(id);
    if (known !== undefined) return known;
    const { name: unique, slot } = this.reserve(name);
    if (id !== undefined) this.shared.set(id, unique);
    const required = new Set(schema.required ?? []);
    const lines = [`export interface ${unique} {`];
    if (embedded) {
      for (const [key, type] of [
        ['apiVersion', 'string'],
        ['kind', 'string'],
        ['metadata', 'ObjectMeta'],
      ] as const) {
        if (schema.properties?.[key] === undefined) lines.push(`  ${key}?: ${type};`);
      }
    }
    for (const [key, prop] of props) {
      const optional = required.has(key) ? '' : '?';
      lines.push(`  ${propertyKey(key)}${optional}: ${this.type(prop, unique + pascal(key))};`);
    }
    if (typeof schema.additionalProperties === 'object') {
      lines.push(`  [key: string]: ${this.type(schema.additionalProperties, `${unique}Value`)};`);
    } else if (open) {
      lines.push('  [key: string]: unknown;');
    }
    lines.push('}');
    this.decls[slot] = lines.join('\n');
    return unique;
  }

  /** The resource's own interface: apiVersion and kind as literals, our ObjectMeta, spec required. */
  public root(schema: JsonSchemaProps, kind: string, apiVersion: string): void {
    const { name, slot } = this.reserve(kind);
    const lines = [`export interface ${name} {`, `  apiVersion: ${literal(apiVersion)};`, `  kind: ${literal(kind)};`, '  metadata: ObjectMeta;'];
    const required = new Set(schema.required ?? []);
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const optional = key === 'spec' || required.has(key) ? '' : '?';
      lines.push(`  ${propertyKey(key)}${optional}: ${this.type(prop, name + pascal(key))};`);
    }
    lines.push('}');
    this.decls[slot] = lines.join('\n');
  }
}

function header(input: TypegenInput, kind: string): string {
  return [
    '/*',
    ` * Generated by \`npm run import\` (scripts/gen-imports.ts) from the CRD file ${input.source}`,
    ` * (sha256 ${input.sha256}), ${kind} version ${input.version}.`,
    ' * Types only; field descriptions are left out. Do not edit: change the CRD file and regenerate.',
    ' */',
  ].join('\n');
}

function render(input: TypegenInput, schema: JsonSchemaProps, dedupe: boolean): TypegenResult {
  const { kind } = input.crd.spec.names;
  const generator = new Generator(dedupe);
  generator.root(schema, kind, `${input.crd.spec.group}/${input.version}`);
  const parts = [header(input, kind), OBJECT_META, ...generator.declarations];
  return { text: `${parts.join('\n\n')}\n`, typeCount: generator.declarations.length + 1, deduplicated: dedupe };
}

/** TypeScript declarations for one served version of a CRD. */
export function generateTypes(input: TypegenInput): TypegenResult {
  const version = input.crd.spec.versions.find((v) => v.name === input.version);
  const schema = version?.schema?.openAPIV3Schema;
  if (schema === undefined) {
    throw new ModelstackError('SCHEMA', `${input.source} has no schema for version ${input.version}`, {
      hint: `served versions: ${input.crd.spec.versions.map((v) => v.name).join(', ')}`,
    });
  }
  const mode = input.dedupe ?? 'auto';
  if (mode !== 'auto') return render(input, schema, mode);
  const plain = render(input, schema, false);
  return Buffer.byteLength(plain.text) > DEDUPE_THRESHOLD_BYTES ? render(input, schema, true) : plain;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads a target's CRD file from the CRD directory and generates its imports/ file text. */
export function generateImport(crdsDir: string, target: ImportTarget, dedupe: boolean | 'auto' = 'auto'): TypegenResult {
  const path = join(crdsDir, target.source);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelstackError('CRDS_NOT_FOUND', `cannot read ${path}`, {
      hint: 'set MODELSTACK_CRDS_DIR or pass --crds DIR',
      cause: e,
    });
  }
  const crd = parseCrdText(bytes.toString('utf8'), target.source).find((c) => c.spec.names.kind === target.kind);
  if (crd === undefined) {
    throw new ModelstackError('SCHEMA', `${target.source} holds no CRD of kind ${target.kind}`, {
      hint: 'the CRD directory should hold unmodified upstream CRD files',
    });
  }
  return generateTypes({ crd, version: target.version, source: target.source, sha256: sha256Hex(bytes), dedupe });
}
