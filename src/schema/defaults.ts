/**
 * Structural-schema defaulting as kube-apiserver performs it when it decodes a custom resource:
 * first nulls of non-nullable fields without a default are dropped, then every missing (or null,
 * non-nullable) property of an object that is present gets its schema default, recursively through
 * properties, array items and additionalProperties. Fields the schema does not describe (for
 * example under x-kubernetes-preserve-unknown-fields) are left alone.
 */
import type { JsonSchemaProps } from './crd-store.js';

type JsonObject = { [key: string]: unknown };

function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A deep copy of a JSON-like value (plain objects, arrays, scalars). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneJson(v)) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = cloneJson(v);
    return out as T;
  }
  return value;
}

function additional(schema: JsonSchemaProps): JsonSchemaProps | undefined {
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function hasDefault(schema: JsonSchemaProps | undefined): schema is JsonSchemaProps & { default: unknown } {
  return schema !== undefined && schema.default !== undefined && schema.default !== null;
}

/** null in a place that is not nullable and has no default to take its place: the apiserver drops it. */
function droppableNull(value: unknown, schema: JsonSchemaProps): boolean {
  return value === null && schema.nullable !== true && !hasDefault(schema);
}

/** null in a place that is not nullable but has a default: the apiserver replaces it with the default. */
function defaultableNull(value: unknown, schema: JsonSchemaProps | undefined): schema is JsonSchemaProps {
  return value === null && schema !== undefined && schema.nullable !== true && hasDefault(schema);
}

function pruneNulls(value: unknown, schema: JsonSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) pruneNulls(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const extra = additional(schema);
  for (const [key, child] of Object.entries(value)) {
    const prop = schema.properties?.[key] ?? extra;
    if (prop === undefined) continue;
    if (droppableNull(child, prop)) delete value[key];
    else pruneNulls(child, prop);
  }
}

function defaultInPlace(value: unknown, schema: JsonSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      if (defaultableNull(item, schema.items)) value[i] = cloneJson(schema.items.default);
      defaultInPlace(item, schema.items);
    }
    return;
  }
  if (!isObject(value)) return;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (!hasDefault(prop)) continue;
    if (!(key in value) || value[key] === undefined || defaultableNull(value[key], prop)) {
      value[key] = cloneJson(prop.default);
    }
  }
  const extra = additional(schema);
  for (const [key, child] of Object.entries(value)) {
    const prop = schema.properties?.[key];
    if (prop !== undefined) {
      defaultInPlace(child, prop);
    } else if (extra !== undefined) {
      if (defaultableNull(child, extra)) value[key] = cloneJson(extra.default);
      defaultInPlace(child, extra);
    }
  }
}

/** A deep copy of `obj` with the schema's defaults applied (and droppable nulls removed). */
export function applyDefaults<T>(obj: T, schema: JsonSchemaProps): T {
  const copy = cloneJson(obj);
  pruneNulls(copy, schema);
  defaultInPlace(copy, schema);
  return copy;
}
