import { parse } from 'yaml';
import {
  DynamoModel,
  type DynamoModelProps,
  Model,
  ModelstackError,
  OperatorInstall,
  RayModel,
  type RayModelProps,
  RuntimeOperator,
  secretKey,
} from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import type { ComposeFile } from '../../../src/local/compose/compose-types.js';
import { DYNAMO_DISCOVERY_DIR, DYNAMO_LOCAL_ENV } from '../../../src/runtimes/dynamo/local-services.js';
import { engineFor } from '../../../src/engines/index.js';
import { ENGINES } from '../../../src/model/ids.js';
import { hostPortOf } from '../../../src/local/compose/host-ports.js';
import { RAY_SERVE_CONFIG_TARGET } from '../../../src/runtimes/kuberay/local-services.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import type { StackManifest } from '../../../src/model/kube-object.js';
import { service, services, stacksOf } from './compose-fixtures.js';

const token = secretKey('hf-token', 'token');

function dynamo(props: Partial<DynamoModelProps> = {}, id = 'qwen'): StackManifest[] {
  return stacksOf((s) => {
    new DynamoModel(s, id, { model: 'Qwen/Qwen3-0.6B', hfTokenSecret: token, ...props });
  });
}

function ray(props: Partial<RayModelProps> = {}): StackManifest[] {
  return stacksOf((s) => {
    new RayModel(s, 'llama', { model: 'Qwen/Qwen2.5-7B-Instruct', modelId: 'qwen25', hfTokenSecret: token, ...props });
  });
}

