import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelstackError } from '../../src/errors.js';
import { type CrdStore, loadCrds } from '../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { crdsFromCluster, crdsFromDir, validateManifests } from '../../src/validate/validate-manifests.js';
import { FakeKube } from '../support/fake-kube.js';

const RAY_CRD = 'ray.io_rayservices.yaml';
const SMALL_CRD = 'nvidia.com_dynamomodels.yaml';

const head = (cpu: string): Record<string, unknown> => ({
  rayStartParams: {},
  template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.40.0', resources: { limits: { cpu } } }] } },
});
const goodRay = {
  apiVersion: 'ray.io/v1',
  kind: 'RayService',
  metadata: { name: 'good', namespace: 'llm' },
  spec: { rayClusterConfig: { headGroupSpec: head('2') } },
};
const badRay = {
  apiVersion: 'ray.io/v1',
  kind: 'RayService',
  metadata: { name: 'bad', namespace: 'llm' },
  spec: { rayClusterConfig: { headGroupSpec: head('lots') }, bogus: 1 },
};
const noCrdModel = { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { name: 'dgd', namespace: 'llm' }, spec: {} };
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'llm' } };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'llm' } };
const helmRelease = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'op', namespace: 'flux' } };

const yaml = (...objects: object[]): string => objects.map((o) => JSON.stringify(o)).join('\n---\n');

describe('validateManifests', () => {
  let tmp: string;
  let crds: { store: CrdStore; source: string };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-validate-'));
    // Only the CRDs these tests need, for speed; the full directory is covered by test/conformance.
    crds = { store: await loadCrds(resolveCrdsDir(), { include: (p) => p.endsWith(RAY_CRD) || p.endsWith(SMALL_CRD) }), source: 'test-crds' };
    mkdirSync(join(tmp, 'dist', 'b-sub'), { recursive: true });
    writeFileSync(join(tmp, 'dist', 'a-models.yaml'), yaml(goodRay, badRay, noCrdModel));
    writeFileSync(join(tmp, 'dist', 'b-sub', 'platform.yml'), yaml(configMap, deployment, helmRelease));
    writeFileSync(join(tmp, 'dist', 'c.json'), JSON.stringify({ ...goodRay, metadata: { name: 'from-json', namespace: 'llm' } }));
    writeFileSync(join(tmp, 'dist', '.hidden.yaml'), yaml(badRay));
    writeFileSync(join(tmp, 'dist', 'notes.txt'), 'not a manifest');
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('every object of every manifest file (recursively, in name order) is valid, invalid or skipped', async () => {
    const r = await validateManifests(join(tmp, 'dist'), crds);
    expect(r.results.map((o) => [o.file, o.object, o.outcome])).toEqual([
      ['a-models.yaml', 'RayService llm/good', 'valid'],
      ['a-models.yaml', 'RayService llm/bad', 'invalid'],
      ['a-models.yaml', 'DynamoGraphDeployment llm/dgd', 'invalid'],
      [join('b-sub', 'platform.yml'), 'ConfigMap llm/cm', 'skipped'],
      [join('b-sub', 'platform.yml'), 'Deployment llm/web', 'skipped'],
      [join('b-sub', 'platform.yml'), 'HelmRelease flux/op', 'skipped'],
      ['c.json', 'RayService llm/from-json', 'valid'],
    ]);
    expect([r.valid, r.invalid, r.skipped]).toEqual([2, 2, 3]);
    expect(r.crdSource).toBe('test-crds');
  });

  test('an invalid object lists each problem with its field path', async () => {
    const bad = (await validateManifests(join(tmp, 'dist'), crds)).results[1]!;
    expect(bad.issues.map((i) => [i.path, i.message.replace(/ \^.*$/, '')])).toEqual([
      ['spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].resources.limits[cpu]', 'must match pattern'],
      ['spec.bogus', 'unknown field "bogus"'],
    ]);
  });

  test('a model kind without its CRD is invalid (not skipped); other kinds are skipped with why', async () => {
    const results = (await validateManifests(join(tmp, 'dist'), crds)).results;
    const byObject = Object.fromEntries(results.map((o) => [o.object, o]));
    expect(byObject['DynamoGraphDeployment llm/dgd']!.issues).toEqual([
      { path: '', message: 'no CRD for nvidia.com/v1beta1 DynamoGraphDeployment in the CRD source' },
    ]);
    expect(byObject['ConfigMap llm/cm']!.note).toBe('built-in kind');
    expect(byObject['Deployment llm/web']!.note).toBe('built-in kind');
    expect(byObject['HelmRelease flux/op']!.note).toBe('no CRD for this kind');
  });

  test('a single file may be given', async () => {
    const file = join(tmp, 'dist', 'c.json');
    const r = await validateManifests(file, crds);
    expect(r.results.map((o) => [o.file, o.outcome])).toEqual([[file, 'valid']]);
  });

  test('a path that does not exist is an IO error saying to synth first', async () => {
    const missing = join(tmp, 'no-dist');
    const e = await validateManifests(missing, crds).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelstackError);
    expect(e).toMatchObject({ code: 'IO', hint: 'run "modelstack synth" first, or pass the directory of your manifests' });
    expect((e as Error).message).toMatch(new RegExp(`^cannot read ${missing}: `));
  });

  test('a manifest that is not YAML is an error naming the file', async () => {
    mkdirSync(join(tmp, 'broken'));
    writeFileSync(join(tmp, 'broken', 'x.yaml'), 'a: [unclosed\n');
    await expect(validateManifests(join(tmp, 'broken'), crds)).rejects.toMatchObject({
      code: 'IO',
      message: expect.stringMatching(/^x\.yaml: not valid YAML/),
    });
  });
});

