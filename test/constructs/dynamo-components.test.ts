// The planner and endpoint-picker components of DynamoModel (issue 10): what they render, and
// the rules that refuse settings the planner would ignore or refuse, and EPP configs the DGD CRD
// (1.4.0) or the EPP would reject.
import { DynamoModel, type DynamoModelProps, secretKey } from '../../index.js';
import { container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const EPP_IMAGE = 'nvcr.io/nvidia/ai-dynamo/dynamo-epp:1.4.0';
const EPP_CONFIG = {
  plugins: [{ name: 'picker', type: 'max-score-picker' }, { type: 'dyn-decode-scorer' }],
  schedulingProfiles: [{ name: 'decode', plugins: [{ pluginRef: 'dyn-decode-scorer', weight: 1 }, { pluginRef: 'picker' }] }],
};

function dgd(props: Partial<DynamoModelProps> = {}): Json {
  return single(
    objectsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props }), { namespace: 'llm' }),
    'DynamoGraphDeployment',
  );
}

function componentOfType(graph: Json, type: string): Json {
  const hits = (graph.spec.components as Json[]).filter((c) => c.type === type);
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props } as unknown as DynamoModelProps));
}

describe('the planner component', () => {
  test('renders python3 -m dynamo.planner with the config JSON, the pinned planner image and the Prometheus endpoint', () => {
    const graph = dgd({
      mode: 'disaggregated',
      engine: 'sglang',
      hfTokenSecret: secretKey('hf', 'token'),
      planner: {
        optimizationTarget: 'sla',
        ttftMs: 200,
        itlMs: 20,
        loadScaling: true,
        loadAdjustmentIntervalSeconds: 5,
        throughputAdjustmentIntervalSeconds: 60,
        prometheusEndpoint: 'http://prom.monitoring.svc:9090',
        extra: { load_predictor: 'kalman' },
      },
    });
    const planner = componentOfType(graph, 'planner');
    expect(planner.name).toBe('Planner');
    expect(planner.replicas).toBe(1);
    const main = container(planner.podTemplate, 'main');
    expect(main.image).toBe('nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.4.0');
    expect(main.command).toEqual(['python3', '-m', 'dynamo.planner']);
    expect(main.args[0]).toBe('--config');
    expect(JSON.parse(main.args[1])).toEqual({
      environment: 'kubernetes',
      backend: 'sglang',
      mode: 'disagg',
      optimization_target: 'sla',
      ttft_ms: 200,
      itl_ms: 20,
      enable_load_scaling: true,
      load_adjustment_interval_seconds: 5,
      throughput_adjustment_interval_seconds: 60,
      load_predictor: 'kalman',
    });
    expect(main.env).toEqual([
      { name: 'PROMETHEUS_ENDPOINT', value: 'http://prom.monitoring.svc:9090' },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
    ]);
  });

  test('aggregated mode with load thresholds, the image follows runtimeVersion, and no planner without the prop', () => {
    const graph = dgd({ runtimeVersion: '1.3.0', planner: { optimizationTarget: 'load', decodeKvUtilizationPercent: { scaleUp: 80, scaleDown: 30 } } });
    const main = container(componentOfType(graph, 'planner').podTemplate, 'main');
    expect(main.image).toBe('nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.3.0');
    expect(JSON.parse(main.args[1])).toEqual({
      environment: 'kubernetes',
      backend: 'vllm',
      mode: 'agg',
      optimization_target: 'load',
      decode_scale_up_kv_rate: 80,
      decode_scale_down_kv_rate: 30,
    });
    expect((dgd().spec.components as Json[]).map((c) => c.type)).toEqual(['frontend', 'worker']);
  });

  test('settings the chosen optimization target ignores', () => {
    expect(errors({ planner: { ttftMs: 100 } })).toEqual([
      '[test/m] planner.ttftMs: 100 applies to optimizationTarget "sla" only (optimizationTarget is "throughput"), and the planner ignores it otherwise. ' +
        'Fix: remove it, or set planner.optimizationTarget: "sla"',
    ]);
    expect(errors({ planner: { optimizationTarget: 'sla', decodeKvUtilizationPercent: { scaleUp: 80, scaleDown: 30 } } })).toEqual([
      '[test/m] planner.decodeKvUtilizationPercent: {"scaleUp":80,"scaleDown":30} applies to optimizationTarget "load" only (optimizationTarget is "sla"), ' +
        'and the planner ignores it otherwise. Fix: remove it, or set planner.optimizationTarget: "load"',
    ]);
    expect(errors({ planner: { optimizationTarget: 'latency', throughputAdjustmentIntervalSeconds: 60 } })).toEqual([
      '[test/m] planner.throughputAdjustmentIntervalSeconds: 60 has no effect: throughput-based scaling runs only with optimizationTarget "sla" and throughputScaling on. ' +
        'Fix: remove it, or set planner.optimizationTarget: "sla"',
    ]);
  });

  test('sla with no scaling loop, and intervals in the wrong order', () => {
    expect(errors({ planner: { optimizationTarget: 'sla', throughputScaling: false } })).toEqual([
      '[test/m] planner.throughputScaling: false turns off the only scaling loop (loadScaling is off too), and the planner refuses to start with none. ' +
        'Fix: remove it, or set planner.loadScaling: true',
    ]);
    expect(
      errors({
        planner: { optimizationTarget: 'sla', loadScaling: true, loadAdjustmentIntervalSeconds: 60, throughputAdjustmentIntervalSeconds: 60 },
      }),
    ).toEqual([
      '[test/m] planner.loadAdjustmentIntervalSeconds: 60 is not shorter than throughputAdjustmentIntervalSeconds (60); the planner refuses to start unless ' +
        'the reactive loop is the faster one. Fix: make loadAdjustmentIntervalSeconds shorter than throughputAdjustmentIntervalSeconds',
    ]);
  });

  test('load target: missing thresholds, prefill thresholds without prefill workers, thresholds in the wrong order', () => {
    expect(errors({ mode: 'disaggregated', planner: { optimizationTarget: 'load', decodeKvUtilizationPercent: { scaleUp: 80, scaleDown: 30 } } })).toEqual([
      '[test/m] planner.optimizationTarget: "load" needs planner.prefillQueueTokens, and the planner refuses to start without it. ' +
        'Fix: set planner.prefillQueueTokens to { scaleUp, scaleDown } thresholds, or use optimizationTarget "throughput"',
    ]);
    expect(
      errors({
        planner: {
          optimizationTarget: 'load',
          prefillQueueTokens: { scaleUp: 4096, scaleDown: 512 },
          decodeKvUtilizationPercent: { scaleUp: 30, scaleDown: 30 },
        },
      }),
    ).toEqual([
      '[test/m] planner.prefillQueueTokens: {"scaleUp":4096,"scaleDown":512} has no prefill workers to scale in mode "aggregated". ' +
        'Fix: remove it (aggregated workers scale on planner.decodeKvUtilizationPercent), or set mode: "disaggregated"',
      '[test/m] planner.decodeKvUtilizationPercent: {"scaleUp":30,"scaleDown":30} has scaleUp at or below scaleDown, so the planner would scale up and down at once. ' +
        'Fix: make scaleUp larger than scaleDown',
    ]);
    expect(errors({ planner: { optimizationTarget: 'load', decodeKvUtilizationPercent: { scaleUp: 180, scaleDown: 30 } } })).toEqual([
      '[test/m] planner.decodeKvUtilizationPercent: {"scaleUp":180,"scaleDown":30} is not a percentage. Fix: use values from 0 to 100',
    ]);
  });

  test('extra keys that repeat a typed setting or what modelstack writes; an unpinned image', () => {
    expect(errors({ planner: { extra: { ttft: 100, backend: 'vllm' }, image: 'nvcr.io/nvidia/ai-dynamo/dynamo-planner:latest' } })).toEqual([
      '[test/m] planner.extra.ttft: 100 is a typed setting. Fix: remove it and set planner.ttftMs',
      '[test/m] planner.extra.backend: "vllm" is written by modelstack from engine. Fix: remove it',
      '[test/m] planner.image: "nvcr.io/nvidia/ai-dynamo/dynamo-planner:latest" is not pinned to a version (no tag, or "latest"). ' +
        'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
    ]);
  });
});

