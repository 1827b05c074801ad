import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RecordingIoHost, MESSAGES, Toolkit, type KubeObject } from '../../src/toolkit/index.js';
import { convertDgdV1alpha1 } from '../../src/import/dynamo-v1alpha1.js';
import { stripServerFields } from '../../src/import/server-fields.js';
import { isReservedKey } from '../../src/import/model-props.js';
import { objectKey, objectRef } from '../../src/model/kube-object.js';
import { removeTempDirs, repoRoot } from '../support/paths.js';
import { rejection as thrown } from '../support/thrown.js';
import { importProject, MODULE } from './support.js';

const fixture = (name: string): string => join(repoRoot, 'test', 'import', 'fixtures', name);
const golden = (name: string): string => join(repoRoot, 'test', 'golden', 'files', name);
const recorded = (name: string): string => join(repoRoot, 'test', 'readiness', 'recorded', `${name}.json`);

function yamlObjects(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as KubeObject);
}

/** The model objects of golden files, each key once (the matrix files repeat names across stacks). */
function modelObjects(paths: readonly string[]): KubeObject[] {
  const seen = new Set<string>();
  return paths
    .flatMap(yamlObjects)
    .filter((o) => o.kind === 'DynamoGraphDeployment' || o.kind === 'RayService')
    .filter((o) => !seen.has(objectKey(o)) && seen.add(objectKey(o)));
}

/** The documented normalisations: modelstack's own labels aside, and no namespace means "default". */
function normalised(o: KubeObject): unknown {
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !isReservedKey(k)));
  return {
    ...o,
    metadata: { ...o.metadata, namespace: o.metadata.namespace ?? 'default', labels: Object.keys(labels).length ? labels : undefined },
  };
}

