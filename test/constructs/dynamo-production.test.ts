// Production shapes of DynamoModel (issue 10): multinode workers, per-role settings, TensorRT-LLM
// engine configs, pod settings, and the rules that refuse silent wrong output.
import { parse } from 'yaml';
import { DynamoModel, type DynamoModelProps, Model, secretKey } from '../../index.js';
import { component, container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen3-0.6B';

function objects(props: Partial<DynamoModelProps> = {}): Json[] {
  return objectsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props }), { namespace: 'llm' });
}

function dgd(props: Partial<DynamoModelProps> = {}): Json {
  return single(objects(props), 'DynamoGraphDeployment');
}

function main(c: Json): Json {
  return container(c.podTemplate, 'main');
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props } as unknown as DynamoModelProps));
}

describe('model ids', () => {
  test('Hugging Face ids, legacy one-part ids and paths are accepted', () => {
    for (const model of ['Qwen/Qwen3-0.6B', 'meta-llama/Llama-3.1-8B-Instruct', 'gpt2', '/models/qwen3', './models/qwen3']) {
      expect(errors({ model })).toEqual([]);
    }
  });

  test('a flag where the model goes', () => {
    expect(errors({ model: '--enforce-eager' })).toEqual([
      '[test/m] model: "--enforce-eager" looks like an engine flag, not a model. Fix: set model to the model (a Hugging Face id like ' +
        '"Qwen/Qwen3-0.6B", or the absolute path of the model inside the container) and pass engine flags with workerArgs',
    ]);
  });

  test('a Hugging Face web address', () => {
    expect(errors({ model: 'https://huggingface.co/Qwen/Qwen3-0.6B/tree/main' })).toEqual([
      '[test/m] model: "https://huggingface.co/Qwen/Qwen3-0.6B/tree/main" is a Hugging Face web address, not a model id. Fix: use the repository id "Qwen/Qwen3-0.6B"',
    ]);
  });

  test('a name with spaces, an unsupported URI, and something that is neither id nor path', () => {
    const fix = 'Fix: use a Hugging Face id like "Qwen/Qwen3-0.6B", or the absolute path of the model inside the container';
    expect(errors({ model: 'Qwen 3 0.6B' })).toEqual([`[test/m] model: "Qwen 3 0.6B" contains whitespace, which no model id or path has. ${fix}`]);
    expect(errors({ model: 's3://bucket/qwen3' })).toEqual([
      `[test/m] model: "s3://bucket/qwen3" uses the URI scheme "s3://" (no URI scheme is supported here). ${fix}`,
    ]);
    expect(errors({ model: 'a/b/c' })).toEqual([`[test/m] model: "a/b/c" is neither a Hugging Face id ("org/name") nor a path. ${fix}`]);
    expect(errors({ model: 'org/na--me' })).toEqual([`[test/m] model: "org/na--me" is neither a Hugging Face id ("org/name") nor a path. ${fix}`]);
  });
});