/** Both runtimes, disaggregated Dynamo: frontend, prefill, decode, ray. */
function mixed(): StackManifest[] {
  return stacksOf((s) => {
    new Model(s, 'dyn', { runtime: 'dynamo', model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', router: 'kv', hfTokenSecret: token });
    new Model(s, 'ray', { runtime: 'kuberay', model: 'Qwen/Qwen2.5-7B-Instruct', tensorParallelSize: 2, hfTokenSecret: token });
  });
}

function env(file: ComposeFile, name: string): string[] {
  return [...(service(file, name).environment ?? [])];
}

describe('buildCompose: runtime flavor, Dynamo', () => {
  test('a frontend and one service per worker component, named <model>-<role>', () => {
    expect(Object.keys(buildCompose(dynamo()).services)).toEqual(['qwen-frontend', 'qwen-worker']);
    expect(Object.keys(buildCompose(dynamo({ mode: 'disaggregated' })).services)).toEqual(['qwen-frontend', 'qwen-prefill', 'qwen-decode']);
  });

  test('services run the DGD main containers: image, command as entrypoint, args as command', () => {
    const file = buildCompose(dynamo({ engine: 'sglang', frontendArgs: ['--verbose'], workerArgs: ['--mem-fraction-static', '0.8'] }));
    const fe = service(file, 'qwen-frontend');
    expect(fe.image).toBe('nvcr.io/nvidia/ai-dynamo/sglang-runtime:1.4.0');
    expect(fe.entrypoint).toEqual(['python3', '-m', 'dynamo.frontend']);
    expect(fe.command).toEqual(['--http-port', '8000', '--verbose']);
    const w = service(file, 'qwen-worker');
    expect(w.entrypoint).toEqual(['python3', '-m', 'dynamo.sglang']);
    expect(w.command).toEqual(['--model-path', 'Qwen/Qwen3-0.6B', '--served-model-name', 'Qwen/Qwen3-0.6B', '--tp', '1', '--mem-fraction-static', '0.8']);
  });

  test('no etcd, no NATS: file discovery on a shared tmpfs volume, TCP requests, ZMQ events, on every service', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated', env: { DYN_DISCOVERY_BACKEND: 'kubernetes', LOG_LEVEL: 'debug' } }));
    for (const [name, svc] of services(file)) {
      const e = env(file, name);
      expect(e).toEqual(expect.arrayContaining(Object.entries(DYNAMO_LOCAL_ENV).map(([k, v]) => `${k}=${v}`)));
      // The manifest's value cannot bring etcd back.
      expect(e).not.toContain('DYN_DISCOVERY_BACKEND=kubernetes');
      expect(e.filter((x) => x.startsWith('DYN_DISCOVERY_BACKEND'))).toHaveLength(1);
      expect(e).toContain('LOG_LEVEL=debug');
      expect(e.some((x) => /ETCD|NATS/.test(x))).toBe(false);
      expect(svc.volumes).toContainEqual({ type: 'volume', source: 'qwen-discovery', target: DYNAMO_DISCOVERY_DIR });
    }
    expect(file.volumes?.['qwen-discovery']).toEqual({ driver: 'local', driver_opts: { type: 'tmpfs', device: 'tmpfs' } });
  });

  test('DYN_ROUTER_MODE of the frontend is carried over', () => {
    expect(env(buildCompose(dynamo({ router: 'kv' })), 'qwen-frontend')).toContain('DYN_ROUTER_MODE=kv');
    expect(env(buildCompose(dynamo()), 'qwen-frontend').some((e) => e.startsWith('DYN_ROUTER_MODE'))).toBe(false);
  });

  test('workers report health on the system status server, the frontend on its HTTP port', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated' }));
    expect(service(file, 'qwen-frontend')['x-modelstack']).toEqual({ model: 'qwen', role: 'frontend', health: { port: 8000, path: '/health' } });
    for (const role of ['prefill', 'decode']) {
      expect(env(file, `qwen-${role}`)).toContain('DYN_SYSTEM_PORT=9090');
      expect(service(file, `qwen-${role}`)['x-modelstack']).toEqual({ model: 'qwen', role, health: { port: 9090, path: '/health' } });
    }
  });

  test('a system port set in the manifest is the health port; a disabled one leaves the worker without health', () => {
    expect(service(buildCompose(dynamo({ env: { DYN_SYSTEM_PORT: '9345' } })), 'qwen-worker')['x-modelstack'].health).toEqual({
      port: 9345,
      path: '/health',
    });
    const off = buildCompose(dynamo({ env: { DYN_SYSTEM_PORT: '-1' } }));
    const w = service(off, 'qwen-worker');
    expect(w['x-modelstack']).toEqual({ model: 'qwen', role: 'worker' });
    expect(w.healthcheck).toBeUndefined();
    expect(w.ports).toBeUndefined();
    // Nothing to wait for but the start.
    expect(service(off, 'qwen-frontend').depends_on).toEqual({ 'qwen-worker': { condition: 'service_started' } });
  });

  test('depends_on: the frontend waits for every worker to be healthy; workers wait for nothing', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated' }));
    expect(service(file, 'qwen-frontend').depends_on).toEqual({
      'qwen-prefill': { condition: 'service_healthy' },
      'qwen-decode': { condition: 'service_healthy' },
    });
    expect(service(file, 'qwen-prefill').depends_on).toBeUndefined();
    expect(service(file, 'qwen-decode').depends_on).toBeUndefined();
  });

  test('the frontend gets HF_TOKEN (by name) when the workers have it, to read a gated tokenizer', () => {
    expect(env(buildCompose(dynamo()), 'qwen-frontend')).toContain('HF_TOKEN');
    expect(env(buildCompose(dynamo({ hfTokenSecret: undefined })), 'qwen-frontend')).not.toContain('HF_TOKEN');
  });

  test('ipc: host on engines only (not on the frontend)', () => {
    const file = buildCompose(dynamo());
    expect(service(file, 'qwen-worker').ipc).toBe('host');
    expect(service(file, 'qwen-frontend').ipc).toBeUndefined();
  });
});