/** Imports `objects` (written to one file) and synthesizes the generated stack on its own. */
async function roundTrip(objects: readonly KubeObject[]) {
  const dir = importProject();
  const input = join(dir, 'input.yaml');
  writeFileSync(input, objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
  const io = new RecordingIoHost();
  const toolkit = new Toolkit({ cwd: dir, ioHost: io });
  const result = await toolkit.importModels({ files: ['input.yaml'], out: 'stacks/imported.ts', module: MODULE });
  const source = readFileSync(join(dir, 'stacks', 'imported.ts'), 'utf8');
  const [stack] = await toolkit.stacks({ app: 'npx tsx stacks/imported.ts' });
  return { dir, result, source, io, synthesized: stack!.objects, stack: stack! };
}

afterAll(removeTempDirs);

describe('modelstack import', () => {
  test('synth(import(x)) == x for every golden Dynamo and Ray manifest (modelstack labels aside)', async () => {
    const objects = modelObjects([
      golden('matrix.dynamo.yaml'),
      golden('matrix.dynamo-production.yaml'),
      golden('matrix.ray.yaml'),
      golden('matrix.ray-production.yaml'),
    ]);
    expect(objects.filter((o) => o.kind === 'RayService').length).toBeGreaterThan(2);
    const { result, synthesized, stack } = await roundTrip(objects);
    expect(stack.stackId).toBe(result.stackId);
    // Only DynamoModel's TensorRT-LLM engine-config ConfigMaps come on top, and the result lists them.
    const extra = synthesized.filter((o) => o.kind !== 'DynamoGraphDeployment' && o.kind !== 'RayService');
    expect(extra.map(objectRef)).toEqual(result.alsoRendered);
    expect(extra.every((o) => o.kind === 'ConfigMap' && /-engine-config$/.test(o.metadata.name!))).toBe(true);
    const byKey = new Map(synthesized.map((o) => [objectKey(o), o]));
    for (const o of objects) expect(normalised(byKey.get(objectKey(o))!)).toEqual(normalised(o));
    expect(synthesized).toHaveLength(objects.length + extra.length);
  }, 120_000);

  test('recorded live objects lose their server fields and come back as written; v1alpha1 comes back as its v1beta1 form', async () => {
    const live = ['dgd-successful', 'rayservice-ready'].map((n) => JSON.parse(readFileSync(recorded(n), 'utf8')) as KubeObject);
    const [alpha] = yamlObjects(fixture('dgd-v1alpha1.yaml'));
    const { result, source, io, synthesized } = await roundTrip([...live, alpha!]);
    const byKey = new Map(synthesized.map((o) => [objectKey(o), o]));
    for (const o of live) {
      const written = stripServerFields(o).object;
      expect(written).not.toHaveProperty('status');
      expect(normalised(byKey.get(objectKey(o))!)).toEqual(normalised(written));
    }
    // The v1alpha1 object is rendered as the hand-written v1beta1 form (dynamoNamespace aside).
    const [expected] = yamlObjects(fixture('dgd-v1alpha1.expected-v1beta1.yaml'));
    expect(normalised(byKey.get(objectKey(expected!))!)).toEqual(normalised(expected!));
    const legacy = result.models.find((m) => m.ref === 'DynamoGraphDeployment llm/legacy-disagg')!;
    expect(legacy.converted).toBe('nvidia.com/v1alpha1 -> nvidia.com/v1beta1');
    expect(legacy.notConverted).toEqual(['spec.services.VllmDecodeWorker.dynamoNamespace']);
    expect(io.data(MESSAGES.IMPORT_NOT_CONVERTED)).toContainEqual({ ref: legacy.ref, fields: ['spec.services.VllmDecodeWorker.dynamoNamespace'] });
    // What was taken off the live objects is listed, and the file explains adoption and keeps a stackId.
    const dgd = result.models.find((m) => m.ref === 'DynamoGraphDeployment llm/qwen3')!;
    expect(dgd.normalised).toEqual(expect.arrayContaining(['status (removed)', 'metadata.generation (removed)']));
    expect(source).toMatch(/adopts/);
    expect(source).toContain(`stackId: "${result.stackId}"`);
    expect(result.stackId).toMatch(/^imported-[0-9a-f]{8}$/);
  }, 120_000);

  test('the v1alpha1 conversion matches the hand-written v1beta1 form', () => {
    const [alpha] = yamlObjects(fixture('dgd-v1alpha1.yaml'));
    const [expected] = yamlObjects(fixture('dgd-v1alpha1.expected-v1beta1.yaml'));
    expect(convertDgdV1alpha1(alpha!).object).toEqual(expected);
  });

  test('what the props do not express is kept as commented JSON patches and listed', async () => {
    const [o] = modelObjects([golden('matrix.dynamo.yaml')]).filter((x) => x.metadata.name === 'full-vllm-aggregated-kv');
    const { result, source, io } = await roundTrip([o!]);
    const [m] = result.models;
    expect(m!.patches).toContain('add /spec/components/0/podTemplate/spec/nodeSelector');
    expect(source).toContain('// Kept as JSON patches');
    expect(source).toContain('JsonPatch.add("/spec/components/0/podTemplate/spec/nodeSelector"');
    expect(io.data(MESSAGES.IMPORT_PATCHED)).toEqual([{ ref: m!.ref, patches: m!.patches }]);
  }, 60_000);

  test('unsupported input, an existing --out and no input are clear errors', async () => {
    const dir = importProject();
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const toolkit = new Toolkit({ cwd: dir });
    const e = await thrown(toolkit.importModels({ files: ['cm.yaml'], out: 'out.ts', module: MODULE }));
    expect(e).toMatchObject({ code: 'INVALID', details: [`v1 ConfigMap x (${join(dir, 'cm.yaml')})`] });
    expect(existsSync(join(dir, 'out.ts'))).toBe(false);
    writeFileSync(join(dir, 'out.ts'), '// mine\n');
    writeFileSync(join(dir, 'dgd.yaml'), readFileSync(fixture('dgd-v1alpha1.yaml')));
    expect(await thrown(toolkit.importModels({ files: ['dgd.yaml'], out: 'out.ts', module: MODULE }))).toMatchObject({
      code: 'USAGE',
      hint: expect.stringContaining('--force'),
    });
    expect(readFileSync(join(dir, 'out.ts'), 'utf8')).toBe('// mine\n');
    expect(await thrown(toolkit.importModels({ out: 'out.ts' }))).toMatchObject({ code: 'USAGE' });
  });
});
