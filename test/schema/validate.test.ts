import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { type CrdStore, type JsonSchemaProps, crdStoreOf, loadCrds } from '../../src/schema/crd-store.js';
import { checkAgainstSchema, validateAgainstSchema, validateObject } from '../../src/schema/validate.js';

const QUANTITY = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const schema: JsonSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['name'],
      'x-kubernetes-validations': [{ rule: 'self.name != "forbidden"' }],
      properties: {
        name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-zé]+$' },
        count: { type: 'integer', format: 'int32', minimum: 0, maximum: 10 },
        big: { type: 'integer', format: 'int64' },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
        step: { type: 'integer', multipleOf: 5 },
        flag: { type: 'boolean' },
        mode: { type: 'string', enum: ['a', 'b'] },
        when: { type: 'string', format: 'date-time' },
        odd: { type: 'string', format: 'some-unknown-format' },
        maybe: { type: 'string', nullable: true },
        port: { 'x-kubernetes-int-or-string': true },
        memory: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: QUANTITY, 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3, 'x-kubernetes-list-type': 'set' },
        uniq: { type: 'array', items: { type: 'integer' }, uniqueItems: true },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 2 },
        closed: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } }, minProperties: 1 },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } },
        anything: { 'x-kubernetes-preserve-unknown-fields': true },
        empty: { type: 'object' },
        embedded: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
        either: { type: 'object', properties: { x: { type: 'string' }, y: { type: 'string' } }, oneOf: [{ required: ['x'] }, { required: ['y'] }] },
        both: { type: 'string', allOf: [{ minLength: 2 }, { pattern: '^a' }] },
        notB: { type: 'string', not: { enum: ['b'] } },
      },
    },
  },
};

function spec(fields: Record<string, unknown>): unknown {
  return { apiVersion: 'x.io/v1', kind: 'X', metadata: { name: 'n' }, spec: { name: 'ok', ...fields } };
}

function issuesOf(fields: Record<string, unknown>): { path: string; message: string }[] {
  return validateAgainstSchema(spec(fields), schema).map(({ path, message }) => ({ path, message }));
}

