/**
 * Offline validation of a custom resource against its CRD's structural openAPIV3Schema: the value
 * checks kube-apiserver performs (types, required, enum, pattern, lengths, bounds, formats, list
 * types, anyOf/allOf/oneOf/not), plus a report of every field the apiserver would silently prune.
 * CEL rules (x-kubernetes-validations) are not evaluated; they are only counted, since a live
 * server checks them.
 */
import type { CrdStore, JsonSchemaProps } from './crd-store.js';
import { applyDefaults } from './defaults.js';

export interface SchemaIssue {
  /** Where the problem is, e.g. `spec.components[1].replicas` or `metadata.labels[app]`; '' is the object itself. */
  readonly path: string;
  readonly message: string;
  readonly value?: unknown;
}

export interface SchemaCheck {
  readonly issues: readonly SchemaIssue[];
  /** CEL rules on the visited parts of the schema that were not evaluated. */
  readonly skippedCelRules: number;
}

export interface ObjectValidation extends SchemaCheck {
  /** The object with the schema defaults applied (the input itself when no schema was found). */
  readonly defaulted: unknown;
}

type JsonObject = { readonly [key: string]: unknown };

interface Context {
  readonly issues: SchemaIssue[];
  /** False inside anyOf/allOf/oneOf/not branches: those only add value checks to the skeleton. */
  readonly reportUnknown: boolean;
  celRules: number;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64 = { min: -(2 ** 63), below: 2 ** 63 };

/** ObjectMeta fields a client may send; anything else under metadata would be dropped. */
const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const EMBEDDED_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata']);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return true;
  }
}

/** JSON with object keys sorted: equal values give equal strings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function entry(path: string, key: string): string {
  return `${path}[${key}]`;
}

const patternCache = new Map<string, RegExp | null>();

/** The pattern as a JS RegExp ('u' flag, falling back to none for escapes 'u' rejects); null if unusable. */
function compilePattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re !== undefined) return re;
  re = null;
  for (const flags of ['u', '']) {
    try {
      re = new RegExp(pattern, flags);
      break;
    } catch {
      // try the next flag set
    }
  }
  patternCache.set(pattern, re);
  return re;
}

function report(ctx: Context, path: string, message: string, value?: unknown): void {
  ctx.issues.push(value === undefined ? { path, message } : { path, message, value });
}

function checkString(value: string, schema: JsonSchemaProps, path: string, ctx: Context): void {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    report(ctx, path, `must be at least ${schema.minLength} characters long`, value);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    report(ctx, path, `must be at most ${schema.maxLength} characters long`, value);
  }
  if (schema.pattern !== undefined) {
    const re = compilePattern(schema.pattern);
    if (re !== null && !re.test(value)) report(ctx, path, `must match pattern ${schema.pattern}`, value);
  }
  const format = schema.format?.toLowerCase().replace(/[-_]/g, '');
  if (format === 'datetime' && !DATE_TIME.test(value)) {
    report(ctx, path, 'must be a date-time (RFC 3339)', value);
  } else if (format === 'date' && !DATE.test(value)) {
    report(ctx, path, 'must be a date (YYYY-MM-DD)', value);
  }
}

function checkNumber(value: number, schema: JsonSchemaProps, path: string, ctx: Context): void {
  if (Number.isInteger(value)) {
    if (schema.format === 'int32' && (value < INT32.min || value > INT32.max)) {
      report(ctx, path, 'must fit in a 32-bit signed integer (int32)', value);
    } else if (schema.format === 'int64' && (value < INT64.min || value >= INT64.below)) {
      report(ctx, path, 'must fit in a 64-bit signed integer (int64)', value);
    }
  }
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum) {
      const op = schema.exclusiveMinimum === true ? 'greater than' : 'greater than or equal to';
      report(ctx, path, `must be ${op} ${schema.minimum}`, value);
    }
  }
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum) {
      const op = schema.exclusiveMaximum === true ? 'less than' : 'less than or equal to';
      report(ctx, path, `must be ${op} ${schema.maximum}`, value);
    }
  }
  if (schema.multipleOf !== undefined && schema.multipleOf > 0) {
    const q = value / schema.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) report(ctx, path, `must be a multiple of ${schema.multipleOf}`, value);
  }
}

function listMapKey(item: unknown, keys: readonly string[]): string {
  return keys.map((k) => `${k}=${isObject(item) && item[k] !== undefined ? show(item[k]) : '<missing>'}`).join(', ');
}