describe('the endpoint picker (EPP) component', () => {
  test('renders type epp with its eppConfig, image and the model name the EPP tokenizes for', () => {
    const graph = dgd({ epp: { image: EPP_IMAGE, config: EPP_CONFIG, env: { DYN_KV_CACHE_BLOCK_SIZE: '128' } }, env: { LOG: 'info' } });
    const epp = componentOfType(graph, 'epp');
    expect(epp.name).toBe('Epp');
    expect(epp.replicas).toBe(1);
    expect(epp.eppConfig).toEqual({ config: EPP_CONFIG });
    const main = container(epp.podTemplate, 'main');
    expect(main.image).toBe(EPP_IMAGE);
    expect(main.command).toBeUndefined();
    expect(main.args).toBeUndefined();
    expect(main.env).toEqual([
      { name: 'DYN_MODEL_NAME', value: MODEL },
      { name: 'LOG', value: 'info' },
      { name: 'DYN_KV_CACHE_BLOCK_SIZE', value: '128' },
    ]);
    // eppConfig only on the epp component (the CRD's CEL rule).
    expect((graph.spec.components as Json[]).filter((c) => c.eppConfig !== undefined)).toHaveLength(1);
  });

  test('a ConfigMap reference instead of an inline config', () => {
    const epp = componentOfType(dgd({ epp: { image: EPP_IMAGE, configMapRef: { name: 'epp', key: 'c.yaml' }, replicas: 2 } }), 'epp');
    expect(epp.eppConfig).toEqual({ configMapRef: { name: 'epp', key: 'c.yaml' } });
    expect(epp.replicas).toBe(2);
  });

  test('neither or both of config and configMapRef', () => {
    const fix = 'Fix: set epp.config (the EndpointPickerConfig inline) or epp.configMapRef (a ConfigMap key holding it)';
    expect(errors({ epp: { image: EPP_IMAGE } })).toEqual([
      `[test/m] epp: {"config":false,"configMapRef":false} sets neither config nor configMapRef; the DGD CRD (1.4.0) requires exactly one. ${fix}`,
    ]);
    expect(errors({ epp: { image: EPP_IMAGE, config: EPP_CONFIG, configMapRef: { name: 'epp', key: 'k' } } })).toEqual([
      `[test/m] epp: {"config":true,"configMapRef":true} sets both config and configMapRef; the DGD CRD (1.4.0) requires exactly one. ${fix}`,
    ]);
  });

  test('a scheduling profile naming a plugin that does not exist; an unpinned image; env modelstack writes', () => {
    const config = { ...EPP_CONFIG, schedulingProfiles: [{ name: 'decode', plugins: [{ pluginRef: 'max-score-picker' }] }] };
    expect(errors({ epp: { image: 'dynamo-epp', config, env: { DYN_MODEL_NAME: 'x' } } })).toEqual([
      '[test/m] epp.config.schedulingProfiles[0].plugins[0].pluginRef: "max-score-picker" names no plugin of epp.config.plugins ' +
        '(a plugin is known by its name, or by its type when it has none). Fix: use one of "picker", "dyn-decode-scorer"',
      '[test/m] epp.image: "dynamo-epp" is not pinned to a version (no tag, or "latest"). Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
      '[test/m] epp.env.DYN_MODEL_NAME: "(literal value hidden)" is set by modelstack from model. Fix: remove it from env and use model',
    ]);
  });
});

describe('autoscaler-safe replicas (issue 18)', () => {
  test('with a planner the worker components carry no replicas, so an apply never resets what the planner scaled', () => {
    const graph = dgd({ mode: 'disaggregated', planner: { optimizationTarget: 'throughput' } });
    expect(componentOfType(graph, 'prefill')).not.toHaveProperty('replicas');
    expect(componentOfType(graph, 'decode')).not.toHaveProperty('replicas');
    // The frontend and the planner itself are not scaled by the planner: they keep theirs.
    expect(componentOfType(graph, 'frontend').replicas).toBe(1);
    expect(componentOfType(graph, 'planner').replicas).toBe(1);
  });

  test('without a planner the workers keep their fixed replicas', () => {
    const graph = dgd({ replicas: { worker: 3 } });
    expect(componentOfType(graph, 'worker').replicas).toBe(3);
  });

  test('fixed worker replicas together with a planner are refused, naming the planner setting to use', () => {
    expect(errors({ mode: 'disaggregated', replicas: { decode: 4 }, planner: {} }).join('\n')).toMatch(
      /replicas\.decode.*owned by the planner.*planner\.minEndpoint/s,
    );
    expect(errors({ replicas: { frontend: 2 }, planner: {} })).toEqual([]);
  });
});
