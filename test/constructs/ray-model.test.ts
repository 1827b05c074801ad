import { JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { RayModel, type RayModelProps, secretKey } from '../../index.js';
import { DEFAULT_RAY_VERSION, serveConfig } from '../../constructs/ray-model.js';
import { container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen2.5-7B-Instruct';
const DNS_FIX = 'Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';

function rayService(props: Partial<RayModelProps> = {}): Json {
  return single(
    objectsOf((s) => new RayModel(s, 'r', { model: MODEL, ...props })),
    'RayService',
  );
}

/** serveConfigV2, parsed back from its YAML string. */
function serve(rs: Json): Json {
  expect(typeof rs.spec.serveConfigV2).toBe('string');
  return parse(rs.spec.serveConfigV2 as string) as Json;
}

function llmConfig(rs: Json): Json {
  const apps = serve(rs).applications as Json[];
  expect(apps).toHaveLength(1);
  return apps[0]!.args.llm_configs[0];
}

function groups(rs: Json): Json[] {
  return rs.spec.rayClusterConfig.workerGroupSpecs as Json[];
}

function head(rs: Json): Json {
  return container(rs.spec.rayClusterConfig.headGroupSpec.template, 'ray-head');
}

function worker(g: Json): Json {
  return container(g.template, 'ray-worker');
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new RayModel(s, 'r', { model: MODEL, ...props } as unknown as RayModelProps));
}

describe('RayModel defaults', () => {
  test('one RayService named after the construct id, labelled for KubeRay', () => {
    const objects = objectsOf((s) => new RayModel(s, 'Qwen25_Ray', { model: MODEL }));
    expect(objects.map((o) => o.kind)).toEqual(['RayService']);
    const rs = objects[0]!;
    expect(rs.apiVersion).toBe('ray.io/v1');
    expect(rs.metadata).toEqual({
      name: 'qwen25-ray',
      namespace: 'default',
      labels: {
        'app.kubernetes.io/managed-by': 'modelstack',
        'modelstack.io/runtime': 'kuberay',
        'modelstack.io/stack': 'test',
      },
    });
  });

  test('serveConfigV2 runs the OpenAI app of Ray Serve LLM for the model', () => {
    expect(serve(rayService())).toEqual({
      applications: [
        {
          name: 'llm',
          import_path: 'ray.serve.llm:build_openai_app',
          route_prefix: '/',
          args: {
            llm_configs: [
              {
                model_loading_config: { model_id: MODEL, model_source: MODEL },
                engine_kwargs: { tensor_parallel_size: 1 },
                deployment_config: { autoscaling_config: { min_replicas: 1, max_replicas: 1 } },
              },
            ],
          },
        },
      ],
    });
  });

  test('a head group and one fixed-size GPU worker group "gpu"', () => {
    const rs = rayService();
    const cluster = rs.spec.rayClusterConfig;
    expect(cluster.rayVersion).toBe(DEFAULT_RAY_VERSION);
    expect(cluster).not.toHaveProperty('enableInTreeAutoscaling');
    // The head offers Ray no CPUs or GPUs, so Serve replicas and engine workers land on workers.
    expect(cluster.headGroupSpec.rayStartParams).toEqual({
      'dashboard-host': '0.0.0.0',
      'metrics-export-port': '8080',
      'num-cpus': '0',
      'num-gpus': '0',
    });
    expect(head(rs)).toEqual({
      name: 'ray-head',
      image: `rayproject/ray-llm:${DEFAULT_RAY_VERSION}-py311-cu128`,
      ports: [
        { name: 'gcs-server', containerPort: 6379 },
        { name: 'dashboard', containerPort: 8265 },
        { name: 'client', containerPort: 10001 },
        { name: 'serve', containerPort: 8000 },
        { name: 'metrics', containerPort: 8080 },
      ],
      resources: { limits: { cpu: '2', memory: '8Gi' }, requests: { cpu: '2', memory: '8Gi' } },
    });
    expect(groups(rs)).toEqual([
      {
        groupName: 'gpu',
        replicas: 1,
        minReplicas: 1,
        maxReplicas: 1,
        rayStartParams: {},
        template: {
          spec: {
            containers: [
              {
                name: 'ray-worker',
                image: `rayproject/ray-llm:${DEFAULT_RAY_VERSION}-py311-cu128`,
                resources: {
                  limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' },
                  requests: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' },
                },
              },
            ],
          },
        },
      },
    ]);
  });

  test('exposes name, namespace and runtime', () => {
    let model!: RayModel;
    objectsOf((s) => {
      model = new RayModel(s, 'r', { model: MODEL, name: 'qwen', namespace: 'ray' });
    });
    expect([model.runtime, model.name, model.namespace]).toEqual(['kuberay', 'qwen', 'ray']);
    expect(model.apiObject?.kind).toBe('RayService');
  });
});

describe('RayModel options', () => {
  test('modelId is the served id; model is the source', () => {
    expect(llmConfig(rayService({ modelId: 'qwen2.5-7b' })).model_loading_config).toEqual({
      model_id: 'qwen2.5-7b',
      model_source: MODEL,
    });
  });

  test('engineKwargs go to engine_kwargs; tensorParallelSize sets tensor_parallel_size', () => {
    const cfg = llmConfig(rayService({ tensorParallelSize: 2, engineKwargs: { max_model_len: 8192 } }));
    expect(cfg.engine_kwargs).toEqual({ max_model_len: 8192, tensor_parallel_size: 2 });
  });

  test('autoscaling min/max go to the serve config and size the default group, which then autoscales', () => {
    const rs = rayService({ autoscaling: { minReplicas: 1, maxReplicas: 3 }, tensorParallelSize: 2 });
    expect(llmConfig(rs).deployment_config.autoscaling_config).toEqual({ min_replicas: 1, max_replicas: 3 });
    expect(rs.spec.rayClusterConfig.enableInTreeAutoscaling).toBe(true);
    const [g] = groups(rs);
    expect([g!.groupName, g!.replicas, g!.minReplicas, g!.maxReplicas]).toEqual(['gpu', 1, 1, 3]);
    expect(worker(g!).resources.limits['nvidia.com/gpu']).toBe('2');
  });

  test('autoscaling maxReplicas defaults to minReplicas (at least 1)', () => {
    expect(llmConfig(rayService({ autoscaling: { minReplicas: 2 } })).deployment_config.autoscaling_config).toEqual({
      min_replicas: 2,
      max_replicas: 2,
    });
    expect(llmConfig(rayService({ autoscaling: { minReplicas: 0 } })).deployment_config.autoscaling_config).toEqual({
      min_replicas: 0,
      max_replicas: 1,
    });
  });

  test('one explicit worker group with min = max does not enable autoscaling', () => {
    const rs = rayService({
      tensorParallelSize: 2,
      workerGroups: [{ name: 'a100', minReplicas: 2, maxReplicas: 2, cpu: '16', memory: '64Gi' }],
    });
    expect(rs.spec.rayClusterConfig).not.toHaveProperty('enableInTreeAutoscaling');
    const [g] = groups(rs);
    expect([g!.groupName, g!.replicas, g!.minReplicas, g!.maxReplicas]).toEqual(['a100', 2, 2, 2]);
    expect(worker(g!).resources).toEqual({
      limits: { cpu: '16', memory: '64Gi', 'nvidia.com/gpu': '2' },
      requests: { cpu: '16', memory: '64Gi', 'nvidia.com/gpu': '2' },
    });
  });

  test('several worker groups keep their order and their own sizing; one autoscaling group enables the autoscaler', () => {
    const rs = rayService({
      tensorParallelSize: 2,
      workerGroups: [
        { name: 'small', minReplicas: 1, maxReplicas: 1, gpus: 2 },
        { name: 'big', minReplicas: 0, maxReplicas: 4, replicas: 2, gpus: 8, cpu: '32', memory: '256Gi' },
        { name: 'cpu', minReplicas: 1, maxReplicas: 1, gpus: 0, cpu: '4', memory: '8Gi' },
      ],
    });
    expect(rs.spec.rayClusterConfig.enableInTreeAutoscaling).toBe(true);
    expect(groups(rs).map((g) => [g.groupName, g.replicas, g.minReplicas, g.maxReplicas])).toEqual([
      ['small', 1, 1, 1],
      ['big', 2, 0, 4],
      ['cpu', 1, 1, 1],
    ]);
    expect(groups(rs).map((g) => worker(g).resources.limits)).toEqual([
      { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '2' },
      { cpu: '32', memory: '256Gi', 'nvidia.com/gpu': '8' },
      { cpu: '4', memory: '8Gi' },
    ]);
  });

  test('CPU-only worker groups are allowed with tensorParallelSize 1', () => {
    const rs = rayService({ workerGroups: [{ name: 'cpu', minReplicas: 1, maxReplicas: 1, gpus: 0 }] });
    expect(JSON.stringify(rs)).not.toContain('nvidia.com/gpu');
  });

  test('head sizing and head podTemplate', () => {
    const rs = rayService({
      head: { cpu: '4', memory: '16Gi', podTemplate: { spec: { nodeSelector: { pool: 'cpu' } }, metadata: { labels: { role: 'head' } } } },
    });
    expect(head(rs).resources).toEqual({ limits: { cpu: '4', memory: '16Gi' }, requests: { cpu: '4', memory: '16Gi' } });
    const template = rs.spec.rayClusterConfig.headGroupSpec.template;
    expect(template.spec.nodeSelector).toEqual({ pool: 'cpu' });
    expect(template.metadata).toEqual({ labels: { role: 'head' } });
    expect(groups(rs)[0]!.template.spec).not.toHaveProperty('nodeSelector');
  });

  test('a worker group podTemplate patches only its group, merging containers by name', () => {
    const rs = rayService({
      workerGroups: [
        { name: 'a', minReplicas: 1, maxReplicas: 1, podTemplate: { spec: { containers: [{ name: 'ray-worker', env: [{ name: 'X', value: '1' }] }] } } },
        { name: 'b', minReplicas: 1, maxReplicas: 1 },
      ],
    });
    const [a, b] = groups(rs);
    expect(worker(a!).env).toEqual([{ name: 'X', value: '1' }]);
    expect(worker(a!).image).toBe(`rayproject/ray-llm:${DEFAULT_RAY_VERSION}-py311-cu128`);
    expect(worker(b!)).not.toHaveProperty('env');
  });

  test('rayVersion sets rayVersion and the default image tag; an image override wins', () => {
    const rs = rayService({ rayVersion: '2.49.1' });
    expect(rs.spec.rayClusterConfig.rayVersion).toBe('2.49.1');
    expect(head(rs).image).toBe('rayproject/ray-llm:2.49.1-py311-cu128');
    expect(worker(groups(rs)[0]!).image).toBe('rayproject/ray-llm:2.49.1-py311-cu128');
    const custom = rayService({ rayVersion: '2.49.1', image: 'registry.example.com/ray-llm:2.49.1-custom' });
    expect(custom.spec.rayClusterConfig.rayVersion).toBe('2.49.1');
    expect(head(custom).image).toBe('registry.example.com/ray-llm:2.49.1-custom');
    expect(worker(groups(custom)[0]!).image).toBe('registry.example.com/ray-llm:2.49.1-custom');
  });

  test('hfTokenSecret and env reach the head and every worker group', () => {
    const rs = rayService({
      hfTokenSecret: secretKey('hf-token', 'token'),
      env: { VLLM_LOGGING_LEVEL: 'DEBUG', A: 'x' },
      workerGroups: [
        { name: 'a', minReplicas: 1, maxReplicas: 1 },
        { name: 'b', minReplicas: 1, maxReplicas: 1 },
      ],
    });
    const env = [
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
      { name: 'A', value: 'x' },
      { name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' },
    ];
    expect(head(rs).env).toEqual(env);
    for (const g of groups(rs)) expect(worker(g).env).toEqual(env);
  });

  test('labels and annotations', () => {
    const rs = rayService({ labels: { team: 'ml' }, annotations: { owner: 'bob' } });
    expect(rs.metadata.labels.team).toBe('ml');
    expect(rs.metadata.labels['modelstack.io/runtime']).toBe('kuberay');
    expect(rs.metadata.annotations).toEqual({ owner: 'bob' });
  });

  test('serveConfig writes a multi-line YAML string that round-trips', () => {
    const text = serveConfig({ modelId: 'm', model: 'org/m', tensorParallelSize: 4, minReplicas: 1, maxReplicas: 2, engineKwargs: { a: 1 } });
    expect(text.split('\n').length).toBeGreaterThan(10);
    expect(parse(text).applications[0].args.llm_configs[0].engine_kwargs).toEqual({ a: 1, tensor_parallel_size: 4 });
  });

  test('snapshot: several worker groups, autoscaling, secrets', () => {
    expect(
      rayService({
        modelId: 'qwen2.5-7b-instruct',
        tensorParallelSize: 2,
        autoscaling: { minReplicas: 1, maxReplicas: 4 },
        workerGroups: [
          { name: 'l4', minReplicas: 1, maxReplicas: 2, gpus: 2, cpu: '16', memory: '64Gi' },
          { name: 'h100', minReplicas: 0, maxReplicas: 2, gpus: 4 },
        ],
        head: { cpu: '4', memory: '16Gi' },
        hfTokenSecret: secretKey('hf-token', 'token'),
        engineKwargs: { max_model_len: 8192 },
      }),
    ).toMatchSnapshot();
  });
});

describe('RayModel credentials set around the props (podTemplate, addJsonPatch)', () => {
  const HF = 'hf_abcdefghijklmnopqrstuvwx';

  test('a literal credential in a head podTemplate env is refused at synth, without showing it', () => {
    const problems = errors({
      head: { podTemplate: { spec: { containers: [{ name: 'ray-head', env: [{ name: 'DB_PASSWORD', value: 'hunter2-plain' }] }] } } },
    });
    expect(problems).toEqual([
      '[test/r] spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].env[0].value: "(literal value hidden)" is the credential ' +
        'DB_PASSWORD written as a literal in the rendered RayService (set through podTemplate or addJsonPatch); it would be stored in ' +
        "plain text in your manifests. Fix: take it from a Secret: valueFrom: { secretKeyRef: { name: '<secret-name>', key: '<key>' } } in place of value",
    ]);
    expect(problems.join('\n')).not.toContain('hunter2-plain');
  });

  test('a Hugging Face token added with addJsonPatch is refused whatever the variable is called, and inside serveConfigV2', () => {
    const problems = errorsOf((s) => {
      const r = new RayModel(s, 'r', { model: MODEL });
      r.apiObject!.addJsonPatch(
        JsonPatch.add('/spec/rayClusterConfig/workerGroupSpecs/0/template/spec/containers/0/env', [{ name: 'MY_VAR', value: HF }]),
        JsonPatch.replace('/spec/serveConfigV2', `applications:\n- runtime_env: {env_vars: {HUGGING_FACE_HUB_TOKEN: ${HF}}}\n`),
      );
    });
    expect(problems).toEqual([
      '[test/r] spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].env[0].value: "(literal value hidden)" is the ' +
        'credential MY_VAR written as a literal in the rendered RayService (set through podTemplate or addJsonPatch); it would be stored ' +
        "in plain text in your manifests. Fix: take it from a Secret: valueFrom: { secretKeyRef: { name: '<secret-name>', key: '<key>' } } in place of value",
      '[test/r] spec.serveConfigV2: "(literal value hidden)" holds a Hugging Face token written as a literal in the rendered RayService. ' +
        'Fix: remove it and set hfTokenSecret: secretKey("<secret-name>", "<key>") instead',
    ]);
    expect(problems.join('\n')).not.toContain(HF);
  });

  test('settings that only look like credentials by name (TOKENIZERS_PARALLELISM, MAX_TOKENS) pass, through podTemplate and env', () => {
    const env = [
      { name: 'TOKENIZERS_PARALLELISM', value: 'false' },
      { name: 'MAX_TOKENS', value: '4096' },
    ];
    const rs = rayService({ env: { TOKENIZERS_PARALLELISM: 'false' }, head: { podTemplate: { spec: { containers: [{ name: 'ray-head', env }] } } } });
    expect(head(rs).env).toEqual(env);
  });
});

describe('RayModel invalid props', () => {
  test('engine kwargs that a prop sets are errors naming both places, never silently rewritten', () => {
    expect(errors({ tensorParallelSize: 2, engineKwargs: { max_model_len: 8192, tensor_parallel_size: 8 } })).toEqual([
      '[test/r] engineKwargs.tensor_parallel_size: 8 collides with tensorParallelSize (2), which writes engine_kwargs.tensor_parallel_size. ' +
        'Fix: remove engineKwargs.tensor_parallel_size and set tensorParallelSize: 8',
    ]);
  });

  test('engines other than vLLM', () => {
    for (const engine of ['sglang', 'trtllm']) {
      expect(errors({ engine })).toEqual([
        `[test/r] engine: "${engine}" is not served by runtime "kuberay" (KubeRay serves vllm only). ` + 'Fix: use engine: "vllm", or runtime: "dynamo"',
      ]);
    }
    expect(errors({ engine: 'vllm' })).toEqual([]);
  });

  test('KV routing is not a RayModel prop (disaggregation is: see ray-disaggregated.test.ts)', () => {
    const known =
      'known props: model, modelId, name, namespace, engine, mode, prefill, decode, tensorParallelSize, pipelineParallelSize, engineKwargs, autoscaling, ' +
      'serve, upgradeStrategy, workerGroups, head, rayVersion, image, hfTokenSecret, env, labels, annotations, cache, metrics';
    expect(errors({ router: 'kv', mode: 'disaggregated' })).toEqual([`[test/r] router: "kv" is not a known prop. Fix: remove it (${known})`]);
  });

  test('tensorParallelSize larger than the GPUs of every worker group', () => {
    expect(
      errors({
        tensorParallelSize: 4,
        workerGroups: [
          { name: 'a', minReplicas: 1, maxReplicas: 1, gpus: 2 },
          { name: 'b', minReplicas: 1, maxReplicas: 1, gpus: 1 },
        ],
      }),
    ).toEqual([
      '[test/r] tensorParallelSize: 4 is larger than the GPUs of any worker group (at most 2 per pod); ' +
        'each tensor-parallel rank needs its own GPU. Fix: give a worker group gpus: 4 or more, or lower tensorParallelSize',
    ]);
    // One group large enough is enough.
    expect(
      errors({
        tensorParallelSize: 4,
        workerGroups: [
          { name: 'a', minReplicas: 1, maxReplicas: 1, gpus: 4 },
          { name: 'b', minReplicas: 1, maxReplicas: 1, gpus: 1 },
        ],
      }),
    ).toEqual([]);
  });

  test('invalid worker group names, ranges and duplicates', () => {
    expect(errors({ workerGroups: [{ name: 'GPU_A', minReplicas: 1, maxReplicas: 1 }] })).toEqual([
      `[test/r] workerGroups[0].name: "GPU_A" is not a valid DNS-1123 name. ${DNS_FIX}`,
    ]);
    expect(
      errors({
        workerGroups: [
          { name: 'gpu', minReplicas: 1, maxReplicas: 2, replicas: 5 },
          { name: 'gpu', minReplicas: 3, maxReplicas: 2 },
        ],
      }),
    ).toEqual([
      '[test/r] workerGroups[0].replicas: 5 is outside minReplicas..maxReplicas (1..2). ' +
        'Fix: choose a value between minReplicas and maxReplicas, or leave it unset',
      '[test/r] workerGroups[1].name: "gpu" is used by another worker group. Fix: give each worker group its own name',
      '[test/r] workerGroups[1].minReplicas: 3 is larger than maxReplicas (2). Fix: make minReplicas at most maxReplicas',
    ]);
    expect(errors({ workerGroups: [{ name: 'gpu', minReplicas: 2, maxReplicas: 4, replicas: 1 }] })).toEqual([
      '[test/r] workerGroups[0].replicas: 1 is outside minReplicas..maxReplicas (2..4). ' +
        'Fix: choose a value between minReplicas and maxReplicas, or leave it unset',
    ]);
  });

  test('autoscaling minReplicas above maxReplicas is reported once, under autoscaling', () => {
    expect(errors({ autoscaling: { minReplicas: 3, maxReplicas: 2 } })).toEqual([
      '[test/r] autoscaling.minReplicas: 3 is larger than autoscaling.maxReplicas (2). Fix: make minReplicas at most maxReplicas',
    ]);
  });

  test('secrets: hfTokenSecret as a string, credentials as env literals', () => {
    expect(errors({ hfTokenSecret: 'hf-token' })).toEqual([
      '[test/r] hfTokenSecret: "(a string of 8 characters, not shown)" is not a Secret reference. ' +
        'Fix: create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")',
    ]);
    expect(errors({ env: { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwx' } })).toEqual([
      '[test/r] env.HF_TOKEN: "(literal value hidden)" is a credential written as a literal; it would be stored in plain text in ' +
        "your manifests. Fix: store it in a Secret and reference it: env: { HF_TOKEN: { secretKeyRef: secretKey('<secret-name>', '<key>') } }",
    ]);
  });

  test('unpinned images', () => {
    const fix = 'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."';
    expect(errors({ image: 'rayproject/ray-llm:latest' })).toEqual([
      `[test/r] image: "rayproject/ray-llm:latest" is not pinned to a version (no tag, or "latest"). ${fix}`,
    ]);
    expect(errors({ image: 'rayproject/ray-llm' })).toEqual([`[test/r] image: "rayproject/ray-llm" is not pinned to a version (no tag, or "latest"). ${fix}`]);
  });

  test('invalid name and namespace', () => {
    expect(errors({ name: 'Ray', namespace: '-ray' })).toEqual([
      `[test/r] name: "Ray" is not a valid DNS-1123 name. ${DNS_FIX}`,
      `[test/r] namespace: "-ray" is not a valid DNS-1123 name. ${DNS_FIX}`,
    ]);
  });

  test('type errors from the schema', () => {
    expect(errors({ workerGroups: [] })).toEqual(['[test/r] workerGroups: [] is too small (items minimum 1). Fix: use at least 1 item']);
    expect(errors({ head: { cpu: 'lots' } })).toEqual(['[test/r] head.cpu: "lots" is not valid. Fix: use a quantity like "8", "500m" or "32Gi"']);
    expect(errors({ rayVersion: '2.52' })).toEqual(['[test/r] rayVersion: "2.52" is not valid. Fix: use a Ray version like "2.52.0"']);
    expect(errors({ autoscaling: { maxReplicas: 0 } })).toEqual([
      '[test/r] autoscaling.maxReplicas: 0 is too small (minimum 1). Fix: use a value of at least 1',
    ]);
    expect(errors({ workerGroups: [{ name: 'g', minReplicas: -1, maxReplicas: 1 }] })).toEqual([
      '[test/r] workerGroups[0].minReplicas: -1 is too small (minimum 0). Fix: use a value of at least 0',
    ]);
    expect(errors({ workerGroups: [{ name: 'g', maxReplicas: 1 }] })).toEqual([
      '[test/r] workerGroups[0].minReplicas: (unset) is not a valid number. Fix: pass a number',
    ]);
    expect(errors({ tensorParallelSize: 1.5 })).toEqual(['[test/r] tensorParallelSize: 1.5 is not a valid int. Fix: use a whole number']);
  });

  test('invalid props render nothing', () => {
    let model!: RayModel;
    errorsOf((s) => {
      model = new RayModel(s, 'r', { model: MODEL, image: 'ray' });
    });
    expect(model.apiObject).toBeUndefined();
  });
});