function checkArray(value: readonly unknown[], schema: JsonSchemaProps, path: string, ctx: Context): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    report(ctx, path, `must have at least ${schema.minItems} items`);
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    report(ctx, path, `must have at most ${schema.maxItems} items`);
  }
  const listType = schema['x-kubernetes-list-type'];
  const mapKeys = schema['x-kubernetes-list-map-keys'] ?? [];
  const byKey = listType === 'map' && mapKeys.length > 0;
  if (schema.uniqueItems === true || listType === 'set' || byKey) {
    const seen = new Set<string>();
    for (const [i, item] of value.entries()) {
      const keyOf = (k: string): unknown => (isObject(item) ? item[k] : undefined) ?? null;
      const id = byKey ? canonical(mapKeys.map(keyOf)) : canonical(item);
      if (seen.has(id)) {
        const what = byKey ? `entry with key ${listMapKey(item, mapKeys)}` : `value ${show(item)}`;
        report(ctx, entry(path, String(i)), `duplicate ${what}`);
      }
      seen.add(id);
    }
  }
  if (schema.items !== undefined) {
    for (const [i, item] of value.entries()) validateNode(item, schema.items, entry(path, String(i)), ctx);
  }
}

function checkStringMap(value: unknown, path: string, ctx: Context): void {
  if (!isObject(value)) {
    report(ctx, path, `must be of type object, got ${jsonType(value)}`, value);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') report(ctx, entry(path, k), `must be of type string, got ${jsonType(v)}`, v);
  }
}

/**
 * Object metadata at the root or of an embedded resource: checked for shape only, as the apiserver
 * validates it separately.
 */
function checkMetadata(value: unknown, schema: JsonSchemaProps | undefined, path: string, ctx: Context): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    report(ctx, path, `must be of type object, got ${jsonType(value)}`, value);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = child(path, key);
    if (!OBJECT_META_FIELDS.has(key)) {
      if (ctx.reportUnknown) report(ctx, at, `unknown field "${key}"`);
    } else if (['name', 'generateName', 'namespace'].includes(key)) {
      if (typeof v !== 'string') report(ctx, at, `must be of type string, got ${jsonType(v)}`, v);
      else if (key !== 'namespace' && schema?.properties?.[key] !== undefined) {
        validateNode(v, schema.properties[key], at, ctx);
      }
    } else if (key === 'labels' || key === 'annotations') {
      checkStringMap(v, at, ctx);
    } else if (key === 'finalizers' && !(Array.isArray(v) && v.every((f) => typeof f === 'string'))) {
      report(ctx, at, 'must be an array of strings', v);
    }
  }
}

function checkObject(value: JsonObject, schema: JsonSchemaProps, path: string, ctx: Context, root: boolean): void {
  const count = Object.keys(value).filter((k) => value[k] !== undefined).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    report(ctx, path, `must have at least ${schema.minProperties} properties`);
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    report(ctx, path, `must have at most ${schema.maxProperties} properties`);
  }
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) report(ctx, child(path, name), 'is required');
  }
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const extra = schema.additionalProperties;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if ((root || embedded) && key === 'metadata') {
      checkMetadata(v, schema.properties?.metadata, child(path, key), ctx);
      continue;
    }
    const prop = schema.properties?.[key];
    if (prop !== undefined) {
      validateNode(v, prop, child(path, key), ctx);
    } else if (typeof extra === 'object') {
      validateNode(v, extra, entry(path, key), ctx);
    } else if ((root || embedded) && EMBEDDED_FIELDS.has(key)) {
      // apiVersion and kind are part of every object, whether or not its schema declares them.
      if (typeof v !== 'string') report(ctx, child(path, key), `must be of type string, got ${jsonType(v)}`, v);
    } else if (extra !== true && !preserve && ctx.reportUnknown) {
      report(ctx, child(path, key), `unknown field "${key}"`);
    }
  }
}

/** Issues of one junctor branch: value checks only, no unknown-field reports, no CEL counting. */
function branchIssues(value: unknown, schema: JsonSchemaProps, path: string): SchemaIssue[] {
  const ctx: Context = { issues: [], reportUnknown: false, celRules: 0 };
  validateNode(value, schema, path, ctx);
  return ctx.issues;
}