describe('validateAgainstSchema with a hand-written schema', () => {
  test('a valid object has no issues', () => {
    const fine = {
      count: 10,
      big: 2 ** 40,
      ratio: 0.5,
      step: 15,
      flag: false,
      mode: 'b',
      when: '2024-01-02T03:04:05Z',
      odd: 'whatever',
      maybe: null,
      port: 'http',
      memory: '512Mi',
      tags: ['x', 'y'],
      uniq: [1, 2],
      ports: [
        { port: 80, protocol: 'TCP' },
        { port: 80, protocol: 'UDP' },
      ],
      labels: { a: 'b' },
      closed: { a: 'x' },
      free: { n: 1, whatever: { deep: true } },
      anything: [1, 'two', null],
      empty: {},
      embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { any: 1 } },
      either: { x: 'x' },
      both: 'ab',
      notB: 'a',
    };
    expect(issuesOf(fine)).toEqual([]);
    expect(issuesOf({ port: 8080, memory: 2 })).toEqual([]);
  });

  test('type errors, integer wholeness and nullability', () => {
    expect(issuesOf({ count: '3', flag: 'yes', step: 2.5, name: null })).toEqual([
      { path: 'spec.name', message: 'must be of type string, got null' },
      { path: 'spec.count', message: 'must be of type integer, got string' },
      { path: 'spec.flag', message: 'must be of type boolean, got string' },
      { path: 'spec.step', message: 'must be of type integer, got number' },
    ]);
    expect(validateAgainstSchema('str', schema)).toEqual([{ path: '', message: 'must be of type object, got string', value: 'str' }]);
  });

  test('required fields', () => {
    expect(validateAgainstSchema({ spec: {} }, schema)).toEqual([{ path: 'spec.name', message: 'is required' }]);
    expect(issuesOf({ ports: [{ protocol: 'TCP' }] })).toContainEqual({ path: 'spec.ports[0].port', message: 'is required' });
  });

  test('enum, pattern and lengths counted in characters', () => {
    expect(issuesOf({ mode: 'c' })).toEqual([{ path: 'spec.mode', message: 'unsupported value "c"; supported values: "a", "b"' }]);
    expect(issuesOf({ name: 'éééé' })).toEqual([]);
    expect(issuesOf({ name: 'A1' })).toEqual([{ path: 'spec.name', message: 'must match pattern ^[a-zé]+$' }]);
    expect(issuesOf({ name: 'a' })).toEqual([{ path: 'spec.name', message: 'must be at least 2 characters long' }]);
    expect(issuesOf({ name: 'abcdef' })).toEqual([{ path: 'spec.name', message: 'must be at most 5 characters long' }]);
  });

  test('numeric bounds, multipleOf and integer formats', () => {
    expect(issuesOf({ count: -1 })).toEqual([{ path: 'spec.count', message: 'must be greater than or equal to 0' }]);
    expect(issuesOf({ count: 11 })).toEqual([{ path: 'spec.count', message: 'must be less than or equal to 10' }]);
    expect(issuesOf({ ratio: 0 })).toEqual([{ path: 'spec.ratio', message: 'must be greater than 0' }]);
    expect(issuesOf({ ratio: 1 })).toEqual([{ path: 'spec.ratio', message: 'must be less than 1' }]);
    expect(issuesOf({ step: 7 })).toEqual([{ path: 'spec.step', message: 'must be a multiple of 5' }]);
    expect(validateAgainstSchema({ spec: { name: 'ok', count: 2 ** 31 } }, schema).map((i) => i.message)).toContain(
      'must fit in a 32-bit signed integer (int32)',
    );
    expect(issuesOf({ big: 2 ** 64 })).toEqual([{ path: 'spec.big', message: 'must fit in a 64-bit signed integer (int64)' }]);
    expect(issuesOf({ when: 'yesterday' })).toEqual([{ path: 'spec.when', message: 'must be a date-time (RFC 3339)' }]);
  });

  test('int-or-string and quantities', () => {
    expect(issuesOf({ port: 1.5 })).toEqual([{ path: 'spec.port', message: 'must be an integer or a string, got number' }]);
    expect(issuesOf({ port: true })).toEqual([{ path: 'spec.port', message: 'must be an integer or a string, got boolean' }]);
    expect(issuesOf({ memory: '1.5Gi' })).toEqual([]);
    expect(issuesOf({ memory: '12 GB' })).toEqual([{ path: 'spec.memory', message: `must match pattern ${QUANTITY}` }]);
  });

  test('arrays: item counts, sets, uniqueItems and list-map keys', () => {
    expect(issuesOf({ tags: [] })).toEqual([{ path: 'spec.tags', message: 'must have at least 1 items' }]);
    expect(issuesOf({ tags: ['a', 'b', 'c', 'd'] })).toEqual([{ path: 'spec.tags', message: 'must have at most 3 items' }]);
    expect(issuesOf({ tags: ['a', 'a'] })).toEqual([{ path: 'spec.tags[1]', message: 'duplicate value "a"' }]);
    expect(issuesOf({ uniq: [3, 3] })).toEqual([{ path: 'spec.uniq[1]', message: 'duplicate value 3' }]);
    expect(
      issuesOf({
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 80, protocol: 'TCP' },
        ],
      }),
    ).toEqual([{ path: 'spec.ports[1]', message: 'duplicate entry with key port=80, protocol="TCP"' }]);
  });

  test('objects: unknown fields, additionalProperties, property counts, preserve-unknown-fields', () => {
    expect(issuesOf({ extra: 1, labels: { a: 1 } })).toEqual([
      { path: 'spec.extra', message: 'unknown field "extra"' },
      { path: 'spec.labels[a]', message: 'must be of type string, got integer' },
    ]);
    expect(issuesOf({ labels: { a: 'x', b: 'y', c: 'z' } })).toEqual([{ path: 'spec.labels', message: 'must have at most 2 properties' }]);
    expect(issuesOf({ closed: { b: 'x' } })).toEqual([{ path: 'spec.closed.b', message: 'unknown field "b"' }]);
    expect(issuesOf({ closed: {} })).toEqual([{ path: 'spec.closed', message: 'must have at least 1 properties' }]);
    expect(issuesOf({ free: { n: 'one', other: 'fine' } })).toEqual([{ path: 'spec.free.n', message: 'must be of type integer, got string' }]);
    expect(issuesOf({ empty: { x: 1 } })).toEqual([{ path: 'spec.empty.x', message: 'unknown field "x"' }]);
    expect(validateAgainstSchema({ extra: 1, spec: { name: 'ok' } }, schema)).toEqual([{ path: 'extra', message: 'unknown field "extra"' }]);
  });

  test('embedded resources and root metadata are checked for shape', () => {
    expect(issuesOf({ embedded: { kind: 3, metadata: { labels: { a: 2 }, bogus: 1 }, other: 1 } })).toEqual([
      { path: 'spec.embedded.kind', message: 'must be of type string, got integer' },
      { path: 'spec.embedded.metadata.labels[a]', message: 'must be of type string, got integer' },
      { path: 'spec.embedded.metadata.bogus', message: 'unknown field "bogus"' },
      { path: 'spec.embedded.other', message: 'unknown field "other"' },
    ]);
    const bad = { metadata: { name: 5, namespace: 'ns', annotations: 'x', finalizers: [1] }, spec: { name: 'ok' } };
    expect(validateAgainstSchema(bad, schema).map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'metadata.name', message: 'must be of type string, got integer' },
      { path: 'metadata.annotations', message: 'must be of type object, got string' },
      { path: 'metadata.finalizers', message: 'must be an array of strings' },
    ]);
    expect(validateAgainstSchema({ metadata: [], spec: { name: 'ok' } }, schema)[0]?.path).toBe('metadata');
  });

  test('anyOf, allOf, oneOf and not', () => {
    expect(issuesOf({ either: {} })).toEqual([{ path: 'spec.either', message: 'must match exactly one of the allowed schemas (oneOf), matches 0' }]);
    expect(issuesOf({ either: { x: 'a', y: 'b' } })[0]?.message).toContain('matches 2');
    expect(issuesOf({ both: 'b' })).toEqual([
      { path: 'spec.both', message: 'must be at least 2 characters long' },
      { path: 'spec.both', message: 'must match pattern ^a' },
    ]);
    expect(issuesOf({ notB: 'b' })).toEqual([{ path: 'spec.notB', message: 'must not match the schema under "not"' }]);
    const anyOf: JsonSchemaProps = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
    expect(validateAgainstSchema(true, anyOf)[0]?.message).toBe(
      'must match at least one of the allowed schemas (anyOf): must be of type integer, got boolean; must be of type string, got boolean',
    );
  });

  test('CEL rules are skipped and counted; values are attached to issues', () => {
    const result = checkAgainstSchema(spec({ count: 'x' }), schema);
    expect(result.skippedCelRules).toBe(1);
    expect(result.issues).toEqual([{ path: 'spec.count', message: 'must be of type integer, got string', value: 'x' }]);
    expect(checkAgainstSchema({}, schema).skippedCelRules).toBe(0);
  });
});