describe('buildCompose: GPUs', () => {
  const devices = (file: ComposeFile, name: string) => service(file, name).deploy?.resources?.reservations.devices;

  test('workers reserve their nvidia.com/gpu limit; the frontend reserves none', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated', tensorParallelSize: 2, gpusPerWorker: 4 }));
    expect(devices(file, 'qwen-prefill')).toEqual([{ driver: 'nvidia', count: 4, capabilities: ['gpu'] }]);
    expect(devices(file, 'qwen-decode')).toEqual([{ driver: 'nvidia', count: 4, capabilities: ['gpu'] }]);
    expect(service(file, 'qwen-frontend').deploy).toBeUndefined();
  });

  test('CPU-only workers (gpusPerWorker 0) reserve nothing', () => {
    expect(service(buildCompose(dynamo({ gpusPerWorker: 0 })), 'qwen-worker').deploy).toBeUndefined();
  });

  test('Ray reserves the GPUs of the whole cluster: head plus each worker group at its initial replicas', () => {
    const file = buildCompose(
      ray({
        tensorParallelSize: 2,
        workerGroups: [
          { name: 'a', minReplicas: 1, maxReplicas: 3, replicas: 2, gpus: 2 },
          { name: 'b', minReplicas: 1, maxReplicas: 1, gpus: 4 },
          { name: 'cpu', minReplicas: 2, maxReplicas: 2, gpus: 0 },
        ],
      }),
    );
    expect(devices(file, 'llama-ray')).toEqual([{ driver: 'nvidia', count: 8, capabilities: ['gpu'] }]);
  });

  test('Ray multi-host groups reserve the GPUs of every host of every replica', () => {
    const file = buildCompose(
      ray({
        tensorParallelSize: 2,
        pipelineParallelSize: 2,
        workerGroups: [{ name: 'a', minReplicas: 1, maxReplicas: 2, replicas: 2, gpus: 2, numOfHosts: 2 }],
      }),
    );
    expect(devices(file, 'llama-ray')).toEqual([{ driver: 'nvidia', count: 8, capabilities: ['gpu'] }]);
  });

  test("engine flavor: one worker's GPUs (Dynamo), tensor_parallel_size GPUs (Ray)", () => {
    expect(devices(buildCompose(dynamo({ tensorParallelSize: 2, gpusPerWorker: 2 }), { flavor: 'engine' }), 'qwen-engine')).toEqual([
      { driver: 'nvidia', count: 2, capabilities: ['gpu'] },
    ]);
    expect(devices(buildCompose(ray({ tensorParallelSize: 4 }), { flavor: 'engine' }), 'llama-engine')).toEqual([
      { driver: 'nvidia', count: 4, capabilities: ['gpu'] },
    ]);
  });

  test('exclusive assignment numbers GPUs across the file in service order', () => {
    const file = buildCompose(mixed(), { gpuAssignment: 'exclusive' });
    expect(devices(file, 'dyn-frontend')).toBeUndefined();
    expect(devices(file, 'dyn-prefill')).toEqual([{ driver: 'nvidia', device_ids: ['0'], capabilities: ['gpu'] }]);
    expect(devices(file, 'dyn-decode')).toEqual([{ driver: 'nvidia', device_ids: ['1'], capabilities: ['gpu'] }]);
    expect(devices(file, 'ray-ray')).toEqual([{ driver: 'nvidia', device_ids: ['2', '3'], capabilities: ['gpu'] }]);
  });
});

