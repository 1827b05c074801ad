// Prefill/decode disaggregation on KubeRay (issue 11): RayModel and Model with mode
// "disaggregated" render a build_pd_openai_app Serve application whose prefill and decode
// deployments are pinned to their own worker groups; every rule has its full message.
import { parse } from 'yaml';
import { Model, type ModelProps, RayModel, type RayModelProps } from '../../index.js';
import { errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen2.5-7B-Instruct';
const NIXL = { kv_connector: 'NixlConnector', kv_role: 'kv_both' };

function rayService(props: Partial<RayModelProps> = {}): Json {
  return single(
    objectsOf((s) => new RayModel(s, 'r', { model: MODEL, ...props })),
    'RayService',
  );
}

function app(rs: Json): Json {
  return (parse(rs.spec.serveConfigV2 as string) as Json).applications[0];
}

function groups(rs: Json): Json[] {
  return rs.spec.rayClusterConfig.workerGroupSpecs as Json[];
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new RayModel(s, 'r', { model: MODEL, ...props } as unknown as RayModelProps));
}

describe('RayModel mode "disaggregated"', () => {
  test('renders build_pd_openai_app with a prefill and a decode LLMConfig, each pinned to its own default worker group', () => {
    const rs = rayService({
      mode: 'disaggregated',
      modelId: 'qwen',
      engineKwargs: { max_model_len: 8192 },
      serve: { maxOngoingRequests: 32 },
      prefill: { tensorParallelSize: 2, autoscaling: { minReplicas: 1, maxReplicas: 2 }, engineKwargs: { max_num_batched_tokens: 16384 } },
      decode: { autoscaling: { minReplicas: 2, maxReplicas: 4 }, serve: { maxOngoingRequests: 128 } },
    });
    const a = app(rs);
    expect(a.import_path).toBe('ray.serve.llm:build_pd_openai_app');
    expect(a.name).toBe('llm');
    expect(a.route_prefix).toBe('/');
    expect(Object.keys(a.args)).toEqual(['prefill_config', 'decode_config']);
    expect(a.args.prefill_config).toEqual({
      model_loading_config: { model_id: 'qwen', model_source: MODEL },
      engine_kwargs: { max_model_len: 8192, max_num_batched_tokens: 16384, tensor_parallel_size: 2, kv_transfer_config: NIXL },
      deployment_config: { autoscaling_config: { min_replicas: 1, max_replicas: 2 }, max_ongoing_requests: 32 },
      placement_group_config: {
        bundles: [
          { GPU: 1, modelstack_prefill: 1 },
          { GPU: 1, modelstack_prefill: 1 },
        ],
        strategy: 'PACK',
      },
    });
    expect(a.args.decode_config).toEqual({
      model_loading_config: { model_id: 'qwen', model_source: MODEL },
      engine_kwargs: { max_model_len: 8192, tensor_parallel_size: 1, kv_transfer_config: NIXL },
      deployment_config: { autoscaling_config: { min_replicas: 2, max_replicas: 4 }, max_ongoing_requests: 128 },
      placement_group_config: { bundles: [{ GPU: 1, modelstack_decode: 1 }], strategy: 'PACK' },
    });
    const [prefill, decode] = groups(rs);
    expect(prefill).toMatchObject({ groupName: 'prefill', replicas: 1, minReplicas: 1, maxReplicas: 2, resources: { modelstack_prefill: '2' } });
    expect(prefill.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('2');
    expect(decode).toMatchObject({ groupName: 'decode', replicas: 2, minReplicas: 2, maxReplicas: 4, resources: { modelstack_decode: '1' } });
    expect(decode.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    // Replica counts differ between the groups, so the autoscaler runs.
    expect(rs.spec.rayClusterConfig.enableInTreeAutoscaling).toBe(true);
  });

  test('user worker groups carry their phase as a Ray resource next to their accelerator type; placement keeps the pin', () => {
    const rs = rayService({
      mode: 'disaggregated',
      tensorParallelSize: 4,
      prefill: { serve: { acceleratorType: 'H100', placement: { strategy: 'STRICT_PACK', cpusPerWorker: 2 } } },
      decode: { tensorParallelSize: 2, serve: { acceleratorType: 'L40S' } },
      workerGroups: [
        { name: 'h100', phase: 'prefill', minReplicas: 1, maxReplicas: 1, gpus: 4, acceleratorType: 'H100' },
        { name: 'l40s', phase: 'decode', minReplicas: 2, maxReplicas: 2, gpus: 2, acceleratorType: 'L40S' },
      ],
    });
    const a = app(rs);
    expect(a.args.prefill_config.accelerator_type).toBe('H100');
    expect(a.args.prefill_config.placement_group_config).toEqual({
      bundles: Array.from({ length: 4 }, () => ({ CPU: 2, GPU: 1, modelstack_prefill: 1 })),
      strategy: 'STRICT_PACK',
    });
    expect(a.args.decode_config.accelerator_type).toBe('L40S');
    expect(a.args.decode_config.engine_kwargs.tensor_parallel_size).toBe(2);
    expect(groups(rs).map((g) => g.resources)).toEqual([
      { 'accelerator_type:H100': '1', modelstack_prefill: '4' },
      { 'accelerator_type:L40S': '1', modelstack_decode: '2' },
    ]);
  });

  test('the descriptor reports the decode engine (the deployment that answers requests)', () => {
    let m: RayModel | undefined;
    objectsOf((s) => {
      m = new RayModel(s, 'r', { model: MODEL, mode: 'disaggregated', prefill: { tensorParallelSize: 4 }, decode: { tensorParallelSize: 2 } });
    });
    expect(m!.descriptor).toMatchObject({ engine: 'vllm', tensorParallelSize: 2, gpusPerEngine: 2 });
  });

  test('aggregated mode is unchanged: build_openai_app and no phase resources', () => {
    const rs = rayService({ mode: 'aggregated' });
    expect(app(rs).import_path).toBe('ray.serve.llm:build_openai_app');
    expect(groups(rs)[0].resources).toBeUndefined();
  });
});

describe('RayModel disaggregation rules', () => {
  test('phase settings and worker group phases outside mode "disaggregated"', () => {
    expect(
      errors({
        prefill: { tensorParallelSize: 2 },
        decode: {},
        workerGroups: [{ name: 'g', phase: 'decode', minReplicas: 1, maxReplicas: 1 }],
      }),
    ).toEqual([
      '[test/r] prefill: {"tensorParallelSize":2} applies to mode "disaggregated" only. Fix: remove it, or set mode: "disaggregated"',
      '[test/r] decode: {} applies to mode "disaggregated" only. Fix: remove it, or set mode: "disaggregated"',
      '[test/r] workerGroups[0].phase: "decode" applies to mode "disaggregated" only. Fix: remove it, or set mode: "disaggregated"',
    ]);
  });

  test('model-wide autoscaling in mode "disaggregated"', () => {
    expect(errors({ mode: 'disaggregated', autoscaling: { minReplicas: 2 } })).toEqual([
      '[test/r] autoscaling: {"minReplicas":2} applies to mode "aggregated" only; prefill and decode scale separately. ' +
        'Fix: move it to prefill.autoscaling and decode.autoscaling',
    ]);
  });

  test('kv_transfer_config is written by the mode', () => {
    expect(
      errors({
        mode: 'disaggregated',
        engineKwargs: { kv_transfer_config: { kv_connector: 'LMCacheConnectorV1' } },
        decode: { engineKwargs: { kv_transfer_config: {}, tensor_parallel_size: 2 } },
      }),
    ).toEqual([
      '[test/r] engineKwargs.kv_transfer_config: {"kv_connector":"LMCacheConnectorV1"} collides with mode ("disaggregated"), which writes ' +
        'engine_kwargs.kv_transfer_config (NixlConnector, kv_both) on prefill and decode. Fix: remove it',
      '[test/r] decode.engineKwargs.kv_transfer_config: {} collides with mode ("disaggregated"), which writes ' +
        'engine_kwargs.kv_transfer_config (NixlConnector, kv_both) on prefill and decode. Fix: remove it',
      '[test/r] decode.engineKwargs.tensor_parallel_size: 2 collides with decode.tensorParallelSize (1), which writes engine_kwargs.tensor_parallel_size. ' +
        'Fix: remove decode.engineKwargs.tensor_parallel_size and set decode.tensorParallelSize: 2',
    ]);
  });

  test('worker groups without a phase, and a phase without GPU worker groups', () => {
    expect(
      errors({
        mode: 'disaggregated',
        workerGroups: [
          { name: 'a', phase: 'prefill', minReplicas: 1, maxReplicas: 1, gpus: 1 },
          { name: 'b', minReplicas: 1, maxReplicas: 1, gpus: 1 },
          { name: 'c', phase: 'decode', minReplicas: 1, maxReplicas: 1, gpus: 0 },
        ],
      }),
    ).toEqual([
      '[test/r] workerGroups[1].phase: (unset) is required in mode "disaggregated": the group would run no replicas. ' +
        'Fix: set phase: "prefill" or "decode", or remove the group',
      '[test/r] workerGroups: ["a","b","c"] has no worker group with GPUs for phase "decode"; its replicas would never be scheduled. ' +
        'Fix: add a worker group with phase: "decode" and gpus of at least decode.tensorParallelSize',
    ]);
  });

  test('capacity, placement and accelerator rules are checked per phase, with the phase in the prop', () => {
    expect(
      errors({
        mode: 'disaggregated',
        prefill: { tensorParallelSize: 4, serve: { placement: { strategy: 'STRICT_PACK' } } },
        decode: { serve: { acceleratorType: 'H100' } },
        workerGroups: [
          { name: 'p', phase: 'prefill', minReplicas: 1, maxReplicas: 1, gpus: 2 },
          { name: 'd', phase: 'decode', minReplicas: 1, maxReplicas: 1, gpus: 1, acceleratorType: 'L4' },
        ],
      }),
    ).toEqual([
      '[test/r] prefill.tensorParallelSize: 4 is larger than the GPUs of any prefill worker group (at most 2 per pod); each tensor-parallel rank needs its own GPU. ' +
        'Fix: give a prefill worker group gpus: 4 or more, or lower prefill.tensorParallelSize',
      '[test/r] prefill.serve.placement.strategy: "STRICT_PACK" puts all 4 engine workers of a replica on one pod, but no prefill worker group has more than 2 GPUs per pod. ' +
        'Fix: use strategy "PACK" or "SPREAD" to let a replica span pods, or give a prefill worker group more GPUs per pod',
      '[test/r] decode.serve.acceleratorType: "H100" is offered by no decode worker group (they declare L4); the replicas would never be scheduled. ' +
        'Fix: set acceleratorType: "H100" on the decode worker group that has it, or change decode.serve.acceleratorType',
    ]);
  });

  test('per-phase autoscaling and serve rules name the phase', () => {
    expect(
      errors({
        mode: 'disaggregated',
        prefill: { autoscaling: { minReplicas: 3, maxReplicas: 2 } },
        decode: { autoscaling: { maxReplicas: 2, initialReplicas: 5, targetOngoingRequests: 100 }, serve: { maxOngoingRequests: 10, minReplicas: 1 } },
      }),
    ).toEqual(['[test/r] decode.serve.minReplicas: 1 is misplaced: it is not a serve setting. Fix: move it to decode.autoscaling.minReplicas']);
    expect(
      errors({
        mode: 'disaggregated',
        prefill: { autoscaling: { minReplicas: 3, maxReplicas: 2 } },
        decode: { autoscaling: { maxReplicas: 2, initialReplicas: 5, targetOngoingRequests: 100 }, serve: { maxOngoingRequests: 10 } },
      }),
    ).toEqual([
      '[test/r] prefill.autoscaling.minReplicas: 3 is larger than prefill.autoscaling.maxReplicas (2). Fix: make minReplicas at most maxReplicas',
      '[test/r] decode.autoscaling.initialReplicas: 5 is outside decode.autoscaling.minReplicas..maxReplicas (1..2). ' +
        'Fix: choose a value between minReplicas and maxReplicas, or leave it unset',
      '[test/r] decode.autoscaling.targetOngoingRequests: 100 is larger than decode.serve.maxOngoingRequests (10); a replica never holds more than maxOngoingRequests, ' +
        'so the target is never reached and the model never scales up. Fix: lower targetOngoingRequests to at most 10, or raise decode.serve.maxOngoingRequests',
    ]);
  });

  test('only vLLM, also disaggregated', () => {
    expect(errors({ mode: 'disaggregated', engine: 'sglang' })).toEqual([
      '[test/r] engine: "sglang" is not served by runtime "kuberay" (KubeRay serves vllm only, aggregated or disaggregated). Fix: use engine: "vllm", or runtime: "dynamo"',
    ]);
  });
});

describe('Model with runtime "kuberay" and mode "disaggregated"', () => {
  function modelService(props: Partial<ModelProps>): Json {
    return single(
      objectsOf((s) => new Model(s, 'm', { runtime: 'kuberay', model: MODEL, ...props })),
      'RayService',
    );
  }

  test('is handed to RayModel instead of refused; gpusPerWorker sizes both default phase groups', () => {
    const rs = modelService({ mode: 'disaggregated', gpusPerWorker: 2, prefill: { tensorParallelSize: 2 }, decode: { tensorParallelSize: 2 } });
    expect(app(rs).import_path).toBe('ray.serve.llm:build_pd_openai_app');
    expect(groups(rs).map((g) => [g.groupName, g.resources])).toEqual([
      ['prefill', { modelstack_prefill: '2' }],
      ['decode', { modelstack_decode: '2' }],
    ]);
  });

  test('Dynamo replica counts per role stay Dynamo-only, and KV routing stays Dynamo-only', () => {
    expect(
      errorsOf((s) => new Model(s, 'm', { runtime: 'kuberay', model: MODEL, mode: 'disaggregated', router: 'kv', replicas: { prefill: 2 } } as ModelProps)),
    ).toEqual([
      '[test/m] router: "kv" is not available on runtime "kuberay" (KV-aware routing is Dynamo-only). ' +
        'Fix: remove router (round-robin is used), or set runtime: "dynamo"',
      '[test/m] replicas: {"prefill":2} applies to runtime "dynamo" only. Fix: remove it, or set runtime: "dynamo"',
    ]);
  });

  test('prefill and decode are refused on runtime "dynamo"', () => {
    expect(errorsOf((s) => new Model(s, 'm', { runtime: 'dynamo', model: MODEL, mode: 'disaggregated', decode: { tensorParallelSize: 2 } }))).toEqual([
      '[test/m] decode: {"tensorParallelSize":2} applies to runtime "kuberay" only. Fix: remove it, or set runtime: "kuberay"',
    ]);
  });
});