describe('impossible combinations', () => {
  test('a frontend with zero replicas', () => {
    expect(errors({ replicas: { frontend: 0 } })).toEqual([
      '[test/m] replicas.frontend: 0 leaves the model without a frontend, so nothing serves its OpenAI endpoint. ' +
        'Fix: use at least 1 frontend replica (scale workers to 0 to pause the model)',
    ]);
  });

  test('TensorRT-LLM workers with zero GPUs', () => {
    expect(errors({ engine: 'trtllm', gpusPerWorker: 0 })).toEqual([
      '[test/m] gpusPerWorker: 0 leaves TensorRT-LLM workers without a GPU; TensorRT-LLM runs on NVIDIA GPUs only. ' +
        'Fix: give each worker GPUs (gpusPerWorker: 1), or use engine: "vllm" or "sglang" with a CPU image',
    ]);
  });

  test('pipeline-parallel ranks beyond the GPUs of one pod', () => {
    expect(errors({ tensorParallelSize: 2, pipelineParallelSize: 2, gpusPerWorker: 2 })).toEqual([
      '[test/m] pipelineParallelSize: 2 makes tensorParallelSize × pipelineParallelSize (2 × 2 = 4) ranks, more than gpusPerWorker (2); ' +
        'each rank needs its own GPU. Fix: set gpusPerWorker to at least 4, lower the parallel sizes, or spread the worker over nodes with multinode',
    ]);
  });

  test('shared memory removed from workers with several ranks', () => {
    expect(errors({ tensorParallelSize: 2, roles: { worker: { sharedMemorySize: '0' } } })).toEqual([
      '[test/m] roles.worker.sharedMemorySize: "0" removes /dev/shm from workers with 2 ranks; NCCL exchanges data between ranks through it. ' +
        'Fix: remove it (the operator mounts 8Gi), or set a size like "16Gi"',
    ]);
    expect(errors({ roles: { worker: { sharedMemorySize: '0' } } })).toEqual([]);
    expect(errors({ roles: { worker: { sharedMemorySize: '16 Gi' } } })).toEqual([
      '[test/m] roles.worker.sharedMemorySize: "16 Gi" is not a Kubernetes quantity. Fix: use a size like "16Gi", or "0"',
    ]);
  });

  test('hfTokenSecret and envFromSecret together', () => {
    expect(errors({ hfTokenSecret: secretKey('hf', 'token'), envFromSecret: 'hf' })).toEqual([
      '[test/m] envFromSecret: "hf" is set next to hfTokenSecret; HF_TOKEN would come from two Secrets and the env entry would silently win. ' +
        'Fix: use one of them: hfTokenSecret for one key, or envFromSecret for a whole Secret',
    ]);
  });

  test('role settings for a role the mode does not have', () => {
    expect(errors({ roles: { prefill: { args: ['--x'] } } })).toEqual([
      '[test/m] roles.prefill: {"args":["--x"]} has no effect in mode "aggregated". Fix: remove it, or set mode: "disaggregated" to run prefill and decode workers',
    ]);
  });
});

describe('args that repeat what modelstack writes', () => {
  test('workerArgs setting the tensor-parallel size (any spelling) name the prop to use', () => {
    expect(errors({ workerArgs: ['--max-model-len', '4096', '--tensor-parallel-size', '4', '-tp=4', '--tensor_parallel_size=4'] })).toEqual(
      [2, 4, 5].map(
        (i) =>
          `[test/m] workerArgs[${i}]: ${JSON.stringify(['--max-model-len', '4096', '--tensor-parallel-size', '4', '-tp=4', '--tensor_parallel_size=4'][i])} ` +
          'sets --tensor-parallel-size, which modelstack already writes from tensorParallelSize. Fix: remove it and set tensorParallelSize',
      ),
    );
  });

  test('per-engine spellings: SGLang --tp-size, TensorRT-LLM --model', () => {
    expect(errors({ engine: 'sglang', roles: { worker: { args: ['--tp-size', '2'] } } })).toEqual([
      '[test/m] roles.worker.args[0]: "--tp-size" sets --tp, which modelstack already writes from tensorParallelSize. Fix: remove it and set tensorParallelSize',
    ]);
    expect(errors({ engine: 'trtllm', workerArgs: ['--model', 'x/y'] })).toEqual([
      '[test/m] workerArgs[0]: "--model" sets --model-path, which modelstack already writes from model. Fix: remove it and set model',
    ]);
  });

  test('the pipeline-parallel flag is owned even while pipelineParallelSize is 1', () => {
    expect(errors({ workerArgs: ['--pipeline-parallel-size', '2'] })).toEqual([
      '[test/m] workerArgs[0]: "--pipeline-parallel-size" sets --pipeline-parallel-size, which modelstack already writes from pipelineParallelSize. ' +
        'Fix: remove it and set pipelineParallelSize (the flag is written when it is above 1)',
    ]);
  });

  test('mode and router flags, the TensorRT-LLM config flag, the frontend port', () => {
    expect(
      errors({
        mode: 'disaggregated',
        router: 'kv',
        workerArgs: ['--kv-events-config', '{}'],
        roles: { decode: { args: ['--disaggregation-mode', 'decode'] } },
      }),
    ).toEqual([
      '[test/m] workerArgs[0]: "--kv-events-config" sets --kv-events-config, which modelstack already writes from router. Fix: remove it and set router',
      '[test/m] roles.decode.args[0]: "--disaggregation-mode" sets --disaggregation-mode, which modelstack already writes from mode. Fix: remove it and set mode',
    ]);
    expect(errors({ engine: 'trtllm', mode: 'disaggregated', workerArgs: ['--extra-engine-args', '/x.yaml'] })).toEqual([
      '[test/m] workerArgs[0]: "--extra-engine-args" sets --extra-engine-args, which modelstack already writes from roles.<role>.trtllmConfig. ' +
        'Fix: remove it; set the engine options with roles.<role>.trtllmConfig',
    ]);
    expect(errors({ frontendArgs: ['--http-port=9000'] })).toEqual([
      '[test/m] frontendArgs[0]: "--http-port=9000" sets --http-port, which modelstack already writes from the frontend port (8000). ' +
        'Fix: remove it; the frontend listens on the port modelstack exposes',
    ]);
  });

  test('flags the Dynamo operator adds to multinode workers', () => {
    expect(errors({ engine: 'sglang', tensorParallelSize: 16, gpusPerWorker: 8, multinode: { nodeCount: 2 }, workerArgs: ['--nnodes', '2'] })).toEqual([
      '[test/m] workerArgs[0]: "--nnodes" sets --nnodes, which modelstack already writes from the Dynamo operator (multinode). ' +
        'Fix: remove it; the operator sets it on every node of a multinode worker',
    ]);
    // Without multinode the flag is the user's.
    expect(errors({ engine: 'sglang', workerArgs: ['--nnodes', '1'] })).toEqual([]);
  });

  test('role args are appended after workerArgs / frontendArgs', () => {
    const d = dgd({
      mode: 'disaggregated',
      workerArgs: ['--max-model-len', '4096'],
      frontendArgs: ['--verbose'],
      roles: { frontend: { args: ['--router-temperature', '0.5'] }, prefill: { args: ['--enforce-eager'] } },
    });
    expect(main(component(d, 'frontend')).args).toEqual(['--http-port', '8000', '--verbose', '--router-temperature', '0.5']);
    expect(main(component(d, 'prefill')).args.slice(-3)).toEqual(['--max-model-len', '4096', '--enforce-eager']);
    expect(main(component(d, 'decode')).args.slice(-2)).toEqual(['--max-model-len', '4096']);
  });
});

