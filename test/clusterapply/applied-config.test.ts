import { APPLIED_HASH, unchangedByApply, withAppliedHash } from '../../src/clusterapply/applied-config.js';
import type { KubeObject } from '../../src/model/kube-object.js';

const MANAGER = 'modelstack/s';

const desired = {
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: { name: 't', namespace: 'ns', labels: { a: 'b' } },
  spec: { size: 2, opts: { x: true }, items: [{ name: 'one', v: 1 }] },
} as unknown as KubeObject;

/** What the server holds after applying `body` as MANAGER: server fields, defaults, our managedFields entry. */
function liveAfter(body: KubeObject, fields?: unknown): KubeObject {
  const b = body as unknown as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  return {
    ...body,
    metadata: {
      ...b.metadata,
      uid: 'u',
      resourceVersion: '7',
      managedFields: [
        { manager: 'other', operation: 'Update', fieldsV1: { 'f:status': {} } },
        {
          manager: MANAGER,
          operation: 'Apply',
          fieldsV1: fields ?? {
            'f:metadata': { 'f:labels': { 'f:a': {} }, 'f:annotations': { [`f:${APPLIED_HASH}`]: {} } },
            'f:spec': { 'f:size': {}, 'f:opts': { 'f:x': {} }, 'f:items': { 'k:{"name":"one"}': {} } },
          },
        },
      ],
    },
    spec: { ...b.spec, defaulted: 'yes' },
    status: { ready: true },
  } as unknown as KubeObject;
}

describe('withAppliedHash', () => {
  test('the hash covers the whole configuration', () => {
    const h = (o: KubeObject): string | undefined => withAppliedHash(o).metadata.annotations?.[APPLIED_HASH];
    expect(h(desired)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(h(structuredClone(desired))).toBe(h(desired));
    expect(h({ ...desired, spec: { size: 3 } } as unknown as KubeObject)).not.toBe(h(desired));
    expect(h({ ...desired, spec: { ...(desired as unknown as { spec: object }).spec, items: [{ name: 'one', v: 2 }] } } as unknown as KubeObject)).not.toBe(
      h(desired),
    );
    expect(h({ ...desired, metadata: { ...desired.metadata, labels: { a: 'c' } } })).not.toBe(h(desired));
  });

  test('the hash of an object that carries one already is the same (it is left out of what is hashed)', () => {
    const once = withAppliedHash(desired);
    expect(withAppliedHash(once)).toEqual(once);
  });

  test('Secrets carry no hash: a hash of their data would sit in metadata', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: 'x' } } as unknown as KubeObject;
    expect(withAppliedHash(secret)).toBe(secret);
    expect(unchangedByApply(secret, secret, MANAGER)).toBe(false);
  });
});

describe('unchangedByApply', () => {
  const body = withAppliedHash(desired);

  test('the live object after the same apply: unchanged', () => {
    expect(unchangedByApply(body, liveAfter(body), MANAGER)).toBe(true);
  });

  test('absent, another hash, or no hash: not unchanged', () => {
    expect(unchangedByApply(body, undefined, MANAGER)).toBe(false);
    const other = withAppliedHash({ ...desired, spec: { size: 1 } } as unknown as KubeObject);
    expect(unchangedByApply(body, liveAfter(other), MANAGER)).toBe(false);
    expect(unchangedByApply(desired, liveAfter(desired), MANAGER)).toBe(false);
  });

  test('a value changed or removed in the live object, or a list of another length: not unchanged', () => {
    const live = liveAfter(body) as unknown as { spec: Record<string, unknown>; metadata: { labels: Record<string, string> } };
    expect(unchangedByApply(body, { ...live, spec: { ...live.spec, size: 3 } } as unknown as KubeObject, MANAGER)).toBe(false);
    expect(unchangedByApply(body, { ...live, spec: { ...live.spec, opts: {} } } as unknown as KubeObject, MANAGER)).toBe(false);
    expect(unchangedByApply(body, { ...live, spec: { ...live.spec, items: [{ name: 'one', v: 1 }, { name: 'two' }] } } as unknown as KubeObject, MANAGER)).toBe(
      false,
    );
    expect(unchangedByApply(body, { ...live, spec: { ...live.spec, items: [{ name: 'one', v: '1' }] } } as unknown as KubeObject, MANAGER)).toBe(false);
    expect(unchangedByApply(body, { ...live, metadata: { ...live.metadata, labels: {} } } as unknown as KubeObject, MANAGER)).toBe(false);
  });

  test('values the server added (defaults, status, list item fields) do not count', () => {
    const live = liveAfter(body) as unknown as { spec: { items: object[] } };
    const items = [{ name: 'one', v: 1, protocol: 'TCP' }];
    expect(unchangedByApply(body, { ...live, spec: { ...live.spec, items } } as unknown as KubeObject, MANAGER)).toBe(true);
  });

  test("the stack's manager without an Apply entry, or without a field of the configuration: not unchanged", () => {
    expect(unchangedByApply(body, liveAfter(body), 'modelstack/other-stack')).toBe(false);
    const withoutSize = {
      'f:metadata': { 'f:labels': { 'f:a': {} }, 'f:annotations': { [`f:${APPLIED_HASH}`]: {} } },
      'f:spec': { 'f:opts': { 'f:x': {} }, 'f:items': {} },
    };
    expect(unchangedByApply(body, liveAfter(body, withoutSize), MANAGER)).toBe(false);
    // A map the schema makes atomic is tracked as one field: conservatively, not unchanged.
    const atomicOpts = { ...withoutSize, 'f:spec': { 'f:size': {}, 'f:opts': {}, 'f:items': {} } };
    expect(unchangedByApply(body, liveAfter(body, atomicOpts), MANAGER)).toBe(false);
  });

  test('null in the configuration (remove this field) is never skipped', () => {
    const withNull = withAppliedHash({ ...desired, spec: { size: null } } as unknown as KubeObject);
    expect(unchangedByApply(withNull, liveAfter(withNull), MANAGER)).toBe(false);
  });
});
