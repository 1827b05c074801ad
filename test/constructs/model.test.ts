import { parse } from 'yaml';
import { DynamoModel, Model, type ModelProps, RayModel, secretKey } from '../../index.js';
import { component, container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen3-0.6B';

function objectOf(props: Partial<ModelProps> & Pick<ModelProps, 'runtime'>, id = 'm'): Json {
  const objects = objectsOf((s) => new Model(s, id, { model: MODEL, ...props })).filter((o) => o.kind !== 'Namespace');
  expect(objects).toHaveLength(1);
  return objects[0]!;
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new Model(s, 'm', { model: MODEL, ...props } as unknown as ModelProps));
}

function llmConfig(rs: Json): Json {
  return parse(rs.spec.serveConfigV2).applications[0].args.llm_configs[0];
}

describe('Model picks the runtime', () => {
  test('runtime "dynamo" renders a DynamoGraphDeployment through a DynamoModel', () => {
    let m!: Model;
    const objects = objectsOf((s) => {
      m = new Model(s, 'qwen3-dynamo', { runtime: 'dynamo', model: MODEL, mode: 'disaggregated', router: 'kv' });
    });
    expect(m.runtime).toBe('dynamo');
    expect(m.target).toBeInstanceOf(DynamoModel);
    const d = single(objects, 'DynamoGraphDeployment');
    expect(d.metadata.labels['modelstack.io/runtime']).toBe('dynamo');
    expect(d.spec.components.map((c: Json) => c.type)).toEqual(['frontend', 'prefill', 'decode']);
  });

  test('runtime "kuberay" renders a RayService through a RayModel', () => {
    let m!: Model;
    const objects = objectsOf((s) => {
      m = new Model(s, 'qwen-ray', { runtime: 'kuberay', model: MODEL });
    });
    expect(m.runtime).toBe('kuberay');
    expect(m.target).toBeInstanceOf(RayModel);
    expect(single(objects, 'RayService').metadata.labels['modelstack.io/runtime']).toBe('kuberay');
  });

  test('the object is named after the Model id, not after its "Runtime" child', () => {
    expect(objectOf({ runtime: 'dynamo' }, 'Qwen3_Dynamo').metadata.name).toBe('qwen3-dynamo');
    expect(objectOf({ runtime: 'kuberay' }, 'Qwen25.Ray').metadata.name).toBe('qwen25-ray');
    expect(objectOf({ runtime: 'kuberay', name: 'explicit' }).metadata.name).toBe('explicit');
  });

  test('switching runtimes keeps name, namespace, labels and annotations', () => {
    for (const runtime of ['dynamo', 'kuberay'] as const) {
      const o = objectOf({ runtime, namespace: 'llm', labels: { team: 'ml' }, annotations: { owner: 'a' } });
      expect(o.metadata.name).toBe('m');
      expect(o.metadata.namespace).toBe('llm');
      expect(o.metadata.labels.team).toBe('ml');
      expect(o.metadata.annotations).toEqual({ owner: 'a' });
    }
  });
});

