import { DynamoModel, Model, ModelCache, type ModelStack, RayModel, secretKey } from '../../index.js';
import { modelDescriptors } from '../../constructs/modelstack-app.js';
import { buildStack } from '../support/stacks.js';

/** The descriptors of the models `build` adds to a fresh stack. */
function descriptorsOf(build: (stack: ModelStack) => void): unknown[] {
  return modelDescriptors(buildStack(build).stack);
}

describe('ModelDescriptor of a model construct', () => {
  test('DynamoModel: names its DynamoGraphDeployment; GPUs per engine are the GPUs of a worker pod', () => {
    let model: DynamoModel | undefined;
    const found = descriptorsOf((s) => {
      model = new DynamoModel(s, 'Qwen3', {
        model: 'Qwen/Qwen3-0.6B',
        servedModelName: 'qwen3',
        namespace: 'llm',
        engine: 'sglang',
        mode: 'disaggregated',
        tensorParallelSize: 2,
        gpusPerWorker: 4,
      });
    });
    expect(model!.descriptor).toEqual({
      runtime: 'dynamo',
      apiVersion: 'nvidia.com/v1beta1',
      kind: 'DynamoGraphDeployment',
      namespace: 'llm',
      name: 'qwen3',
      engine: 'sglang',
      model: 'Qwen/Qwen3-0.6B',
      servedModelName: 'qwen3',
      tensorParallelSize: 2,
      gpusPerEngine: 4,
    });
    expect(found).toEqual([model!.descriptor]);
  });

  test('DynamoModel on CPU-only workers: no GPUs per engine', () => {
    expect(descriptorsOf((s) => new DynamoModel(s, 'cpu', { model: 'm/m', gpusPerWorker: 0 }))).toEqual([
      expect.objectContaining({ tensorParallelSize: 1, gpusPerEngine: 0 }),
    ]);
  });

  test('RayModel: names its RayService; vLLM on tensorParallelSize GPUs when a worker group has GPUs', () => {
    let model: RayModel | undefined;
    descriptorsOf((s) => {
      model = new RayModel(s, 'llama', { model: 'meta/llama', modelId: 'llama', tensorParallelSize: 2 });
    });
    expect(model!.descriptor).toEqual({
      runtime: 'kuberay',
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      namespace: 'default',
      name: 'llama',
      engine: 'vllm',
      model: 'meta/llama',
      servedModelName: 'llama',
      tensorParallelSize: 2,
      gpusPerEngine: 2,
    });
  });

  test('RayModel whose worker groups have no GPUs: no GPUs per engine', () => {
    const found = descriptorsOf((s) => new RayModel(s, 'cpu', { model: 'm/m', workerGroups: [{ name: 'cpu', minReplicas: 1, maxReplicas: 1, gpus: 0 }] }));
    expect(found).toEqual([expect.objectContaining({ runtime: 'kuberay', tensorParallelSize: 1, gpusPerEngine: 0 })]);
  });

  test('Model: the descriptor of the construct it wrote, once per model in the stack', () => {
    const models: Model[] = [];
    const found = descriptorsOf((s) => {
      models.push(new Model(s, 'a', { runtime: 'dynamo', model: 'm/a', servedModelName: 'a' }));
      models.push(new Model(s, 'b', { runtime: 'kuberay', model: 'm/b', servedModelName: 'b', gpusPerWorker: 0 }));
    });
    expect(models.map((m) => m.descriptor)).toEqual([models[0]!.target!.descriptor, models[1]!.target!.descriptor]);
    expect(found).toEqual(models.map((m) => m.descriptor));
    expect(found).toEqual([
      expect.objectContaining({ runtime: 'dynamo', name: 'a', servedModelName: 'a', gpusPerEngine: 1 }),
      expect.objectContaining({ runtime: 'kuberay', name: 'b', servedModelName: 'b', gpusPerEngine: 0 }),
    ]);
  });

  test('a model with a ModelCache carries what the cache downloads, for local runs (Dynamo and Ray)', () => {
    const rev = 'c1899de289a04d12100db370d81485cdf75e47ca';
    let cache: ModelCache | undefined;
    const found = descriptorsOf((s) => {
      cache = new ModelCache(s, 'weights', { model: 'Qwen/Qwen3-0.6B', revision: rev, size: '20Gi', hfTokenSecret: secretKey('hf', 'token') });
      new DynamoModel(s, 'd', { model: 'Qwen/Qwen3-0.6B', cache });
      new RayModel(s, 'r', { model: 'Qwen/Qwen3-0.6B', cache });
      new DynamoModel(s, 'plain', { model: 'Qwen/Qwen3-0.6B' });
    }) as { cache?: unknown }[];
    expect(cache!.descriptor).toMatchObject({
      name: 'weights',
      claimName: 'weights',
      model: 'Qwen/Qwen3-0.6B',
      revision: rev,
      modelPath: `/model-cache/models/Qwen--Qwen3-0.6B/${rev}`,
      download: { image: 'python:3.12-slim', env: { MODEL: 'Qwen/Qwen3-0.6B', REVISION: rev } },
      hfTokenSecret: { name: 'hf', key: 'token' },
    });
    expect(found.map((d) => d.cache)).toEqual([cache!.descriptor, cache!.descriptor, undefined]);
  });

  test('invalid props: no descriptor', () => {
    let model: DynamoModel | undefined;
    let wrapper: Model | undefined;
    const found = descriptorsOf((s) => {
      model = new DynamoModel(s, 'd', { model: 'm/m', tensorParallelSize: 4, gpusPerWorker: 2 });
      wrapper = new Model(s, 'w', { runtime: 'nope' as 'dynamo', model: 'm/m' });
    });
    expect(model!.descriptor).toBeUndefined();
    expect(wrapper!.descriptor).toBeUndefined();
    expect(found).toEqual([]);
  });
});
