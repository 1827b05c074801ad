import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelstackError } from '../../src/errors.js';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { type CrdStore, crdFromObject, crdStoreOf, loadCrds, splitApiVersion } from '../../src/schema/crd-store.js';

function crdYaml(group: string, kind: string, versions: readonly { name: string; served: boolean }[]): string {
  const plural = `${kind.toLowerCase()}s`;
  const lines = [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    `  name: ${plural}.${group}`,
    'spec:',
    `  group: ${group}`,
    '  scope: Namespaced',
    '  names:',
    `    kind: ${kind}`,
    `    plural: ${plural}`,
    '  versions:',
  ];
  for (const v of versions) {
    lines.push(
      `  - name: ${v.name}`,
      `    served: ${v.served}`,
      '    storage: true',
      '    schema:',
      '      openAPIV3Schema:',
      '        type: object',
      '        properties:',
      '          spec:',
      '            type: object',
      '            properties:',
      `              ${v.name}Field: {type: string}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('loadCrds on the real CRD files', () => {
  let store: CrdStore;

  beforeAll(async () => {
    store = await loadCrds(resolveCrdsDir(), {
      include: (p) => p.endsWith('nvidia.com_dynamographdeployments.yaml') || p.endsWith('ray.io_rayservices.yaml'),
    });
  });

  test('keeps the CRDs it reads', () => {
    expect(store.crds.map((c) => c.metadata.name)).toEqual(['dynamographdeployments.nvidia.com', 'rayservices.ray.io']);
    expect(store.sourceOf(store.crds[0]!)).toBe(join('dynamo', 'nvidia.com_dynamographdeployments.yaml'));
  });

  test('finds the schema of each served version', () => {
    const beta = store.schemaFor('nvidia.com/v1beta1', 'DynamoGraphDeployment');
    expect(beta?.properties?.spec?.properties?.components?.type).toBe('array');
    expect(store.schemaFor('nvidia.com/v1alpha1', 'DynamoGraphDeployment')).toBeDefined();
    expect(store.schemaFor('ray.io/v1', 'RayService')?.properties?.spec).toBeDefined();
    expect(store.schemaFor('nvidia.com/v2', 'DynamoGraphDeployment')).toBeUndefined();
    expect(store.schemaFor('ray.io/v1', 'RayCluster')).toBeUndefined();
  });

  test('crdFor looks up by group and kind', () => {
    expect(store.crdFor('ray.io', 'RayService')?.spec.names.plural).toBe('rayservices');
    expect(store.crdFor('nvidia.com', 'RayService')).toBeUndefined();
  });
});

describe('loadCrds on a hand-made directory', () => {
  let tmp: string;
  let store: CrdStore;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-crd-store-'));
    mkdirSync(join(tmp, 'nested', 'deeper'), { recursive: true });
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
    writeFileSync(
      join(tmp, 'multi.yaml'),
      `${crdYaml('a.example.com', 'Alpha', [
        { name: 'v1', served: true },
        { name: 'v2', served: false },
      ])}---\n${configMap}`,
    );
    const beta = crdYaml('b.example.com', 'Beta', [{ name: 'v1', served: true }]);
    const { parse } = await import('yaml');
    writeFileSync(join(tmp, 'nested', 'deeper', 'beta.json'), JSON.stringify(parse(beta)));
    writeFileSync(join(tmp, 'nested', 'gamma.yml'), crdYaml('c.example.com', 'Gamma', [{ name: 'v1', served: true }]));
    writeFileSync(join(tmp, 'nested', 'notes.txt'), 'not a CRD');
    store = await loadCrds(tmp);
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('reads YAML, multi-document YAML and JSON recursively, keeping only CRDs', () => {
    expect(store.crds.map((c) => c.spec.names.kind)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(store.sourceOf(store.crds[1]!)).toBe(join('nested', 'deeper', 'beta.json'));
  });

  test('only served versions have a schema', () => {
    expect(store.schemaFor('a.example.com/v1', 'Alpha')?.properties?.spec?.properties?.v1Field).toEqual({ type: 'string' });
    expect(store.schemaFor('a.example.com/v2', 'Alpha')).toBeUndefined();
  });

  test('include filters files by relative path', async () => {
    const only = await loadCrds(tmp, { include: (p) => p.endsWith('.yml') });
    expect(only.crds.map((c) => c.spec.names.kind)).toEqual(['Gamma']);
  });

  test('a missing directory is CRDS_NOT_FOUND and bad YAML is SCHEMA', async () => {
    await expect(loadCrds(join(tmp, 'missing'))).rejects.toMatchObject({ code: 'CRDS_NOT_FOUND' });
    const bad = mkdtempSync(join(tmpdir(), 'modelstack-crd-bad-'));
    try {
      writeFileSync(join(bad, 'bad.yaml'), 'kind: [unclosed\n');
      await expect(loadCrds(bad)).rejects.toMatchObject({ code: 'SCHEMA' });
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('crdFromObject and crdStoreOf', () => {
  const live = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'things.x.io', resourceVersion: '12', managedFields: [] },
    spec: {
      group: 'x.io',
      scope: 'Namespaced',
      names: { kind: 'Thing', plural: 'things' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
    status: { acceptedNames: { kind: 'Thing', plural: 'things' } },
  };

  test('accepts a CRD as read from the API server', () => {
    const crd = crdFromObject(live);
    const store = crdStoreOf([crd]);
    expect(store.schemaFor('x.io/v1', 'Thing')).toEqual({ type: 'object' });
    expect(store.sourceOf(crd)).toBeUndefined();
  });

  test('rejects objects that are not usable CRDs', () => {
    const cases: unknown[] = [
      null,
      { ...live, kind: 'ConfigMap' },
      { ...live, apiVersion: 'apiextensions.k8s.io/v1beta1' },
      { ...live, spec: { ...live.spec, group: undefined } },
      { ...live, spec: { ...live.spec, versions: [{ served: true }] } },
    ];
    for (const c of cases) {
      expect(() => crdFromObject(c)).toThrow(ModelstackError);
    }
    let error: unknown;
    try {
      crdFromObject({ ...live, spec: { ...live.spec, names: {} } }, 'cluster CRD things.x.io');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelstackError);
    expect(error).toMatchObject({ code: 'SCHEMA', message: expect.stringContaining('cluster CRD things.x.io') });
    expect((error as ModelstackError).hint).toBeDefined();
  });

  test('splitApiVersion handles core and grouped versions', () => {
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion('nvidia.com/v1beta1')).toEqual({ group: 'nvidia.com', version: 'v1beta1' });
  });
});