describe('buildCompose: secrets and environment', () => {
  test('HF_TOKEN and every Secret-referenced variable are passed by name, never with a value', () => {
    for (const flavor of ['runtime', 'engine'] as const) {
      const stacks = stacksOf((s) => {
        new Model(s, 'dyn', {
          runtime: 'dynamo',
          model: 'm/m',
          hfTokenSecret: token,
          env: { API_KEY: { secretKeyRef: secretKey('api', 'key') }, MODE: 'x' },
        });
        new Model(s, 'ray', { runtime: 'kuberay', model: 'm/m', hfTokenSecret: token, env: { API_KEY: { secretKeyRef: secretKey('api', 'key') } } });
      });
      const file = buildCompose(stacks, { flavor });
      for (const [name, svc] of services(file)) {
        const e = svc.environment ?? [];
        if (name !== 'dyn-frontend') expect(e).toContain('HF_TOKEN');
        expect(e.filter((x) => x.startsWith('HF_TOKEN'))).toEqual(e.includes('HF_TOKEN') ? ['HF_TOKEN'] : []);
        expect(e.filter((x) => x.startsWith('API_KEY'))).toEqual(['API_KEY']);
      }
      const text = renderCompose(file);
      expect(text).not.toMatch(/HF_TOKEN[=:]\s*\S/);
      expect(text).not.toMatch(/hf-token|secretKeyRef/);
    }
  });

  test('literal env values are copied; compose interpolation is escaped ($ becomes $$)', () => {
    const file = buildCompose(dynamo({ env: { GREETING: 'hi $USER ${HOME}', LOG_LEVEL: 'debug' } }));
    expect(env(file, 'qwen-worker')).toEqual(expect.arrayContaining(['GREETING=hi $$USER $${HOME}', 'LOG_LEVEL=debug']));
  });

  test('HF_HOME points at the mounted cache unless the manifest sets it', () => {
    expect(env(buildCompose(dynamo()), 'qwen-worker')).toContain('HF_HOME=/root/.cache/huggingface');
    expect(env(buildCompose(dynamo({ env: { HF_HOME: '/models' } })), 'qwen-worker')).toEqual(expect.arrayContaining(['HF_HOME=/models']));
  });
});

