// Every DynamoGraphDeployment and RayService modelstack synthesizes must pass the upstream CRD
// schemas (read from the shared CRD directory, never copied into this repository).
import { DynamoModel, ModelCache, RayModel, type RayModelProps } from '../../index.js';
import { silentIoHost } from '../../src/io/io-host.js';
import { type CrdStore, loadCrds } from '../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { validateObject } from '../../src/schema/validate.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { synthStacks } from '../../src/synth/synth.js';
import {
  DYNAMO_MATRIX,
  DYNAMO_PRODUCTION,
  fullDynamoProps,
  RAY_DISAGGREGATED,
  RAY_FULL,
  RAY_INCREMENTAL_UPGRADE,
  RAY_ONE_GROUP,
  RAY_PRODUCTION,
} from '../support/construct-matrix.js';
import { repoRoot } from '../support/paths.js';
import { type Json, objectsOf } from '../support/stacks.js';

const MODEL_KINDS = new Set(['DynamoGraphDeployment', 'RayService']);

let store: CrdStore;
let example: KubeObject[];

beforeAll(async () => {
  const [crds, stacks] = await Promise.all([
    loadCrds(resolveCrdsDir(undefined, { searchFrom: [repoRoot] }), {
      include: (rel) => /nvidia\.com_dynamographdeployments\.ya?ml$|ray\.io_rayservices\.ya?ml$/.test(rel),
    }),
    // The example stack, through the CLI engine: cdk8s.yaml's app (stacks/main.ts).
    synthStacks({ cwd: repoRoot }, silentIoHost),
  ]);
  store = crds;
  example = stacks.flatMap((s) => [...s.objects]);
}, 60_000);

/** `Kind name: path message` for every schema issue of every model object. */
function schemaIssues(objects: readonly (Json | KubeObject)[]): string[] {
  return objects
    .filter((o) => MODEL_KINDS.has(o.kind))
    .flatMap((o) => validateObject(o, store).issues.map((i) => `${o.kind} ${o.metadata.name}: ${i.path} ${i.message}`));
}

function models(objects: readonly (Json | KubeObject)[]): string[] {
  return objects.filter((o) => MODEL_KINDS.has(o.kind)).map((o) => `${o.kind} ${o.metadata.name}`);
}