describe('validateObject with the real CRDs', () => {
  let store: CrdStore;

  beforeAll(async () => {
    store = await loadCrds(resolveCrdsDir(), {
      include: (p) => p.endsWith('nvidia.com_dynamographdeployments.yaml') || p.endsWith('ray.io_rayservices.yaml'),
    });
  });

  const container = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.0',
    resources: { limits: { 'nvidia.com/gpu': '1', cpu: 4, memory: '16Gi' } },
    ...extra,
  });

  function dgd(components: unknown[]): Record<string, unknown> {
    return {
      apiVersion: 'nvidia.com/v1beta1',
      kind: 'DynamoGraphDeployment',
      metadata: { name: 'llm', namespace: 'models', labels: { 'app.kubernetes.io/name': 'llm' } },
      spec: { backendFramework: 'vllm', components },
    };
  }

  const frontend = { name: 'Frontend', type: 'frontend', replicas: 1 };
  const worker = {
    name: 'VllmWorker',
    type: 'worker',
    replicas: 2,
    sharedMemorySize: '8Gi',
    multinode: {},
    podTemplate: { spec: { containers: [container('main', { ports: [{ containerPort: 8000, name: 'http' }] })] } },
  };

  function found(obj: unknown): { path: string; message: string }[] {
    return validateObject(obj, store).issues.map(({ path, message }) => ({ path, message }));
  }

  test('a minimal DynamoGraphDeployment v1beta1 passes and gets its defaults', () => {
    const result = validateObject(dgd([frontend, worker]), store);
    expect(result.issues).toEqual([]);
    expect(result.skippedCelRules).toBeGreaterThan(0);
    const defaulted = result.defaulted as { spec: { components: Record<string, any>[] } };
    expect(defaulted.spec.components[1]?.multinode).toEqual({ nodeCount: 2 });
    expect(defaulted.spec.components[1]?.podTemplate.spec.containers[0].ports[0].protocol).toBe('TCP');
  });

  test('a minimal RayService passes', () => {
    const rayService = {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'llm' },
      spec: {
        serveConfigV2: 'applications: []\n',
        rayClusterConfig: {
          rayVersion: '2.40.0',
          headGroupSpec: {
            rayStartParams: { 'dashboard-host': '0.0.0.0' },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container('ray-head')] } },
          },
          workerGroupSpecs: [{ groupName: 'gpu', replicas: 1, minReplicas: 1, maxReplicas: 2, template: { spec: { containers: [container('ray-worker')] } } }],
        },
      },
    };
    expect(validateObject(rayService, store).issues).toEqual([]);
    const broken = structuredClone(rayService) as any;
    delete broken.spec.rayClusterConfig.workerGroupSpecs[0].groupName;
    delete broken.spec.rayClusterConfig.workerGroupSpecs[0].maxReplicas;
    broken.spec.rayClusterConfig.workerGroupSpecs[0].replicas = '1';
    // maxReplicas is required but has a default, so defaulting satisfies it as in the apiserver.
    expect(found(broken)).toEqual([
      { path: 'spec.rayClusterConfig.workerGroupSpecs[0].groupName', message: 'is required' },
      { path: 'spec.rayClusterConfig.workerGroupSpecs[0].replicas', message: 'must be of type integer, got string' },
    ]);
    const defaulted = validateObject(broken, store).defaulted as any;
    expect(defaulted.spec.rayClusterConfig.workerGroupSpecs[0].maxReplicas).toBe(2147483647);
  });

  test('wrong type, missing required, enum and pattern violations', () => {
    const issues = found(dgd([{ ...frontend, replicas: 'one' }, { type: 'decoder' }, { ...worker, name: 'bad_name!' }]));
    expect(issues).toEqual([
      { path: 'spec.components[0].replicas', message: 'must be of type integer, got string' },
      { path: 'spec.components[1].name', message: 'is required' },
      {
        path: 'spec.components[1].type',
        message: 'unsupported value "decoder"; supported values: "frontend", "worker", "prefill", "decode", "planner", "epp"',
      },
      { path: 'spec.components[2].name', message: 'must match pattern ^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$' },
    ]);
  });

  test('unknown fields are reported (the apiserver would prune them)', () => {
    expect(
      found(
        dgd([
          { ...frontend, replica: 1 },
          { ...worker, scalingAdapter: { enabled: true } },
        ]),
      ),
    ).toEqual([
      { path: 'spec.components[0].replica', message: 'unknown field "replica"' },
      { path: 'spec.components[1].scalingAdapter.enabled', message: 'unknown field "enabled"' },
    ]);
  });

  test('int-or-string and quantities', () => {
    const ports = [{ containerPort: 8000 }];
    const probe = { httpGet: { path: '/health', port: 'http' } };
    const good = { ...worker, podTemplate: { spec: { containers: [container('main', { ports, readinessProbe: probe })] } } };
    expect(found(dgd([good]))).toEqual([]);
    const badProbe = { httpGet: { path: '/health', port: 80.5 } };
    const badLimits = { limits: { memory: '16 GiB', cpu: 2 } };
    const bad = {
      ...worker,
      sharedMemorySize: '8 gigs',
      podTemplate: { spec: { containers: [container('main', { readinessProbe: badProbe, resources: badLimits })] } },
    };
    const at = 'spec.components[0].podTemplate.spec.containers[0]';
    expect(found(dgd([bad]))).toEqual([
      { path: 'spec.components[0].sharedMemorySize', message: expect.stringMatching(/^must match pattern \^\(\\\+\|-\)\?/) },
      { path: `${at}.resources.limits[memory]`, message: expect.stringMatching(/^must match pattern /) },
      { path: `${at}.readinessProbe.httpGet.port`, message: 'must be an integer or a string, got number' },
    ]);
  });

  test('list-map duplicate keys', () => {
    const twice = { ...worker, podTemplate: { spec: { containers: [container('main'), container('main')] } } };
    expect(found(dgd([frontend, twice, { ...frontend }]))).toEqual([
      { path: 'spec.components[2]', message: 'duplicate entry with key name="Frontend"' },
      { path: 'spec.components[1].podTemplate.spec.containers[1]', message: 'duplicate entry with key name="main"' },
    ]);
  });

  test('an unknown apiVersion or kind, and a missing kind', () => {
    expect(found({ apiVersion: 'nvidia.com/v9', kind: 'DynamoGraphDeployment' })).toEqual([
      { path: '', message: 'no CRD for apiVersion nvidia.com/v9 kind DynamoGraphDeployment' },
    ]);
    expect(found({ apiVersion: 'v1' })).toEqual([{ path: 'kind', message: 'is required' }]);
    expect(found([])).toEqual([{ path: '', message: 'must be an object, got array' }]);
    expect(validateObject({ apiVersion: 'x/v1', kind: 'Y' }, crdStoreOf([])).defaulted).toEqual({ apiVersion: 'x/v1', kind: 'Y' });
  });
});

describe('root fields every object has', () => {
  test('apiVersion and kind are allowed at the root even when the schema does not declare them', () => {
    const schema = { type: 'object' } as const;
    expect(validateAgainstSchema({ apiVersion: 'a.example.io/v1', kind: 'Widget', metadata: { name: 'w' } }, schema)).toEqual([]);
    expect(validateAgainstSchema({ apiVersion: 'a.example.io/v1', kind: 'Widget', other: 1 }, schema).map((i) => i.message)).toEqual(['unknown field "other"']);
  });
});
