// Production shapes of RayModel (issue 11): the typed Serve LLM config, cluster settings,
// upgrade strategy and secrets, each rendered and each rule with its full message.
import { parse } from 'yaml';
import { Model, RayModel, type RayModelProps, secretKey } from '../../index.js';
import { container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen2.5-7B-Instruct';

function rayService(props: Partial<RayModelProps> = {}): Json {
  return single(
    objectsOf((s) => new RayModel(s, 'r', { model: MODEL, ...props })),
    'RayService',
  );
}

function llmConfig(rs: Json): Json {
  return (parse(rs.spec.serveConfigV2 as string) as Json).applications[0].args.llm_configs[0];
}

function groups(rs: Json): Json[] {
  return rs.spec.rayClusterConfig.workerGroupSpecs as Json[];
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new RayModel(s, 'r', { model: MODEL, ...props } as unknown as RayModelProps));
}

describe('typed Serve LLM config', () => {
  test('autoscaling, request limits, accelerator type, runtime env vars and placement render into the LLMConfig', () => {
    const rs = rayService({
      tensorParallelSize: 2,
      pipelineParallelSize: 2,
      engineKwargs: { max_model_len: 8192 },
      autoscaling: { minReplicas: 1, maxReplicas: 4, initialReplicas: 2, targetOngoingRequests: 16, upscaleDelaySeconds: 10, downscaleDelaySeconds: 300 },
      serve: {
        maxOngoingRequests: 64,
        maxQueuedRequests: 128,
        acceleratorType: 'H100',
        envVars: { VLLM_LOGGING_LEVEL: 'INFO' },
        placement: { strategy: 'SPREAD', cpusPerWorker: 2 },
      },
      workerGroups: [{ name: 'h100', minReplicas: 2, maxReplicas: 8, gpus: 2, numOfHosts: 2, acceleratorType: 'H100' }],
    });
    expect(llmConfig(rs)).toEqual({
      model_loading_config: { model_id: MODEL, model_source: MODEL },
      engine_kwargs: { max_model_len: 8192, tensor_parallel_size: 2, pipeline_parallel_size: 2 },
      deployment_config: {
        autoscaling_config: {
          min_replicas: 1,
          initial_replicas: 2,
          max_replicas: 4,
          target_ongoing_requests: 16,
          upscale_delay_s: 10,
          downscale_delay_s: 300,
        },
        max_ongoing_requests: 64,
        max_queued_requests: 128,
      },
      accelerator_type: 'H100',
      placement_group_config: {
        bundles: [
          { CPU: 2, GPU: 1 },
          { CPU: 2, GPU: 1 },
          { CPU: 2, GPU: 1 },
          { CPU: 2, GPU: 1 },
        ],
        strategy: 'SPREAD',
      },
      runtime_env: { env_vars: { VLLM_LOGGING_LEVEL: 'INFO' } },
    });
  });

  test('engine kwargs a prop writes are errors naming both places', () => {
    expect(
      errors({
        modelId: 'qwen',
        pipelineParallelSize: 2,
        workerGroups: [{ name: 'g', minReplicas: 1, maxReplicas: 1, gpus: 2 }],
        engineKwargs: { tensor_parallel_size: 4, pipeline_parallel_size: 1, model: 'other/model', served_model_name: 'q' },
      }),
    ).toEqual([
      '[test/r] engineKwargs.tensor_parallel_size: 4 collides with tensorParallelSize (1), which writes engine_kwargs.tensor_parallel_size. ' +
        'Fix: remove engineKwargs.tensor_parallel_size and set tensorParallelSize: 4',
      '[test/r] engineKwargs.pipeline_parallel_size: 1 collides with pipelineParallelSize (2), which writes engine_kwargs.pipeline_parallel_size. ' +
        'Fix: remove engineKwargs.pipeline_parallel_size and set pipelineParallelSize: 1',
      `[test/r] engineKwargs.model: "other/model" collides with model ("${MODEL}"), which writes model_loading_config.model_source. ` +
        'Fix: remove engineKwargs.model and set model: "other/model"',
      '[test/r] engineKwargs.served_model_name: "q" collides with modelId ("qwen"), which writes model_loading_config.model_id. ' +
        'Fix: remove engineKwargs.served_model_name and set modelId: "q"',
    ]);
  });

  test('Ray Serve LLM settings and camelCase names in engineKwargs are errors', () => {
    expect(errors({ engineKwargs: { accelerator_type: 'H100', autoscaling_config: { max_replicas: 2 }, max_ongoing_requests: 8, maxModelLen: 4096 } })).toEqual(
      [
        '[test/r] engineKwargs.accelerator_type: "H100" is a Ray Serve LLM setting, not a vLLM engine argument (Ray would pass it to vLLM). ' +
          'Fix: remove it from engineKwargs and use serve.acceleratorType',
        '[test/r] engineKwargs.autoscaling_config: {"max_replicas":2} is a Ray Serve LLM setting, not a vLLM engine argument (Ray would pass it to vLLM). ' +
          'Fix: remove it from engineKwargs and use autoscaling',
        '[test/r] engineKwargs.max_ongoing_requests: 8 is a Ray Serve LLM setting, not a vLLM engine argument (Ray would pass it to vLLM). ' +
          'Fix: remove it from engineKwargs and use serve.maxOngoingRequests',
        '[test/r] engineKwargs.maxModelLen: 4096 is not a vLLM engine argument name (engine arguments are snake_case). Fix: write it as max_model_len',
      ],
    );
  });

  test('misplaced and unknown keys of autoscaling and serve', () => {
    expect(errors({ autoscaling: { maxOngoingRequests: 8 }, serve: { minReplicas: 1, accelerator: 'H100' } })).toEqual([
      '[test/r] autoscaling.maxOngoingRequests: 8 is misplaced: it is not an autoscaling setting. Fix: move it to serve.maxOngoingRequests',
      '[test/r] serve.minReplicas: 1 is misplaced: it is not a serve setting. Fix: move it to autoscaling.minReplicas',
      '[test/r] serve.accelerator: "H100" is not a known prop. Fix: remove it',
    ]);
  });

  test('autoscaling and request limits that contradict each other', () => {
    expect(
      errors({ autoscaling: { minReplicas: 1, maxReplicas: 2, initialReplicas: 3, targetOngoingRequests: 100 }, serve: { maxOngoingRequests: 64 } }),
    ).toEqual([
      '[test/r] autoscaling.initialReplicas: 3 is outside autoscaling.minReplicas..maxReplicas (1..2). ' +
        'Fix: choose a value between minReplicas and maxReplicas, or leave it unset',
      '[test/r] autoscaling.targetOngoingRequests: 100 is larger than serve.maxOngoingRequests (64); a replica never holds more than ' +
        'maxOngoingRequests, so the target is never reached and the model never scales up. Fix: lower targetOngoingRequests to at most 64, or raise serve.maxOngoingRequests',
    ]);
  });

  test('runtime env vars: no credentials (written into serveConfigV2), no second value for an env variable', () => {
    const problems = errors({ env: { LOG: 'debug' }, serve: { envVars: { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwx', LOG: 'info' } } });
    expect(problems).toEqual([
      '[test/r] serve.envVars.HF_TOKEN: "(literal value hidden)" is a credential written as a literal; serveConfigV2 would hold it in plain text. ' +
        "Fix: remove it and take it from a Secret: env: { HF_TOKEN: { secretKeyRef: secretKey('<secret-name>', '<key>') } } (hfTokenSecret for HF_TOKEN)",
      '[test/r] serve.envVars.LOG: "info" is also set by env.LOG; the replica would see this value and the pod another. ' +
        'Fix: set it in one place: env for the whole pod, serve.envVars for the Serve replica only',
    ]);
    expect(problems.join('\n')).not.toContain('hf_abcdefghijklmnopqrstuvwx');
  });

  test('accelerator types: unknown, or offered by no worker group', () => {
    expect(errors({ serve: { acceleratorType: 'RTX4090' } })[0]).toMatch(
      /^\[test\/r\] serve\.acceleratorType: "RTX4090" is not allowed\. Fix: use one of "V100" \| "P100" \| .* \| "H100" \| "H200" \| "H20" \| "B200"$/,
    );
    expect(
      errors({
        serve: { acceleratorType: 'H100' },
        workerGroups: [
          { name: 'l4', minReplicas: 1, maxReplicas: 1, acceleratorType: 'L4' },
          { name: 'cpu', minReplicas: 1, maxReplicas: 1, gpus: 0 },
        ],
      }),
    ).toEqual([
      '[test/r] serve.acceleratorType: "H100" is offered by no worker group (they declare L4); the replicas would never be scheduled. ' +
        'Fix: set acceleratorType: "H100" on the GPU worker group that has it, or change serve.acceleratorType',
    ]);
  });

  test('STRICT_PACK placement larger than any pod', () => {
    expect(
      errors({
        tensorParallelSize: 4,
        pipelineParallelSize: 2,
        serve: { placement: { strategy: 'STRICT_PACK' } },
        workerGroups: [{ name: 'g', minReplicas: 1, maxReplicas: 1, gpus: 4, numOfHosts: 2 }],
      }),
    ).toEqual([
      '[test/r] serve.placement.strategy: "STRICT_PACK" puts all 8 engine workers of a replica on one pod, but no worker group has more than 4 GPUs per pod. ' +
        'Fix: use strategy "PACK" or "SPREAD" to let a replica span pods, or give a worker group more GPUs per pod',
    ]);
  });

  test('Model passes the Serve LLM props to KubeRay and refuses them on Dynamo', () => {
    const objects = objectsOf((s) => new Model(s, 'm', { runtime: 'kuberay', model: MODEL, serve: { maxOngoingRequests: 32 }, pipelineParallelSize: 1 }));
    expect(llmConfig(single(objects, 'RayService')).deployment_config.max_ongoing_requests).toBe(32);
    expect(errorsOf((s) => new Model(s, 'm', { runtime: 'dynamo', model: MODEL, serve: { maxOngoingRequests: 32 } }))).toEqual([
      '[test/m] serve: {"maxOngoingRequests":32} applies to runtime "kuberay" only. Fix: remove it, or set runtime: "kuberay"',
    ]);
  });
});

describe('cluster settings', () => {
  test('head: metrics port, rayStartParams over the defaults, scheduling', () => {
    const rs = rayService({
      head: {
        metricsPort: 9090,
        rayStartParams: { 'num-cpus': '2', 'disable-usage-stats': 'true' },
        nodeSelector: { pool: 'cpu' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ray', effect: 'NoSchedule' }],
      },
    });
    const headSpec = rs.spec.rayClusterConfig.headGroupSpec;
    expect(headSpec.rayStartParams).toEqual({
      'dashboard-host': '0.0.0.0',
      'metrics-export-port': '9090',
      'num-cpus': '2',
      'num-gpus': '0',
      'disable-usage-stats': 'true',
    });
    expect(container(headSpec.template, 'ray-head').ports).toContainEqual({ name: 'metrics', containerPort: 9090 });
    expect(headSpec.template.spec.nodeSelector).toEqual({ pool: 'cpu' });
    expect(headSpec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'ray', effect: 'NoSchedule' }]);
  });

  test('worker groups: multi-host, accelerator type, rayStartParams, scheduling and shared memory', () => {
    const rs = rayService({
      tensorParallelSize: 8,
      pipelineParallelSize: 2,
      workerGroups: [
        {
          name: 'h100',
          minReplicas: 1,
          maxReplicas: 1,
          gpus: 8,
          numOfHosts: 2,
          acceleratorType: 'H100',
          rayStartParams: { 'object-store-memory': '10000000000' },
          nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          sharedMemory: '64Gi',
        },
        { name: 'one', minReplicas: 0, maxReplicas: 1, gpus: 1 },
        { name: 'off', minReplicas: 0, maxReplicas: 1, gpus: 4, sharedMemory: false },
      ],
    });
    const [h100, one, off] = groups(rs);
    expect(h100!.numOfHosts).toBe(2);
    expect(h100!.resources).toEqual({ 'accelerator_type:H100': '1' });
    expect(h100!.rayStartParams).toEqual({ 'object-store-memory': '10000000000' });
    expect(h100!.template.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
    expect(h100!.template.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(h100!.template.spec.volumes).toEqual([{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Gi' } }]);
    expect(container(h100!.template, 'ray-worker').volumeMounts).toEqual([{ name: 'shm', mountPath: '/dev/shm' }]);
    // One GPU per pod: no tensor parallelism inside the pod, no shared memory volume by default.
    for (const g of [one!, off!]) {
      expect(g).not.toHaveProperty('numOfHosts');
      expect(g).not.toHaveProperty('resources');
      expect(g.template.spec).not.toHaveProperty('volumes');
    }
  });

  test('a model larger than one pod needs a multi-host group with enough GPUs per replica', () => {
    expect(
      errors({ tensorParallelSize: 8, pipelineParallelSize: 2, workerGroups: [{ name: 'g', minReplicas: 1, maxReplicas: 2, gpus: 8, numOfHosts: 1 }] }),
    ).toEqual([
      "[test/r] tensorParallelSize: 8 times pipelineParallelSize (2) is 16 GPUs per replica, more than any worker group's replica has " +
        '(at most 8: gpus × numOfHosts). Fix: give a worker group gpus × numOfHosts of 16 or more, or lower the parallel sizes',
    ]);
  });

  test('rayStartParams: leading dashes, keys KubeRay sets, keys a prop sets', () => {
    expect(
      errors({
        head: { metricsPort: 8265, rayStartParams: { '--dashboard-port': '1', block: 'true', 'metrics-export-port': '9000', memory: '1' } },
        workerGroups: [{ name: 'g', minReplicas: 1, maxReplicas: 1, rayStartParams: { 'num-gpus': '2', address: 'x:6379', 'num-cpus': '4' } }],
      }),
    ).toEqual([
      '[test/r] workerGroups[0].rayStartParams.num-gpus: "2" collides with workerGroups[0].gpus (1), which sets the same Ray start parameter. ' +
        'Fix: remove it and set workerGroups[0].gpus',
      '[test/r] workerGroups[0].rayStartParams.address: "x:6379" is set by KubeRay (KubeRay points workers at the head\'s GCS). Fix: remove it',
      '[test/r] workerGroups[0].rayStartParams.num-cpus: "4" collides with workerGroups[0].cpu ("8"), which sets the same Ray start parameter. ' +
        'Fix: remove it and set workerGroups[0].cpu',
      "[test/r] head.metricsPort: 8265 is the head's dashboard port. Fix: choose another port, e.g. 8080",
      '[test/r] head.rayStartParams.--dashboard-port: "1" is written with leading dashes. Fix: write the key as "dashboard-port"',
      '[test/r] head.rayStartParams.block: "true" is set by KubeRay (KubeRay always starts Ray with --block). Fix: remove it',
      '[test/r] head.rayStartParams.metrics-export-port: "9000" collides with head.metricsPort (8265), which sets the same Ray start parameter. ' +
        'Fix: remove it and set head.metricsPort',
      '[test/r] head.rayStartParams.memory: "1" collides with head.memory ("8Gi"), which sets the same Ray start parameter. Fix: remove it and set head.memory',
    ]);
  });

  test('scheduling and shared memory type errors', () => {
    expect(
      errors({
        workerGroups: [{ name: 'g', minReplicas: 1, maxReplicas: 1, tolerations: [{ operator: 'Maybe' }], sharedMemory: 'lots', numOfHosts: 0 }],
      }),
    ).toEqual([
      '[test/r] workerGroups[0].tolerations[0].operator: "Maybe" is not allowed. Fix: use one of "Exists" | "Equal"',
      '[test/r] workerGroups[0].numOfHosts: 0 is too small (minimum 1). Fix: use a value of at least 1',
      '[test/r] workerGroups[0].sharedMemory: "lots" is not valid. Fix: use a quantity like "8", "500m" or "32Gi"',
    ]);
  });
});

describe('upgrade strategy', () => {
  test("unset leaves KubeRay's default (NewCluster); each type renders as the CRD has it", () => {
    expect(rayService().spec).not.toHaveProperty('upgradeStrategy');
    expect(rayService({ upgradeStrategy: { type: 'NewCluster' } }).spec.upgradeStrategy).toEqual({ type: 'NewCluster' });
    expect(rayService({ upgradeStrategy: { type: 'None' } }).spec.upgradeStrategy).toEqual({ type: 'None' });
    const rs = rayService({
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade', gatewayClassName: 'istio', stepSizePercent: 10, intervalSeconds: 30, maxSurgePercent: 50 },
    });
    expect(rs.spec.upgradeStrategy).toEqual({
      type: 'NewClusterWithIncrementalUpgrade',
      clusterUpgradeOptions: { gatewayClassName: 'istio', stepSizePercent: 10, intervalSeconds: 30, maxSurgePercent: 50 },
    });
    expect(rs.spec.rayClusterConfig.enableInTreeAutoscaling).toBe(true);
  });

  test('an incremental upgrade needs the autoscaler and its options', () => {
    expect(
      errors({ upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade', gatewayClassName: 'istio', stepSizePercent: 10, intervalSeconds: 30 } }),
    ).toEqual([
      '[test/r] upgradeStrategy.type: "NewClusterWithIncrementalUpgrade" needs the Ray autoscaler, which runs only when a worker group has ' +
        'minReplicas below maxReplicas. Fix: let a worker group scale (e.g. autoscaling: { minReplicas: 1, maxReplicas: 2 }), or use type: "NewCluster"',
    ]);
    expect(errors({ upgradeStrategy: { type: 'NewClusterWithIncrementalUpgrade', gatewayClassName: 'istio', stepSizePercent: 150 } })).toEqual([
      '[test/r] upgradeStrategy.stepSizePercent: 150 is too big (maximum 100). Fix: use a value of at most 100',
      '[test/r] upgradeStrategy.intervalSeconds: (unset) is not a valid number. Fix: pass a number',
    ]);
    expect(errors({ upgradeStrategy: { type: 'Recreate' } })[0]).toMatch(/^\[test\/r\] upgradeStrategy\.type: "Recreate" /);
  });
});

describe('secrets', () => {
  test('the HF token reaches the head and every worker group (multi-host included) from the Secret only', () => {
    const rs = rayService({
      hfTokenSecret: secretKey('hf-token', 'token'),
      tensorParallelSize: 8,
      pipelineParallelSize: 2,
      workerGroups: [
        { name: 'big', minReplicas: 1, maxReplicas: 1, gpus: 8, numOfHosts: 2 },
        { name: 'small', minReplicas: 0, maxReplicas: 2, gpus: 1 },
      ],
    });
    const ref = { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } };
    expect(container(rs.spec.rayClusterConfig.headGroupSpec.template, 'ray-head').env).toEqual([ref]);
    for (const g of groups(rs)) expect(container(g.template, 'ray-worker').env).toEqual([ref]);
    expect(rs.spec.serveConfigV2).not.toContain('HF_TOKEN');
  });
});
