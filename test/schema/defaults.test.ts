import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { type CrdStore, type JsonSchemaProps, loadCrds } from '../../src/schema/crd-store.js';
import { applyDefaults, cloneJson } from '../../src/schema/defaults.js';

const schema: JsonSchemaProps = {
  type: 'object',
  properties: {
    mode: { type: 'string', default: 'auto' },
    size: { type: 'integer', default: 3 },
    opt: { type: 'string', nullable: true, default: 'x' },
    plain: { type: 'string' },
    keep: { type: 'string', nullable: true },
    nested: {
      type: 'object',
      properties: { inner: { type: 'boolean', default: false }, deep: { type: 'object', properties: { d: { type: 'integer', default: 7 } } } },
    },
    withDefaultObject: {
      type: 'object',
      default: {},
      properties: { filled: { type: 'string', default: 'yes' } },
    },
    list: {
      type: 'array',
      items: { type: 'object', default: { name: 'from-default' }, properties: { name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } } },
    },
    map: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } },
    },
    loose: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { known: { type: 'object', properties: { k: { type: 'string', default: 'kv' } } } },
    },
  },
};

describe('applyDefaults', () => {
  test('fills missing properties of present objects, recursively', () => {
    const out = applyDefaults({ nested: { deep: {} } }, schema);
    expect(out).toEqual({
      mode: 'auto',
      size: 3,
      opt: 'x',
      nested: { inner: false, deep: { d: 7 } },
      withDefaultObject: { filled: 'yes' },
    });
  });

  test('does not create absent objects, and keeps given values', () => {
    const out = applyDefaults({ mode: 'manual', size: 0 }, schema) as Record<string, unknown>;
    expect(out.mode).toBe('manual');
    expect(out.size).toBe(0);
    expect(out.nested).toBeUndefined();
    expect(out.list).toBeUndefined();
  });

  test('applies defaults inside array items and additionalProperties values', () => {
    const out = applyDefaults({ list: [{ name: 'a' }, { name: 'b', protocol: 'UDP' }], map: { x: {}, y: { weight: 5 } } }, schema);
    expect(out).toMatchObject({
      list: [
        { name: 'a', protocol: 'TCP' },
        { name: 'b', protocol: 'UDP' },
      ],
      map: { x: { weight: 1 }, y: { weight: 5 } },
    });
  });

  test('nulls: non-nullable with default is defaulted, without default dropped, nullable kept', () => {
    const out = applyDefaults({ mode: null, plain: null, keep: null, opt: null, list: [null] }, schema) as Record<string, unknown>;
    expect(out.mode).toBe('auto');
    expect('plain' in out).toBe(false);
    expect(out.keep).toBeNull();
    expect(out.opt).toBeNull();
    expect(out.list).toEqual([{ name: 'from-default' }]);
  });

  test('leaves unknown fields under preserve-unknown-fields alone but defaults declared properties', () => {
    const out = applyDefaults({ loose: { anything: { mode: null }, known: {} } }, schema);
    expect(out).toMatchObject({ loose: { anything: { mode: null }, known: { k: 'kv' } } });
  });

  test('returns a copy and never mutates its input', () => {
    const input = { nested: {}, list: [{ name: 'a' }] };
    const before = JSON.stringify(input);
    const out = applyDefaults(input, schema) as typeof input;
    expect(JSON.stringify(input)).toBe(before);
    expect(out.nested).not.toBe(input.nested);
    const d = { a: [1, { b: 2 }] };
    expect(cloneJson(d)).toEqual(d);
    expect(cloneJson(d).a).not.toBe(d.a);
  });
});

describe('applyDefaults with the real DynamoGraphDeployment schema', () => {
  let store: CrdStore;

  beforeAll(async () => {
    store = await loadCrds(resolveCrdsDir(), { include: (p) => p.endsWith('nvidia.com_dynamographdeployments.yaml') });
  });

  test('status.state, multinode.nodeCount and container port protocol get their defaults', () => {
    const schema = store.schemaFor('nvidia.com/v1beta1', 'DynamoGraphDeployment')!;
    const dgd = {
      apiVersion: 'nvidia.com/v1beta1',
      kind: 'DynamoGraphDeployment',
      metadata: { name: 'demo' },
      spec: {
        components: [
          {
            name: 'worker',
            multinode: {},
            podTemplate: { spec: { containers: [{ name: 'main', ports: [{ containerPort: 8000 }] }] } },
          },
          { name: 'frontend' },
        ],
      },
      status: {},
    };
    const out = applyDefaults(dgd, schema);
    expect(out.status).toEqual({ state: 'initializing' });
    expect(out.spec.components[0]).toMatchObject({
      multinode: { nodeCount: 2 },
      podTemplate: { spec: { containers: [{ ports: [{ containerPort: 8000, protocol: 'TCP' }] }] } },
    });
    expect(out.spec.components[1]).toEqual({ name: 'frontend' });
    expect(dgd.status).toEqual({});
  });
});