describe('CRD sources', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-validate-crds-'));
    mkdirSync(join(tmp, 'crds'));
    copyFileSync(join(resolveCrdsDir(), 'dynamo', SMALL_CRD), join(tmp, 'crds', SMALL_CRD));
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('crdsFromDir: the CRDs of the directory, which is the source', async () => {
    const c = await crdsFromDir(join(tmp, 'crds'));
    expect(c.source).toBe(join(tmp, 'crds'));
    expect(c.store.crds.map((x) => x.metadata.name)).toEqual(['dynamomodels.nvidia.com']);
  });

  test('crdsFromDir: a directory that does not exist is CRDS_NOT_FOUND', async () => {
    await expect(crdsFromDir(join(tmp, 'none'))).rejects.toMatchObject({ code: 'CRDS_NOT_FOUND' });
  });

  test('crdsFromCluster: the listed CRDs (list items carry no apiVersion/kind), the server as the source', async () => {
    const fromFile = (await crdsFromDir(join(tmp, 'crds'))).store.crds[0]!;
    const { apiVersion: _a, kind: _k, ...item } = fromFile;
    const calls: unknown[] = [];
    const client = new FakeKube({
      serverUrl: 'https://api.example:6443',
      list: async (apiVersion, kind, opts) => {
        calls.push([apiVersion, kind, opts]);
        return [item];
      },
    });
    const c = await crdsFromCluster(client);
    expect(calls).toEqual([['apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined]]);
    expect(c.source).toBe('cluster https://api.example:6443');
    expect(c.store.crdFor('nvidia.com', 'DynamoModel')?.metadata.name).toBe('dynamomodels.nvidia.com');
  });

  test('crdsFromCluster: CRDs not served at all is an empty store', async () => {
    const c = await crdsFromCluster(new FakeKube({ serverUrl: 'https://x', list: async () => undefined }));
    expect(c.store.crds).toEqual([]);
  });
});

describe('crdsFromDir with the groups the manifests use', () => {
  test('skips controller-gen files of other groups, keeps files named otherwise, and validate passes the groups', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crd-groups-'));
    try {
      const crd = (group: string, kind: string, plural: string): string =>
        `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.${group}\nspec:\n  group: ${group}\n  scope: Namespaced\n  names:\n    kind: ${kind}\n    plural: ${plural}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n`;
      writeFileSync(join(dir, 'a.example.io_widgets.yaml'), crd('a.example.io', 'Widget', 'widgets'));
      writeFileSync(join(dir, 'b.example.io_gadgets.yaml'), crd('b.example.io', 'Gadget', 'gadgets'));
      writeFileSync(join(dir, 'custom-name.yaml'), crd('c.example.io', 'Gizmo', 'gizmos'));
      const c = await crdsFromDir(dir, new Set(['a.example.io']));
      expect(c.store.crds.map((x) => x.metadata.name).sort()).toEqual(['gizmos.c.example.io', 'widgets.a.example.io']);

      const manifests = join(dir, 'dist');
      mkdirSync(manifests);
      writeFileSync(join(manifests, 'm.yaml'), 'apiVersion: a.example.io/v1\nkind: Widget\nmetadata:\n  name: w\n');
      let asked: string[] = [];
      const r = await validateManifests(manifests, async (groups) => {
        asked = [...groups];
        return crdsFromDir(dir, groups);
      });
      expect(asked).toEqual(['a.example.io']);
      expect(r.results.map((x) => [x.outcome, x.issues])).toEqual([['valid', []]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