describe('buildCompose: health contract and ports', () => {
  test('every service serving HTTP has x-modelstack.health, a healthcheck probing it, and publishes its port on 127.0.0.1', () => {
    for (const flavor of ['runtime', 'engine'] as const) {
      const file = buildCompose(mixed(), { flavor });
      for (const [, svc] of services(file)) {
        const health = svc['x-modelstack'].health!;
        expect(health).toBeDefined();
        expect(health.path).toMatch(/^\//);
        expect(svc.ports).toEqual([expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:\\d+:${health.port}$`))]);
        expect(svc.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'python3', '-c']);
        expect(svc.healthcheck?.test[3]).toContain(`'http://127.0.0.1:${health.port}${health.path}'`);
        expect(svc.healthcheck).toMatchObject({ interval: '10s', timeout: '5s', retries: 3 });
      }
    }
  });

  test('host ports are allocated from 18000 upward in service order', () => {
    const file = buildCompose(mixed());
    expect(services(file).map(([n, s]) => [n, s.ports])).toEqual([
      ['dyn-frontend', ['127.0.0.1:18000:8000']],
      ['dyn-prefill', ['127.0.0.1:18001:9090']],
      ['dyn-decode', ['127.0.0.1:18002:9090']],
      ['ray-ray', ['127.0.0.1:18003:8000']],
    ]);
    expect(hostPortOf(service(file, 'dyn-decode'), 9090)).toBe(18002);
    expect(hostPortOf(service(file, 'dyn-decode'), 8000)).toBeUndefined();
  });

  test('the base port is an option, and must leave room for every service', () => {
    expect(service(buildCompose(mixed(), { hostPortBase: 20000 }), 'ray-ray').ports).toEqual(['127.0.0.1:20003:8000']);
    expect(() => buildCompose(mixed(), { hostPortBase: 65534 })).toThrow(ModelstackError);
    expect(() => buildCompose(mixed(), { hostPortBase: 80 })).toThrow(/host port base 80/);
  });

  test('model loading gets a long start period; the Dynamo frontend a short one', () => {
    const file = buildCompose(mixed());
    expect(service(file, 'dyn-frontend').healthcheck?.start_period).toBe('2m');
    expect(service(file, 'dyn-prefill').healthcheck?.start_period).toBe('30m');
    expect(service(file, 'ray-ray').healthcheck?.start_period).toBe('30m');
    expect(service(file, 'dyn-frontend').healthcheck?.test[3]).toContain(`b.get('status') == 'healthy'`);
  });
});

describe('buildCompose: labels and common settings', () => {
  test('every service has the project, service, model, runtime and role labels', () => {
    const file = buildCompose(mixed(), { project: 'demo' });
    expect(services(file).map(([, s]) => s.labels)).toEqual([
      {
        'modelstack.io/project': 'demo',
        'modelstack.io/service': 'dyn-frontend',
        'modelstack.io/model': 'dyn',
        'modelstack.io/runtime': 'dynamo',
        'modelstack.io/role': 'frontend',
      },
      {
        'modelstack.io/project': 'demo',
        'modelstack.io/service': 'dyn-prefill',
        'modelstack.io/model': 'dyn',
        'modelstack.io/runtime': 'dynamo',
        'modelstack.io/role': 'prefill',
      },
      {
        'modelstack.io/project': 'demo',
        'modelstack.io/service': 'dyn-decode',
        'modelstack.io/model': 'dyn',
        'modelstack.io/runtime': 'dynamo',
        'modelstack.io/role': 'decode',
      },
      {
        'modelstack.io/project': 'demo',
        'modelstack.io/service': 'ray-ray',
        'modelstack.io/model': 'ray',
        'modelstack.io/runtime': 'kuberay',
        'modelstack.io/role': 'ray',
      },
    ]);
  });

  test('restart "no", run as root, the HF cache mounted everywhere as the named volume hf-cache', () => {
    const file = buildCompose(mixed());
    for (const [, s] of services(file)) {
      expect(s.restart).toBe('no');
      expect(s.user).toBe('0:0');
      expect(s.volumes?.[0]).toEqual({ type: 'volume', source: 'hf-cache', target: '/root/.cache/huggingface' });
    }
    expect(file.volumes?.['hf-cache']).toEqual({});
  });

  test('an absolute hfCache is a bind mount (created when missing) and declares no volume', () => {
    const file = buildCompose(mixed(), { hfCache: '/data/hf' });
    for (const [, s] of services(file)) {
      expect(s.volumes?.[0]).toEqual({ type: 'bind', source: '/data/hf', target: '/root/.cache/huggingface', bind: { create_host_path: true } });
    }
    expect(file.volumes?.['hf-cache']).toBeUndefined();
    expect(service(buildCompose(mixed(), { hfCache: 'models_1' }), 'ray-ray').volumes?.[0]).toMatchObject({ type: 'volume', source: 'models_1' });
  });

  test.each(['./hf', '~/hf', 'a/b', '-x'])('hfCache %s is refused with a hint', (hf) => {
    const err = catchError(() => buildCompose(mixed(), { hfCache: hf }));
    expect(err.code).toBe('LOCAL');
    expect(err.hint).toMatch(/absolute host directory/);
  });

  test("the project defaults to the first stack's name; an invalid project is refused", () => {
    expect(buildCompose(mixed()).name).toBe('test');
    const stacks = stacksOf(
      (s) => {
        new Model(s, 'dyn', { runtime: 'dynamo', model: 'm/m' });
      },
      { stackName: 'inference' },
    );
    expect(buildCompose(stacks).name).toBe('inference');
    expect(catchError(() => buildCompose(stacks, { project: 'Bad Name' })).code).toBe('LOCAL');
  });
});

describe('buildCompose: engine flavor', () => {
  test.each([
    [
      'vllm',
      ['vllm', 'serve'],
      ['Qwen/Qwen3-0.6B', '--served-model-name', 'qwen3', '--tensor-parallel-size', '2', '--host', '0.0.0.0', '--port', '8000'],
      8000,
    ],
    [
      'sglang',
      ['python3', '-m', 'sglang.launch_server'],
      ['--model-path', 'Qwen/Qwen3-0.6B', '--served-model-name', 'qwen3', '--tp', '2', '--port', '30000', '--host', '0.0.0.0'],
      30000,
    ],
    ['trtllm', ['trtllm-serve'], ['Qwen/Qwen3-0.6B', '--tp_size', '2', '--port', '8000', '--host', '0.0.0.0'], 8000],
  ] as const)('%s: one <model>-engine service running the engine server', (engine, entrypoint, command, port) => {
    for (const mode of ['aggregated', 'disaggregated'] as const) {
      const file = buildCompose(dynamo({ engine, mode, servedModelName: 'qwen3', tensorParallelSize: 2 }), { flavor: 'engine' });
      expect(Object.keys(file.services)).toEqual(['qwen-engine']);
      const s = service(file, 'qwen-engine');
      expect(s.image).toBe(engineFor(engine).serverImage);
      expect(s.entrypoint).toEqual(entrypoint);
      expect(s.command).toEqual(command);
      expect(s['x-modelstack']).toEqual({ model: 'qwen', role: 'engine', health: { port, path: '/health' } });
      expect(s.labels['modelstack.io/runtime']).toBe('dynamo');
      expect(s.ipc).toBe('host');
      expect(s.environment).toContain('HF_TOKEN');
      expect(s.environment?.some((e) => e.startsWith('DYN_DISCOVERY'))).toBe(false);
      expect(file.volumes).toEqual({ 'hf-cache': {} });
    }
  });

  test("Ray: vLLM serving the LLM config's model under its model id", () => {
    const file = buildCompose(ray({ tensorParallelSize: 2 }), { flavor: 'engine' });
    const s = service(file, 'llama-engine');
    expect(s.image).toBe(engineFor('vllm').serverImage);
    expect(s.command).toEqual([
      'Qwen/Qwen2.5-7B-Instruct',
      '--served-model-name',
      'qwen25',
      '--tensor-parallel-size',
      '2',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
    ]);
    expect(s.labels['modelstack.io/runtime']).toBe('kuberay');
    expect(file.configs).toBeUndefined();
  });

  test("what the engine serves comes from the model descriptor, not from the worker's command line", () => {
    const stacks = dynamo({ engine: 'vllm', servedModelName: 'qwen3', tensorParallelSize: 2 });
    const d = stacks[0]!.models![0]!;
    expect(d).toMatchObject({
      runtime: 'dynamo',
      kind: 'DynamoGraphDeployment',
      name: 'qwen',
      engine: 'vllm',
      servedModelName: 'qwen3',
      tensorParallelSize: 2,
    });
    const changed: StackManifest[] = [{ ...stacks[0]!, models: [{ ...d, model: 'org/other', servedModelName: 'other', tensorParallelSize: 1 }] }];
    expect(service(buildCompose(changed, { flavor: 'engine' }), 'qwen-engine').command).toEqual([
      'org/other',
      '--served-model-name',
      'other',
      '--tensor-parallel-size',
      '1',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
    ]);
  });

  test('a model object without a descriptor (a raw manifest) is refused for the engine flavor, not for the runtime flavor', () => {
    const raw: StackManifest[] = dynamo().map(({ models: _models, ...s }) => s);
    const e = catchError(() => buildCompose(raw, { flavor: 'engine' }));
    expect(e.code).toBe('LOCAL');
    expect(e.message).toBe('DynamoGraphDeployment qwen has no model descriptor: the engine flavor runs what a model construct says it serves');
    expect(e.hint).toMatch(/DynamoModel, RayModel or Model/);
    expect(Object.keys(buildCompose(raw).services)).toEqual(['qwen-frontend', 'qwen-worker']);
  });

  test('pinned images', () => {
    for (const image of ENGINES.map((e) => engineFor(e).serverImage)) expect(image).toMatch(/:[^:/]+$/);
    for (const image of ENGINES.map((e) => engineFor(e).serverImage)) expect(image).not.toMatch(/:latest$/);
  });
});

describe('buildCompose: Ray runtime flavor', () => {
  test('one service running serve run on the RayService serve config, written as an inline compose config', () => {
    const stacks = ray({ tensorParallelSize: 2, autoscaling: { minReplicas: 1, maxReplicas: 2 } });
    const file = buildCompose(stacks);
    const s = service(file, 'llama-ray');
    expect(s.image).toBe('rayproject/ray-llm:2.52.0-py311-cu128');
    expect(s.entrypoint).toEqual(['serve', 'run']);
    expect(s.command).toEqual([RAY_SERVE_CONFIG_TARGET]);
    expect(s.configs).toEqual([{ source: 'llama-serve-config', target: RAY_SERVE_CONFIG_TARGET }]);
    expect(s['x-modelstack']).toEqual({ model: 'llama', role: 'ray', health: { port: 8000, path: '/-/healthz' } });

    const rayService = stacks[0]!.objects.find((o) => o.kind === 'RayService') as unknown as { spec: { serveConfigV2: string } };
    const original = parse(rayService.spec.serveConfigV2) as Record<string, unknown>;
    const written = parse(file.configs!['llama-serve-config']!.content) as Record<string, unknown>;
    // The RayService's applications unchanged, Serve listening on all interfaces of the container.
    expect(written).toEqual({ ...original, http_options: { host: '0.0.0.0', port: 8000 } });
  });
});

describe('buildCompose: Ray production shapes', () => {
  test('the typed Serve LLM settings reach serve run unchanged', () => {
    const stacks = ray({
      autoscaling: { minReplicas: 1, maxReplicas: 2, targetOngoingRequests: 8 },
      serve: { maxOngoingRequests: 16, envVars: { VLLM_LOGGING_LEVEL: 'INFO' }, placement: { strategy: 'SPREAD' } },
    });
    const llm = (
      parse(buildCompose(stacks).configs!['llama-serve-config']!.content) as { applications: { args: { llm_configs: Record<string, unknown>[] } }[] }
    ).applications[0]!.args.llm_configs[0]!;
    expect(llm.runtime_env).toEqual({ env_vars: { VLLM_LOGGING_LEVEL: 'INFO' } });
    expect(llm.deployment_config).toEqual({ autoscaling_config: { min_replicas: 1, max_replicas: 2, target_ongoing_requests: 8 }, max_ongoing_requests: 16 });
  });

  test('STRICT_SPREAD placement cannot run on one local node: a LOCAL error with a hint', () => {
    const err = catchError(() =>
      buildCompose(
        ray({
          pipelineParallelSize: 2,
          serve: { placement: { strategy: 'STRICT_SPREAD' } },
          workerGroups: [{ name: 'a', minReplicas: 1, maxReplicas: 1, gpus: 1, numOfHosts: 2 }],
        }),
      ),
    );
    expect(err).toBeInstanceOf(ModelstackError);
    expect(err.code).toBe('LOCAL');
    expect(err.message).toBe('RayService llama: placement strategy STRICT_SPREAD needs one Ray node per engine worker; a local run has one node');
    expect(err.hint).toBe('use serve.placement.strategy "PACK" or "SPREAD" for a local run, or run the model on a cluster');
  });

  test('disaggregated: serve run gets both phases with the GPUs of both groups, without the worker-group pins (one local node)', () => {
    const stacks = ray({
      mode: 'disaggregated',
      prefill: { tensorParallelSize: 2, serve: { placement: { strategy: 'SPREAD', cpusPerWorker: 2 } } },
      decode: { autoscaling: { minReplicas: 2, maxReplicas: 2 } },
    });
    const file = buildCompose(stacks);
    const s = service(file, 'llama-ray');
    // prefill: 1 pod × 2 GPUs; decode: 2 pods × 1 GPU.
    expect(s.deploy?.resources?.reservations?.devices?.[0]?.count).toBe(4);
    const rayService = stacks[0]!.objects.find((o) => o.kind === 'RayService') as unknown as { spec: { serveConfigV2: string } };
    const original = parse(rayService.spec.serveConfigV2) as { applications: { args: Record<string, Record<string, unknown>> }[] };
    const written = parse(file.configs!['llama-serve-config']!.content) as typeof original;
    const [app] = written.applications;
    expect(app!.args.prefill_config!.placement_group_config).toEqual({
      bundles: [
        { CPU: 2, GPU: 1 },
        { CPU: 2, GPU: 1 },
      ],
      strategy: 'SPREAD',
    });
    expect(app!.args.decode_config!.placement_group_config).toEqual({ bundles: [{ GPU: 1 }], strategy: 'PACK' });
    // Everything else as the RayService has it.
    const strip = (c: Record<string, unknown>): Record<string, unknown> => {
      const { placement_group_config: _, ...rest } = c;
      return rest;
    };
    for (const phase of ['prefill_config', 'decode_config']) {
      expect(strip(app!.args[phase]!)).toEqual(strip(original.applications[0]!.args[phase]!));
    }
  });

  test('disaggregated with STRICT_SPREAD on a phase: the same LOCAL error', () => {
    const err = catchError(() =>
      buildCompose(
        ray({
          mode: 'disaggregated',
          decode: { pipelineParallelSize: 2, serve: { placement: { strategy: 'STRICT_SPREAD' } } },
          workerGroups: [
            { name: 'p', phase: 'prefill', minReplicas: 1, maxReplicas: 1, gpus: 1 },
            { name: 'd', phase: 'decode', minReplicas: 1, maxReplicas: 1, gpus: 1, numOfHosts: 2 },
          ],
        }),
      ),
    );
    expect(err).toBeInstanceOf(ModelstackError);
    expect(err.message).toBe('RayService llama: placement strategy STRICT_SPREAD needs one Ray node per engine worker; a local run has one node');
  });
});

describe('buildCompose: determinism and errors', () => {
  test('the same stacks give the same bytes (stacks built twice)', () => {
    for (const flavor of ['runtime', 'engine'] as const) {
      expect(renderCompose(buildCompose(mixed(), { flavor }))).toBe(renderCompose(buildCompose(mixed(), { flavor })));
    }
  });

  test('a stack without models is a LOCAL error with a hint', () => {
    const stacks = stacksOf((s) => {
      new RuntimeOperator(s, 'op', { runtime: 'dynamo', install: OperatorInstall.flux() });
    });
    expect(stacks[0]!.objects.length).toBeGreaterThan(0);
    const err = catchError(() => buildCompose(stacks));
    expect(err).toBeInstanceOf(ModelstackError);
    expect(err.code).toBe('LOCAL');
    expect(err.message).toMatch(/no model/);
    expect(err.hint).toMatch(/Model/);
    expect(catchError(() => buildCompose([])).code).toBe('LOCAL');
  });

  test('two models of the same name in different stacks are refused', () => {
    const a = stacksOf((s) => new Model(s, 'dup', { runtime: 'dynamo', model: 'm/m' }));
    const b = stacksOf((s) => new Model(s, 'dup', { runtime: 'kuberay', model: 'm/m' }), { namespace: 'other' });
    const err = catchError(() => buildCompose([...a, ...b]));
    expect(err.code).toBe('LOCAL');
    expect(err.message).toMatch(/two models are named "dup"/);
  });

  test('a DGD without a frontend cannot run locally', () => {
    const stacks = dynamo();
    const dgd = stacks[0]!.objects.find((o) => o.kind === 'DynamoGraphDeployment') as unknown as { spec: { components: { type: string }[] } };
    dgd.spec.components = dgd.spec.components.filter((c) => c.type !== 'frontend');
    expect(catchError(() => buildCompose(stacks)).message).toMatch(/needs a frontend/);
  });
});

function catchError(fn: () => unknown): ModelstackError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelstackError);
    return e as ModelstackError;
  }
  throw new Error('expected an error');
}