describe('Model props', () => {
  test('servedModelName: --served-model-name on Dynamo, model_id on KubeRay', () => {
    const d = objectOf({ runtime: 'dynamo', servedModelName: 'qwen3' });
    const args: string[] = container(component(d, 'worker').podTemplate, 'main').args;
    expect(args.slice(0, 4)).toEqual(['--model', MODEL, '--served-model-name', 'qwen3']);
    const r = objectOf({ runtime: 'kuberay', servedModelName: 'qwen3' });
    expect(llmConfig(r).model_loading_config).toEqual({ model_id: 'qwen3', model_source: MODEL });
  });

  test('gpusPerWorker: the GPU limit of Dynamo workers', () => {
    const d = objectOf({ runtime: 'dynamo', tensorParallelSize: 2, gpusPerWorker: 4 });
    expect(container(component(d, 'worker').podTemplate, 'main').resources.limits).toEqual({ 'nvidia.com/gpu': '4' });
  });

  test('gpusPerWorker on KubeRay sizes the default worker group', () => {
    const r = objectOf({ runtime: 'kuberay', tensorParallelSize: 2, gpusPerWorker: 4, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    const [g, ...more] = r.spec.rayClusterConfig.workerGroupSpecs as Json[];
    expect(more).toEqual([]);
    expect([g!.groupName, g!.replicas, g!.minReplicas, g!.maxReplicas]).toEqual(['gpu', 1, 1, 3]);
    expect(container(g!.template, 'ray-worker').resources.limits['nvidia.com/gpu']).toBe('4');
    expect(llmConfig(r).engine_kwargs).toEqual({ tensor_parallel_size: 2 });
  });

  test('gpusPerWorker on KubeRay changes only the GPUs of the group RayModel would make', () => {
    for (const autoscaling of [undefined, { minReplicas: 0 }, { minReplicas: 2 }, { minReplicas: 1, maxReplicas: 4 }]) {
      const props = { runtime: 'kuberay' as const, tensorParallelSize: 2, ...(autoscaling ? { autoscaling } : {}) };
      const without = objectOf(props).spec.rayClusterConfig;
      const withGpus = objectOf({ ...props, gpusPerWorker: 2 }).spec.rayClusterConfig;
      expect(withGpus).toEqual(without);
      const changed = objectOf({ ...props, gpusPerWorker: 3 }).spec.rayClusterConfig.workerGroupSpecs[0];
      expect(container(changed.template, 'ray-worker').resources.limits['nvidia.com/gpu']).toBe('3');
    }
  });

  test('common props reach both runtimes', () => {
    const common = {
      engine: 'vllm' as const,
      tensorParallelSize: 2,
      image: 'registry.example.com/llm:1.0.0',
      hfTokenSecret: secretKey('hf', 'token'),
      env: { A: '1' },
    };
    const d = objectOf({ runtime: 'dynamo', ...common });
    const w = container(component(d, 'worker').podTemplate, 'main');
    expect(w.image).toBe('registry.example.com/llm:1.0.0');
    expect(w.env.map((e: Json) => e.name)).toEqual(['HF_TOKEN', 'A']);
    expect(w.args).toEqual(expect.arrayContaining(['--tensor-parallel-size', '2']));
    const r = objectOf({ runtime: 'kuberay', ...common });
    const rw = container(r.spec.rayClusterConfig.workerGroupSpecs[0].template, 'ray-worker');
    expect(rw.image).toBe('registry.example.com/llm:1.0.0');
    expect(rw.env.map((e: Json) => e.name)).toEqual(['HF_TOKEN', 'A']);
    expect(llmConfig(r).engine_kwargs.tensor_parallel_size).toBe(2);
  });

  test('runtime-specific props reach their runtime', () => {
    const d = objectOf({ runtime: 'dynamo', replicas: { frontend: 2, worker: 3 }, runtimeVersion: '1.5.0', workerArgs: ['--x'] });
    expect(d.spec.components.map((c: Json) => c.replicas)).toEqual([2, 3]);
    expect(container(component(d, 'worker').podTemplate, 'main').args.at(-1)).toBe('--x');
    const r = objectOf({ runtime: 'kuberay', rayVersion: '2.49.1', head: { cpu: '3' }, engineKwargs: { max_model_len: 2048 } });
    expect(r.spec.rayClusterConfig.rayVersion).toBe('2.49.1');
    expect(llmConfig(r).engine_kwargs.max_model_len).toBe(2048);
  });
});

describe('Model invalid props', () => {
  test('unknown runtime', () => {
    let m!: Model;
    const out = errorsOf((s) => {
      m = new Model(s, 'm', { runtime: 'vertex', model: MODEL } as unknown as ModelProps);
    });
    expect(out).toEqual(['[test/m] runtime: "vertex" is not a known runtime. Fix: use runtime: "dynamo" | "kuberay"']);
    expect(m.target).toBeUndefined();
    expect(errors({ runtime: undefined })).toEqual(['[test/m] runtime: (unset) is not a known runtime. Fix: use runtime: "dynamo" | "kuberay"']);
  });

  test('KubeRay with SGLang or TensorRT-LLM, KV routing: reported once, by the capability rules (disaggregation is served)', () => {
    expect(errors({ runtime: 'kuberay', engine: 'sglang', router: 'kv', mode: 'disaggregated' })).toEqual([
      '[test/m] engine: "sglang" is not served by runtime "kuberay" (KubeRay serves vllm only, aggregated or disaggregated). ' +
        'Fix: use engine: "vllm", or runtime: "dynamo"',
      '[test/m] router: "kv" is not available on runtime "kuberay" (KV-aware routing is Dynamo-only). ' +
        'Fix: remove router (round-robin is used), or set runtime: "dynamo"',
    ]);
    expect(errors({ runtime: 'kuberay', engine: 'trtllm' })).toEqual([
      '[test/m] engine: "trtllm" is not served by runtime "kuberay" (KubeRay serves vllm only). Fix: use engine: "vllm", or runtime: "dynamo"',
    ]);
    // Round-robin and aggregated are what KubeRay does anyway.
    expect(errors({ runtime: 'kuberay', router: 'round-robin', mode: 'aggregated' })).toEqual([]);
  });

  test('Dynamo-only props on KubeRay', () => {
    expect(
      errors({
        runtime: 'kuberay',
        replicas: { worker: 2 },
        runtimeVersion: '1.4.0',
        workerArgs: ['--x'],
        frontendArgs: ['--y'],
        podTemplate: { all: {} },
      }),
    ).toEqual([
      '[test/m] replicas: {"worker":2} applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m] runtimeVersion: "1.4.0" applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m] workerArgs: ["--x"] applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m] frontendArgs: ["--y"] applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m] podTemplate: {"all":{}} applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
    ]);
  });

  test('Ray-only props on Dynamo', () => {
    expect(
      errors({
        runtime: 'dynamo',
        autoscaling: { minReplicas: 1 },
        workerGroups: [{ name: 'gpu', minReplicas: 1, maxReplicas: 1 }],
        head: { cpu: '2' },
        rayVersion: '2.52.0',
        engineKwargs: { a: 1 },
      }),
    ).toEqual([
      '[test/m] autoscaling: {"minReplicas":1} applies to runtime "kuberay" only. Fix: remove it, or set runtime: "kuberay"',
      '[test/m] workerGroups: [{"name":"gpu","minReplicas":1,"maxReplicas":1}] applies to runtime "kuberay" only. ' +
        'Fix: remove it, or set runtime: "kuberay"',
      '[test/m] head: {"cpu":"2"} applies to runtime "kuberay" only. Fix: remove it, or set runtime: "kuberay"',
      '[test/m] rayVersion: "2.52.0" applies to runtime "kuberay" only. Fix: remove it, or set runtime: "kuberay"',
      '[test/m] engineKwargs: {"a":1} applies to runtime "kuberay" only. Fix: remove it, or set runtime: "kuberay"',
    ]);
  });

  test('tensorParallelSize larger than gpusPerWorker, on either runtime', () => {
    expect(errors({ runtime: 'dynamo', tensorParallelSize: 4, gpusPerWorker: 2 })).toEqual([
      '[test/m/Runtime] tensorParallelSize: 4 is larger than gpusPerWorker (2); each tensor-parallel rank needs its own GPU. ' +
        'Fix: set gpusPerWorker to at least 4, or lower tensorParallelSize',
    ]);
    expect(errors({ runtime: 'kuberay', tensorParallelSize: 4, gpusPerWorker: 2 })).toEqual([
      '[test/m/Runtime] tensorParallelSize: 4 is larger than the GPUs of any worker group (at most 2 per pod); ' +
        'each tensor-parallel rank needs its own GPU. Fix: give a worker group gpus: 4 or more, or lower tensorParallelSize',
    ]);
  });

  test('gpusPerWorker next to workerGroups on KubeRay is ambiguous', () => {
    expect(errors({ runtime: 'kuberay', gpusPerWorker: 2, workerGroups: [{ name: 'gpu', minReplicas: 1, maxReplicas: 1 }] })).toEqual([
      '[test/m] gpusPerWorker: 2 is ambiguous next to workerGroups on runtime "kuberay". Fix: set gpus on each worker group instead',
    ]);
  });

  test('mistakes of the runtime construct come in the same report, under its path', () => {
    expect(errors({ runtime: 'kuberay', replicas: { worker: 1 }, image: 'ray:latest', tensorParallelSize: 2, gpusPerWorker: 1 })).toEqual([
      '[test/m] replicas: {"worker":1} applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m/Runtime] image: "ray:latest" is not pinned to a version (no tag, or "latest"). ' +
        'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
      '[test/m/Runtime] tensorParallelSize: 2 is larger than the GPUs of any worker group (at most 1 per pod); ' +
        'each tensor-parallel rank needs its own GPU. Fix: give a worker group gpus: 2 or more, or lower tensorParallelSize',
    ]);
    expect(errors({ runtime: 'kuberay', replicas: { worker: 1 }, name: 'Bad' })).toEqual([
      '[test/m] replicas: {"worker":1} applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m/Runtime] name: "Bad" is not a valid DNS-1123 name. ' +
        'Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
    ]);
  });

  test('unknown props are reported by the runtime construct', () => {
    const out = errors({ runtime: 'dynamo', replica: 2 });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\[test\/m\/Runtime\] replica: 2 is not a known prop\. Fix: remove it \(known props: model, /);
  });
});