describe('podTemplate patches that would replace what modelstack renders', () => {
  test('args or command on the main container', () => {
    expect(errors({ podTemplate: { worker: { spec: { containers: [{ name: 'main', args: ['--enforce-eager'] }] } } } })).toEqual([
      '[test/m] podTemplate.worker.spec.containers[0].args: ["--enforce-eager"] replaces the args modelstack renders for the main container ' +
        '(the list is not merged), dropping the model and engine flags. Fix: remove it; add arguments with workerArgs',
    ]);
    expect(errors({ podTemplate: { frontend: { spec: { containers: [{ name: 'main', command: ['sh'] }] } } } })).toEqual([
      '[test/m] podTemplate.frontend.spec.containers[0].command: ["sh"] replaces the command modelstack renders for the main container ' +
        '(the list is not merged), dropping the model and engine flags. Fix: remove it; add arguments with frontendArgs',
    ]);
    // A sidecar's args are its own.
    expect(errors({ podTemplate: { worker: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1.36', args: ['x'] }] } } } })).toEqual([]);
  });

  test('env modelstack writes, the GPU count, and pod fields a role setting sets', () => {
    expect(
      errors({
        hfTokenSecret: secretKey('hf', 'token'),
        roles: { worker: { tolerations: [{ key: 'gpu', operator: 'Exists' }] } },
        podTemplate: {
          all: { spec: { tolerations: [] } },
          worker: {
            spec: {
              containers: [
                {
                  name: 'main',
                  env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }],
                  resources: { limits: { 'nvidia.com/gpu': '8' } },
                },
              ],
            },
          },
        },
      }),
    ).toEqual([
      '[test/m] podTemplate.all.spec.tolerations: [] is also set by roles.worker.tolerations. Fix: set it in one place, preferably roles.worker.tolerations',
      '[test/m] podTemplate.worker.spec.containers[0].env[0]: {"name":"HF_TOKEN"} replaces HF_TOKEN, which modelstack writes from hfTokenSecret. Fix: remove it and use hfTokenSecret',
      '[test/m] podTemplate.worker.spec.containers[0].resources.limits.nvidia.com/gpu: "8" replaces the GPU count modelstack writes from gpusPerWorker. Fix: remove it and set gpusPerWorker',
    ]);
  });
});

describe('multinode workers', () => {
  test.each(['vllm', 'sglang', 'trtllm'] as const)('%s: multinode.nodeCount on every worker, GPUs per node, parallel sizes across nodes', (engine) => {
    const d = dgd({ engine, mode: 'disaggregated', tensorParallelSize: 8, pipelineParallelSize: 2, multinode: { nodeCount: 2 } });
    for (const role of ['prefill', 'decode']) {
      const c = component(d, role);
      expect(c.multinode).toEqual({ nodeCount: 2 });
      expect(main(c).resources.limits).toEqual({ 'nvidia.com/gpu': '8' });
      const args: string[] = main(c).args;
      const tp = { vllm: '--tensor-parallel-size', sglang: '--tp', trtllm: '--tensor-parallel-size' }[engine];
      const pp = { vllm: '--pipeline-parallel-size', sglang: '--pp-size', trtllm: '--pipeline-parallel-size' }[engine];
      expect(args.slice(args.indexOf(tp), args.indexOf(tp) + 4)).toEqual([tp, '8', pp, '2']);
    }
    expect(component(d, 'frontend').multinode).toBeUndefined();
  });

  test("gpusPerWorker given: the nodes' GPUs must add up to the ranks", () => {
    expect(main(component(dgd({ tensorParallelSize: 16, gpusPerWorker: 8, multinode: { nodeCount: 2 } }), 'worker')).resources.limits).toEqual({
      'nvidia.com/gpu': '8',
    });
    expect(errors({ tensorParallelSize: 8, gpusPerWorker: 8, multinode: { nodeCount: 2 } })).toEqual([
      '[test/m] multinode.nodeCount: 2 × gpusPerWorker (8) gives 16 GPUs, but tensorParallelSize (8) needs exactly 8. ' +
        'Fix: make tensorParallelSize × pipelineParallelSize equal gpusPerWorker × multinode.nodeCount (e.g. tensorParallelSize: 16)',
    ]);
  });

  test('invalid multinode shapes', () => {
    expect(errors({ tensorParallelSize: 3, multinode: { nodeCount: 2 } })).toEqual([
      '[test/m] multinode.nodeCount: 2 does not divide tensorParallelSize (3) ranks evenly across nodes. ' +
        'Fix: use a nodeCount that divides 3, or set the parallel sizes to nodeCount × GPUs per node',
    ]);
    expect(errors({ tensorParallelSize: 2, multinode: { nodeCount: 1 } })).toEqual([
      '[test/m] multinode.nodeCount: 1 is below 2, and the DGD CRD (1.4.0) requires multinode.nodeCount >= 2. Fix: remove multinode to run each worker on one node',
    ]);
    expect(errors({ tensorParallelSize: 2, gpusPerWorker: 0, multinode: { nodeCount: 2 } })).toEqual([
      "[test/m] gpusPerWorker: 0 leaves a multinode worker without GPUs; a worker spread over nodes runs its ranks on the nodes' GPUs. " +
        'Fix: set gpusPerWorker to the GPUs of each node, or remove multinode',
    ]);
  });

  test('the descriptor counts the GPUs of every node', () => {
    let m!: DynamoModel;
    objectsOf((s) => {
      m = new DynamoModel(s, 'm', { model: MODEL, tensorParallelSize: 16, multinode: { nodeCount: 2 } });
    });
    expect(m.descriptor?.gpusPerEngine).toBe(16);
  });
});

describe('TensorRT-LLM engine configs per role', () => {
  test('disaggregated by default: a ConfigMap per role, mounted and passed with --extra-engine-args, applied before the graph', () => {
    const all = objects({ engine: 'trtllm', mode: 'disaggregated' });
    expect(all.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Namespace llm',
      'ConfigMap m-prefill-engine-config',
      'ConfigMap m-decode-engine-config',
      'DynamoGraphDeployment m',
    ]);
    const prefill = parse(all[1]!.data['config.yaml']);
    expect(prefill).toEqual({ disable_overlap_scheduler: true, cache_transceiver_config: { backend: 'DEFAULT' } });
    expect(parse(all[2]!.data['config.yaml'])).toEqual({ disable_overlap_scheduler: false, cache_transceiver_config: { backend: 'DEFAULT' } });
    expect(all[1]!.metadata.labels['modelstack.io/runtime']).toBe('dynamo');
    const d = all[3]!;
    for (const role of ['prefill', 'decode']) {
      const c = component(d, role);
      expect(c.podTemplate.spec.volumes).toEqual([{ name: 'modelstack-engine-config', configMap: { name: `m-${role}-engine-config` } }]);
      expect(main(c).volumeMounts).toEqual([{ name: 'modelstack-engine-config', mountPath: '/etc/modelstack/engine-config', readOnly: true }]);
      expect(main(c).args.slice(-2)).toEqual(['--extra-engine-args', '/etc/modelstack/engine-config/config.yaml']);
    }
  });

  test('typed options merge over the role defaults; extra options are written as given', () => {
    const all = objects({
      engine: 'trtllm',
      mode: 'disaggregated',
      roles: {
        prefill: {
          trtllmConfig: {
            maxNumTokens: 8192,
            kvCache: { freeGpuMemoryFraction: 0.5 },
            cacheTransceiver: { maxTokensInBuffer: 4096 },
            extra: { cuda_graph_config: { max_batch_size: 16 } },
          },
        },
        decode: { trtllmConfig: { cacheTransceiver: { backend: 'NIXL' } } },
      },
    });
    expect(parse(all[1]!.data['config.yaml'])).toEqual({
      disable_overlap_scheduler: true,
      cache_transceiver_config: { backend: 'DEFAULT', max_tokens_in_buffer: 4096 },
      max_num_tokens: 8192,
      kv_cache_config: { free_gpu_memory_fraction: 0.5 },
      cuda_graph_config: { max_batch_size: 16 },
    });
    expect(parse(all[2]!.data['config.yaml'])).toEqual({ disable_overlap_scheduler: false, cache_transceiver_config: { backend: 'NIXL' } });
  });

  test('aggregated TensorRT-LLM gets a config only when one is given', () => {
    expect(objects({ engine: 'trtllm' }).map((o) => o.kind)).toEqual(['Namespace', 'DynamoGraphDeployment']);
    const all = objects({ engine: 'trtllm', roles: { worker: { trtllmConfig: { maxBatchSize: 64 } } } });
    expect(all.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Namespace llm', 'ConfigMap m-worker-engine-config', 'DynamoGraphDeployment m']);
    expect(parse(all[1]!.data['config.yaml'])).toEqual({ max_batch_size: 64 });
  });

  test('invalid engine configs', () => {
    expect(errors({ roles: { worker: { trtllmConfig: { maxBatchSize: 8 } } } })).toEqual([
      '[test/m] roles.worker.trtllmConfig: {"maxBatchSize":8} applies to engine "trtllm" only (engine is "vllm"). ' +
        'Fix: remove it and pass vllm options with roles.worker.args, or set engine: "trtllm"',
    ]);
    expect(
      errors({
        engine: 'trtllm',
        mode: 'disaggregated',
        roles: {
          prefill: { trtllmConfig: { disableOverlapScheduler: false, extra: { tensor_parallel_size: 4 } } },
          decode: { trtllmConfig: { extra: { cache_transceiver_config: { backend: 'UCX' } } } },
        },
      }),
    ).toEqual([
      '[test/m] roles.prefill.trtllmConfig.extra.tensor_parallel_size: 4 is set by modelstack from tensorParallelSize. Fix: remove it and set tensorParallelSize',
      "[test/m] roles.prefill.trtllmConfig.disableOverlapScheduler: false turns the overlap scheduler on for prefill workers, which TensorRT-LLM's " +
        'prefill-only workers do not support. Fix: remove it (prefill workers run with disableOverlapScheduler: true)',
      '[test/m] roles.decode.trtllmConfig.extra.cache_transceiver_config: {"backend":"UCX"} is also written from roles.decode.trtllmConfig.cacheTransceiver ' +
        "(set by you, or by modelstack's default for the decode role). Fix: remove it and set roles.decode.trtllmConfig.cacheTransceiver",
    ]);
  });
});

describe('pod settings per role', () => {
  test('placement, volumes, shared memory, probes, env and envFrom', () => {
    const d = dgd({
      mode: 'disaggregated',
      tensorParallelSize: 2,
      env: { LOG: 'info', A: '1' },
      envFromSecret: 'hf-secrets',
      roles: {
        frontend: { nodeSelector: { pool: 'cpu' } },
        decode: {
          env: { LOG: 'debug' },
          nodeSelector: { gpu: 'h100' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
            },
          },
          volumes: [{ name: 'models', persistentVolumeClaim: { claimName: 'model-cache' } }],
          volumeMounts: [{ name: 'models', mountPath: '/models' }],
          sharedMemorySize: '32Gi',
          startupTimeoutSeconds: 3600,
          readinessTimeoutSeconds: 300,
        },
      },
    });
    const fe = component(d, 'frontend');
    expect(fe.podTemplate.spec.nodeSelector).toEqual({ pool: 'cpu' });
    expect(main(fe).envFrom).toEqual([{ secretRef: { name: 'hf-secrets' } }]);
    const dec = component(d, 'decode');
    expect(dec.sharedMemorySize).toBe('32Gi');
    expect(dec.podTemplate.spec.nodeSelector).toEqual({ gpu: 'h100' });
    expect(dec.podTemplate.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(dec.podTemplate.spec.affinity.nodeAffinity).toBeDefined();
    expect(dec.podTemplate.spec.volumes).toEqual([{ name: 'models', persistentVolumeClaim: { claimName: 'model-cache' } }]);
    const m = main(dec);
    expect(m.volumeMounts).toEqual([{ name: 'models', mountPath: '/models' }]);
    expect(m.envFrom).toEqual([{ secretRef: { name: 'hf-secrets' } }]);
    // The role's env wins over the model's for the same name.
    expect(m.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'LOG', value: 'debug' },
    ]);
    expect(m.startupProbe).toEqual({ httpGet: { path: '/live', port: 'system' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 360 });
    expect(m.readinessProbe).toEqual({ httpGet: { path: '/health', port: 'system' }, periodSeconds: 10, timeoutSeconds: 30, failureThreshold: 30 });
    // Other roles are untouched.
    const pre = component(d, 'prefill');
    expect(pre.sharedMemorySize).toBeUndefined();
    expect(pre.podTemplate.spec.nodeSelector).toBeUndefined();
    expect(main(pre).startupProbe).toBeUndefined();
    expect(main(pre).env).toEqual([
      { name: 'A', value: '1' },
      { name: 'LOG', value: 'info' },
    ]);
  });

  test('invalid pod settings', () => {
    expect(
      errors({
        hfTokenSecret: secretKey('hf', 'token'),
        roles: {
          worker: {
            env: { HF_TOKEN: 'x' },
            volumes: [
              { name: 'a', emptyDir: {} },
              { name: 'a', emptyDir: {} },
              { name: 'modelstack-engine-config', emptyDir: {} },
            ],
            volumeMounts: [{ name: 'b', mountPath: '/etc/modelstack/engine-config' }],
          },
        },
      }),
    ).toEqual([
      '[test/m] roles.worker.env.HF_TOKEN: "(literal value hidden)" is a credential written as a literal; it would be stored in plain text in your manifests. ' +
        "Fix: store it in a Secret and reference it: env: { HF_TOKEN: { secretKeyRef: secretKey('<secret-name>', '<key>') } }",
      '[test/m] roles.worker.env.HF_TOKEN: "(literal value hidden)" is set by modelstack from hfTokenSecret. Fix: remove it from env and use hfTokenSecret',
      '[test/m] roles.worker.volumes[1].name: "a" is the name of an earlier volume of the role. Fix: give every volume its own name',
      '[test/m] roles.worker.volumes[2].name: "modelstack-engine-config" is the volume modelstack mounts the engine config from. Fix: use another name',
      '[test/m] roles.worker.volumeMounts[0]: {"name":"b","mountPath":"/etc/modelstack/engine-config"} collides with the engine config modelstack mounts ' +
        '(modelstack-engine-config at /etc/modelstack/engine-config). Fix: use another volume name and mount path',
    ]);
  });
});

describe('Model passes the production props to Dynamo only', () => {
  test('runtime "dynamo" renders them; runtime "kuberay" refuses them', () => {
    const d = single(
      objectsOf((s) => new Model(s, 'm', { runtime: 'dynamo', model: MODEL, tensorParallelSize: 16, multinode: { nodeCount: 2 } })),
      'DynamoGraphDeployment',
    );
    expect(component(d, 'worker').multinode).toEqual({ nodeCount: 2 });
    expect(errorsOf((s) => new Model(s, 'm', { runtime: 'kuberay', model: MODEL, roles: { worker: { args: ['--x'] } }, envFromSecret: 'hf' }))).toEqual([
      '[test/m] roles: {"worker":{"args":["--x"]}} applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
      '[test/m] envFromSecret: "hf" applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
    ]);
  });
});