function checkJunctors(value: unknown, schema: JsonSchemaProps, path: string, ctx: Context): void {
  for (const branch of schema.allOf ?? []) ctx.issues.push(...branchIssues(value, branch, path));
  if (schema.anyOf !== undefined && schema.anyOf.length > 0) {
    const results = schema.anyOf.map((b) => branchIssues(value, b, path));
    if (results.every((r) => r.length > 0)) {
      const why = results.map((r) => r[0]?.message).join('; ');
      report(ctx, path, `must match at least one of the allowed schemas (anyOf): ${why}`, value);
    }
  }
  if (schema.oneOf !== undefined && schema.oneOf.length > 0) {
    const passing = schema.oneOf.filter((b) => branchIssues(value, b, path).length === 0).length;
    if (passing !== 1) {
      report(ctx, path, `must match exactly one of the allowed schemas (oneOf), matches ${passing}`, value);
    }
  }
  if (schema.not !== undefined && branchIssues(value, schema.not, path).length === 0) {
    report(ctx, path, 'must not match the schema under "not"', value);
  }
}

function validateNode(value: unknown, schema: JsonSchemaProps, path: string, ctx: Context, root = false): void {
  if (value === undefined) return;
  const cel = schema['x-kubernetes-validations'];
  if (cel !== undefined && ctx.reportUnknown) ctx.celRules += cel.length;

  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (value === null) {
    if (schema.nullable === true) return;
    if (schema.type !== undefined || intOrString) {
      report(ctx, path, `must be of type ${intOrString ? 'integer or string' : schema.type}, got null`, value);
    }
    return;
  }
  if (intOrString && !(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
    report(ctx, path, `must be an integer or a string, got ${jsonType(value)}`, value);
    return;
  }
  if (schema.type !== undefined && !typeMatches(schema.type, value)) {
    report(ctx, path, `must be of type ${schema.type}, got ${jsonType(value)}`, value);
    return;
  }
  if (schema.enum !== undefined && schema.enum.length > 0) {
    const id = canonical(value);
    if (!schema.enum.some((e) => canonical(e) === id)) {
      const supported = schema.enum.map(show).join(', ');
      report(ctx, path, `unsupported value ${show(value)}; supported values: ${supported}`, value);
    }
  }
  if (typeof value === 'string') checkString(value, schema, path, ctx);
  else if (typeof value === 'number') checkNumber(value, schema, path, ctx);
  else if (Array.isArray(value)) checkArray(value, schema, path, ctx);
  else if (isObject(value)) checkObject(value, schema, path, ctx, root);
  checkJunctors(value, schema, path, ctx);
}

/** Validates `obj` against a schema without defaulting; also counts the CEL rules left unchecked. */
export function checkAgainstSchema(obj: unknown, schema: JsonSchemaProps): SchemaCheck {
  const ctx: Context = { issues: [], reportUnknown: true, celRules: 0 };
  validateNode(obj, schema, '', ctx, true);
  return { issues: ctx.issues, skippedCelRules: ctx.celRules };
}

/** The issues of `obj` against a CRD version's openAPIV3Schema (no defaulting; see validateObject). */
export function validateAgainstSchema(obj: unknown, schema: JsonSchemaProps): SchemaIssue[] {
  return [...checkAgainstSchema(obj, schema).issues];
}

/**
 * Looks up the schema for the object's apiVersion and kind, applies its defaults as the apiserver
 * would, and validates the defaulted object.
 */
export function validateObject(obj: unknown, store: CrdStore): ObjectValidation {
  if (!isObject(obj)) {
    const issues = [{ path: '', message: `must be an object, got ${jsonType(obj)}` }];
    return { issues, defaulted: obj, skippedCelRules: 0 };
  }
  const { apiVersion, kind } = obj;
  const missing: SchemaIssue[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') missing.push({ path: 'apiVersion', message: 'is required' });
  if (typeof kind !== 'string' || kind === '') missing.push({ path: 'kind', message: 'is required' });
  if (missing.length > 0 || typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return { issues: missing, defaulted: obj, skippedCelRules: 0 };
  }
  const schema = store.schemaFor(apiVersion, kind);
  if (schema === undefined) {
    return {
      issues: [{ path: '', message: `no CRD for apiVersion ${apiVersion} kind ${kind}` }],
      defaulted: obj,
      skippedCelRules: 0,
    };
  }
  const defaulted = applyDefaults(obj, schema);
  return { ...checkAgainstSchema(defaulted, schema), defaulted };
}
