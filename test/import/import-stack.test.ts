import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RecordingIoHost, MESSAGES, Toolkit, type KubeObject } from '../../src/toolkit/index.js';
import { convertDgdV1alpha1 } from '../../src/import/dynamo-v1alpha1.js';
import { stripServerFields } from '../../src/import/server-fields.js';
import { isReservedKey } from '../../src/import/model-props.js';
import { objectKey, objectRef } from '../../src/model/kube-object.js';
import { loadCrds } from '../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { applyDefaults } from '../../src/schema/defaults.js';
import { removeTempDirs, repoRoot, tempDir } from '../support/paths.js';
import { rejection as thrown } from '../support/thrown.js';
import { importProject, MODULE } from './support.js';

const fixture = (name: string): string => join(repoRoot, 'test', 'import', 'fixtures', name);
const golden = (name: string): string => join(repoRoot, 'test', 'golden', 'files', name);
const CRDS_DIR = resolveCrdsDir(undefined, { searchFrom: [repoRoot] });
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
async function roundTrip(objects: readonly KubeObject[], opts: { crdsDir?: string } = {}) {
  const dir = importProject();
  const input = join(dir, 'input.yaml');
  writeFileSync(input, objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
  const io = new RecordingIoHost();
  const toolkit = new Toolkit({ cwd: dir, ioHost: io });
  const result = await toolkit.importModels({ files: ['input.yaml'], out: 'stacks/imported.ts', module: MODULE, ...opts });
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
    // Exactly what no prop expresses stays a patch (exact paths, so a regression in the mapping shows).
    const left = Object.fromEntries(result.models.filter((m) => m.patches.length > 0).map((m) => [m.ref, m.patches]));
    // Patches dropped by the wider mapping (before -> after), Dynamo: every team-a/full-* graph 11-19 -> 0,
    // llm/cpu 1 -> 0, multinode-vllm 3 -> 0, multinode-sglang-disagg 6 -> 0, multinode-trtllm 3 -> 0,
    // trtllm-disagg-roles 2 -> 0, pod-settings 13 -> 0, planner-load-agg 2 -> 1, qwen3 (recorded) 3 -> 3.
    // Ray (ray-props.ts reads RayModel's props back), before -> after: llm/renamed 2 -> 0, team-b/full 17 -> 0,
    // llm/production 18 -> 0, llm/incremental 4 -> 0, llm/disaggregated 12 -> 0 (llm/default and llm/one-group had none).
    expect(left).toEqual({
      // No prop for a planner's or endpoint picker's component beyond the DynamoModel default shape;
      // without the planner read back, the props render the workers' replicas the planner leaves out.
      'DynamoGraphDeployment llm/planner-sla': ['remove /spec/components/1/replicas', 'remove /spec/components/2/replicas', 'add /spec/components/3'],
      'DynamoGraphDeployment llm/planner-load-agg': ['remove /spec/components/1/replicas', 'add /spec/components/2'],
      'DynamoGraphDeployment llm/epp': ['add /spec/components/2'],
      'DynamoGraphDeployment llm/epp-configmap': ['add /spec/components/2'],
    });
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
    // What stays a patch of the recorded and converted objects.
    const left = Object.fromEntries(result.models.filter((m) => m.patches.length > 0).map((m) => [m.ref, m.patches]));
    expect(left).toEqual({
      // The converted v1alpha1 graph: a graph-wide env, a compilation cache, a CPU request, a worker
      // without GPUs next to one with them, and worker args in another order than DynamoModel writes.
      'DynamoGraphDeployment llm/legacy-disagg': [
        'add /spec/env',
        'remove /spec/components/0/podTemplate/spec/containers/0/ports',
        'add /spec/components/1/compilationCache',
        'replace /spec/components/1/podTemplate/spec/containers/0/args',
        'add /spec/components/1/podTemplate/spec/containers/0/envFrom',
        'add /spec/components/1/podTemplate/spec/containers/0/resources/requests/cpu',
        'remove /spec/components/2/podTemplate/spec/containers/0/resources',
        'replace /spec/components/2/podTemplate/spec/containers/0/args',
      ],
      // The recorded graph has no pod templates, which DynamoModel always writes.
      'DynamoGraphDeployment llm/qwen3': [
        'remove /spec/components/0/podTemplate',
        'remove /spec/components/1/podTemplate',
        'remove /spec/components/2/podTemplate',
      ],
      'RayService llm/qwen25': [
        'remove /spec/serveConfigV2',
        'remove /spec/rayClusterConfig/headGroupSpec',
        'remove /spec/rayClusterConfig/rayVersion',
        'remove /spec/rayClusterConfig/workerGroupSpecs/0/rayStartParams',
        'remove /spec/rayClusterConfig/workerGroupSpecs/0/template',
        'replace /spec/rayClusterConfig/workerGroupSpecs/0/replicas',
        'replace /spec/rayClusterConfig/workerGroupSpecs/0/maxReplicas',
      ],
    });
  }, 120_000);

  test('the v1alpha1 conversion matches the hand-written v1beta1 form', () => {
    const [alpha] = yamlObjects(fixture('dgd-v1alpha1.yaml'));
    const [expected] = yamlObjects(fixture('dgd-v1alpha1.expected-v1beta1.yaml'));
    expect(convertDgdV1alpha1(alpha!).object).toEqual(expected);
  });

  test('what the props do not express is kept as commented JSON patches and listed', async () => {
    // DynamoModel has no prop for a planner's own pod template, so a planner component stays a patch.
    const [o] = modelObjects([golden('matrix.dynamo-production.yaml')]).filter((x) => x.metadata.name === 'planner-load-agg');
    const { result, source, io } = await roundTrip([o!]);
    const [m] = result.models;
    expect(m!.patches).toEqual(['remove /spec/components/1/replicas', 'add /spec/components/2']);
    expect(source).toContain('// Kept as JSON patches');
    expect(source).toContain('JsonPatch.add("/spec/components/2"');
    expect(io.data(MESSAGES.IMPORT_PATCHED)).toEqual([{ ref: m!.ref, patches: m!.patches }]);
  }, 60_000);

  test('the props carry env, secrets, args, GPUs, placement and pod metadata: full-vllm-aggregated-kv needs no patch', async () => {
    // Before the wider props mapping this object kept 11 patches (args, env, nodeSelector, tolerations,
    // pod metadata, GPU counts); now every field is a prop, as the construct matrix wrote it.
    const [o] = modelObjects([golden('matrix.dynamo.yaml')]).filter((x) => x.metadata.name === 'full-vllm-aggregated-kv');
    const { result, source } = await roundTrip([o!]);
    expect(result.models[0]!.patches).toEqual([]);
    expect(source).not.toContain('JsonPatch');
    const props = JSON.parse(/new DynamoModel\(stack, "full-vllm-aggregated-kv", (\{[\s\S]*?\n\})\);/.exec(source)![1]!) as Record<string, unknown>;
    expect(props).toMatchObject({
      hfTokenSecret: { name: 'hf-token', key: 'token' },
      env: { API_KEY: { secretKeyRef: { name: 'api', key: 'key' } }, LOG_LEVEL: 'debug' },
      workerArgs: ['--max-model-len', '4096'],
      frontendArgs: ['--verbose'],
      gpusPerWorker: 4,
      roles: { frontend: { nodeSelector: { pool: 'cpu' } } },
      podTemplate: { all: { metadata: { labels: { tier: 'llm' } } } },
    });
  }, 60_000);

  test('RayModel props are read back: worker groups, head, serve, phases, env, secrets, upgrade strategy; a field RayModel never writes stays a patch', async () => {
    // The disaggregated golden object, its first worker group given a field RayModel never writes
    // (priority) and its head container one it has no typed prop for (imagePullPolicy).
    const [o] = modelObjects([golden('matrix.ray-production.yaml')]).filter((x) => x.metadata.name === 'disaggregated');
    const edited = structuredClone(o!) as KubeObject & { spec: { rayClusterConfig: Record<string, any> } };
    edited.spec.rayClusterConfig.workerGroupSpecs[0].priority = 5;
    edited.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const { result, source, synthesized } = await roundTrip([edited]);
    expect(normalised(synthesized.find((x) => x.kind === 'RayService')!)).toEqual(normalised(edited));
    expect(result.models[0]!.patches).toEqual(['add /spec/rayClusterConfig/workerGroupSpecs/0/priority']);
    const props = JSON.parse(/new RayModel\(stack, "disaggregated", (\{[\s\S]*?\n\})\);/.exec(source)![1]!) as Record<string, unknown>;
    // As test/support/construct-matrix.ts RAY_DISAGGREGATED wrote it (defaults left out), plus the head's container field.
    expect(props).toEqual({
      name: 'disaggregated',
      namespace: 'llm',
      model: 'Qwen/Qwen2.5-72B-Instruct',
      modelId: 'qwen-72b-pd',
      mode: 'disaggregated',
      engineKwargs: { max_model_len: 16384 },
      serve: { maxOngoingRequests: 64 },
      prefill: {
        tensorParallelSize: 4,
        engineKwargs: { max_num_batched_tokens: 32768 },
        autoscaling: { maxReplicas: 2 },
        serve: { acceleratorType: 'H100', placement: { strategy: 'STRICT_PACK' } },
      },
      decode: { tensorParallelSize: 2, autoscaling: { minReplicas: 2, maxReplicas: 4, targetOngoingRequests: 32 }, serve: { acceleratorType: 'L40S' } },
      workerGroups: [
        { name: 'prefill-h100', phase: 'prefill', minReplicas: 1, maxReplicas: 2, acceleratorType: 'H100', sharedMemory: '16Gi' },
        { name: 'decode-l40s', phase: 'decode', minReplicas: 2, maxReplicas: 4, acceleratorType: 'L40S' },
      ],
      head: { podTemplate: { spec: { containers: [{ name: 'ray-head', imagePullPolicy: 'IfNotPresent' }] } } },
      rayVersion: '2.52.0',
      hfTokenSecret: { name: 'hf-token', key: 'token' },
    });
  }, 60_000);

  test('a Ray object whose read-back props RayModel refuses falls back to the basic props, with a NOTE, and still comes back as written', async () => {
    // A hand-edited worker group: minReplicas above maxReplicas. Each field has the shape RayModel
    // writes, but RayModel refuses the group, so the file uses the basic props and patches the rest.
    const [o] = modelObjects([golden('matrix.ray.yaml')]).filter((x) => x.metadata.name === 'full');
    const edited = structuredClone(o!) as KubeObject & { spec: { rayClusterConfig: Record<string, any> } };
    Object.assign(edited.spec.rayClusterConfig.workerGroupSpecs[2], { minReplicas: 2, maxReplicas: 1, replicas: 1 });
    const { result, source, io, synthesized } = await roundTrip([edited]);
    expect(normalised(synthesized.find((x) => x.kind === 'RayService')!)).toEqual(normalised(edited));
    const [m] = result.models;
    expect(m!.notes).toEqual([
      expect.stringMatching(/^the construct refused the props read back from the object \(.*workerGroups\[2\]\.minReplicas.*\); the file uses the basic props/),
    ]);
    expect(io.data(MESSAGES.IMPORT_NOT_CONVERTED)).toEqual([{ ref: 'RayService team-b/full', fields: m!.notes }]);
    expect(source).toContain(`// NOTE: ${m!.notes[0]!.split('\n')[0]}`);
    const props = JSON.parse(/new RayModel\(stack, "full", (\{[\s\S]*?\n\})\);/.exec(source)![1]!) as Record<string, unknown>;
    expect(props).toEqual({
      name: 'full',
      namespace: 'team-b',
      labels: { team: 'ml' },
      annotations: { owner: 'bob' },
      model: 'Qwen/Qwen2.5-7B-Instruct',
      modelId: 'qwen',
      tensorParallelSize: 2,
      rayVersion: '2.51.0',
    });
    // Everything else is a patch again, the worker groups among them.
    expect(m!.patches).toEqual(expect.arrayContaining(['add /spec/rayClusterConfig/workerGroupSpecs/2', 'replace /spec/serveConfigV2']));
  }, 90_000);

  test('fields a live object has from CRD defaults are not patches (outside atomic lists); without the CRDs they are', async () => {
    // A live-shaped RayService: server metadata and status, plus what the API server defaulted from
    // the RayService CRD (kuberay, shared/crds/kuberay/ray.io_rayservices.yaml): workerGroupSpecs[].numOfHosts 1,
    // .priority 0, and the head container ports' protocol TCP (core ContainerPort default in the CRD schema).
    const live = JSON.parse(readFileSync(fixture('rayservice-live-defaulted.json'), 'utf8')) as KubeObject;
    const defaulted = [
      '/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/0/protocol',
      '/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/1/protocol',
      '/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/2/protocol',
      '/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/3/protocol',
      '/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/4/protocol',
    ];
    // workerGroupSpecs is an atomic list (no x-kubernetes-list-type): server-side apply compares it
    // whole, so the stack must write its defaulted fields or apply conflicts with the object's manager.
    const atomic = ['add /spec/rayClusterConfig/workerGroupSpecs/0/numOfHosts', 'add /spec/rayClusterConfig/workerGroupSpecs/0/priority'];
    const withCrds = await roundTrip([live], { crdsDir: CRDS_DIR });
    const [m] = withCrds.result.models;
    expect(m!.patches).toEqual(atomic);
    expect(m!.normalised.filter((n) => n.endsWith('(CRD default)'))).toEqual(defaulted.map((p) => `${p} (CRD default)`));
    // What the stack renders, defaulted as the API server would, is the live object as written.
    const schema = (await loadCrds(CRDS_DIR)).schemaFor('ray.io/v1', 'RayService')!;
    const rendered = withCrds.synthesized.find((o) => o.kind === 'RayService')!;
    expect(normalised(applyDefaults(rendered, schema))).toEqual(normalised(stripServerFields(live).object));
    // Without CRDs (an empty directory) nothing is known to be a default: each becomes a patch.
    const empty = tempDir('modelstack-no-crds-');
    const without = await roundTrip([live], { crdsDir: empty });
    expect(without.result.models[0]!.patches).toEqual([...defaulted.map((p) => `add ${p}`), ...atomic]);
  }, 120_000);

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