describe('CRD schemas', () => {
  test('the CRDs of both runtimes are loaded', () => {
    expect(store.schemaFor('nvidia.com/v1beta1', 'DynamoGraphDeployment')).toBeDefined();
    expect(store.schemaFor('ray.io/v1', 'RayService')).toBeDefined();
  });

  test('the example stack (stacks/main.ts) conforms', () => {
    // At least one model of each runtime, so the check below cannot pass on an empty list.
    expect(new Set(example.filter((o) => MODEL_KINDS.has(o.kind)).map((o) => o.kind))).toEqual(MODEL_KINDS);
    expect(schemaIssues(example)).toEqual([]);
  });

  test.each(DYNAMO_MATRIX)('DynamoGraphDeployment $engine $mode $router conforms', (p) => {
    const full = fullDynamoProps(p);
    const objects = objectsOf(
      (s) => {
        new DynamoModel(s, 'minimal', { model: 'Qwen/Qwen3-0.6B', ...p });
        new DynamoModel(s, 'full', full);
        // TensorRT-LLM has no CPU workers (gpusPerWorker 0 is refused for it).
        if (p.engine !== 'trtllm') new DynamoModel(s, 'cpu', { model: 'Qwen/Qwen3-0.6B', ...p, gpusPerWorker: 0 });
      },
      { namespace: 'llm' },
    );
    expect(models(objects)).toHaveLength(p.engine === 'trtllm' ? 2 : 3);
    expect(schemaIssues(objects)).toEqual([]);
  });

  test.each(Object.entries(DYNAMO_PRODUCTION))('DynamoGraphDeployment production shape %s conforms', (id, props) => {
    const objects = objectsOf((s) => new DynamoModel(s, id, props), { namespace: 'llm' });
    expect(models(objects)).toHaveLength(1);
    expect(schemaIssues(objects)).toEqual([]);
  });

  const rayCases: [string, Partial<RayModelProps>][] = [
    ['default worker group', {}],
    ['one worker group', RAY_ONE_GROUP],
    ['several worker groups with autoscaling', RAY_FULL],
    ['the production shape (typed Serve LLM config, multi-host group, scheduling, upgrade None)', RAY_PRODUCTION],
    ['an incremental upgrade', RAY_INCREMENTAL_UPGRADE],
    ['prefill/decode disaggregation (phase worker groups with Ray resources)', RAY_DISAGGREGATED],
    ['upgrade NewCluster', { upgradeStrategy: { type: 'NewCluster' } }],
  ];

  test.each(rayCases)('RayService with %s conforms', (_name, props) => {
    const objects = objectsOf((s) => new RayModel(s, 'ray', { model: 'Qwen/Qwen2.5-7B-Instruct', ...props }));
    expect(models(objects)).toHaveLength(1);
    expect(schemaIssues(objects)).toEqual([]);
  });

  test('models that mount a ModelCache (weights and compilation cache) conform, on both runtimes and every Dynamo mode', () => {
    const objects = objectsOf((s) => {
      const cache = new ModelCache(s, 'weights', {
        model: 'Qwen/Qwen3-0.6B',
        revision: 'c1899de289a04d12100db370d81485cdf75e47ca',
        size: '20Gi',
        compilationCache: { size: '5Gi' },
      });
      new DynamoModel(s, 'agg', { model: 'Qwen/Qwen3-0.6B', cache });
      new DynamoModel(s, 'disagg', { model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', cache });
      new RayModel(s, 'ray', { model: 'Qwen/Qwen3-0.6B', cache });
    });
    expect(models(objects)).toEqual(['DynamoGraphDeployment agg', 'DynamoGraphDeployment disagg', 'RayService ray']);
    expect(schemaIssues(objects)).toEqual([]);
  });

  test('negative control: the validator catches broken objects', () => {
    const [dgd] = objectsOf((s) => new DynamoModel(s, 'd', { model: 'm/m' })) as Json[];
    const broken = JSON.parse(JSON.stringify(dgd)) as Json;
    broken.spec.components[0].replicas = 'two';
    broken.spec.components[1].type = 'bogus';
    broken.spec.components[1].podTemplate.spec.containers[0].imagee = 'typo';
    broken.spec.unknownField = true;
    const issues = schemaIssues([broken]);
    expect(issues).toEqual(
      expect.arrayContaining([
        'DynamoGraphDeployment d: spec.components[0].replicas must be of type integer, got string',
        expect.stringMatching(/^DynamoGraphDeployment d: spec\.components\[1\]\.type unsupported value "bogus"/),
        'DynamoGraphDeployment d: spec.components[1].podTemplate.spec.containers[0].imagee unknown field "imagee"',
        'DynamoGraphDeployment d: spec.unknownField unknown field "unknownField"',
      ]),
    );

    const [rs] = objectsOf((s) => new RayModel(s, 'r', { model: 'm/m' })) as Json[];
    const brokenRay = JSON.parse(JSON.stringify(rs)) as Json;
    brokenRay.spec.rayClusterConfig.workerGroupSpecs[0].minReplicas = -1.5;
    brokenRay.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].resourcess = {};
    expect(schemaIssues([brokenRay])).toEqual([
      'RayService r: spec.rayClusterConfig.workerGroupSpecs[0].minReplicas must be of type integer, got number',
      'RayService r: spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].resourcess unknown field "resourcess"',
    ]);
    // The untouched objects are clean, so the issues above come from the breakage.
    expect(schemaIssues([dgd!, rs!])).toEqual([]);
  });
});
