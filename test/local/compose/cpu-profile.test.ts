import { parse } from 'yaml';
import { Model, secretKey } from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { parseImageOverrides } from '../../../src/local/run/image-overrides.js';
import { planProject } from '../../../src/local/run/run-plan.js';
import { CPU_MODEL, VLLM_CPU_IMAGE } from '../../../src/runtimes/kuberay/cpu-stand-in.js';
import { composeSpecValidator, service, stacksOf } from './compose-fixtures.js';
import { thrown } from '../../support/thrown.js';

const token = secretKey('hf-token', 'token');

/** Disaggregated Dynamo (frontend, prefill, decode) and a Ray Serve LLM model with 2 GPUs. */
function stacks() {
  return stacksOf((s) => {
    new Model(s, 'dyn', { runtime: 'dynamo', model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', router: 'kv', hfTokenSecret: token });
    new Model(s, 'ray', { runtime: 'kuberay', model: 'Qwen/Qwen2.5-7B-Instruct', tensorParallelSize: 2, hfTokenSecret: token });
  });
}

describe('the cpu profile', () => {
  const gpu = buildCompose(stacks());
  const cpu = buildCompose(stacks(), { profile: 'cpu' });

  test('keeps every service of the runtime flavor, and reserves no GPU', () => {
    expect(Object.keys(cpu.services)).toEqual(Object.keys(gpu.services));
    expect(Object.values(gpu.services).some((s) => s.deploy)).toBe(true);
    expect(Object.values(cpu.services).filter((s) => s.deploy || s.ipc)).toEqual([]);
  });

  test("Dynamo workers run the mocker (python3 -m dynamo.mocker) from the worker's image; the frontend is unchanged", () => {
    for (const [name, flag] of [
      ['dyn-prefill', '--is-prefill-worker'],
      ['dyn-decode', '--is-decode-worker'],
    ] as const) {
      const s = service(cpu, name);
      expect(s.image).toBe(service(gpu, name).image);
      expect(s.entrypoint).toEqual(['python3', '-m', 'dynamo.mocker']);
      expect(s.command).toEqual(['--model-path', 'Qwen/Qwen3-0.6B', '--model-name', 'Qwen/Qwen3-0.6B', flag]);
      // Readiness: the worker's system status server, as with the real engine.
      expect(s['x-modelstack'].health).toEqual(service(gpu, name)['x-modelstack'].health);
      expect(s.environment).toEqual(service(gpu, name).environment);
    }
    expect(service(cpu, 'dyn-frontend')).toEqual(service(gpu, 'dyn-frontend'));
  });

  test("the Ray model is served by vLLM's CPU image with a small model under the same served name", () => {
    const s = service(cpu, 'ray-ray');
    expect(VLLM_CPU_IMAGE).toBe(`public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.23.0`);
    expect(s.image).toBe(VLLM_CPU_IMAGE);
    expect(s.entrypoint).toEqual(['vllm', 'serve']);
    const port = service(gpu, 'ray-ray')['x-modelstack'].health!.port;
    expect(s.command).toEqual([CPU_MODEL, '--served-model-name', 'Qwen/Qwen2.5-7B-Instruct', '--host', '0.0.0.0', '--port', String(port)]);
    expect(s['x-modelstack'].health).toEqual({ port, path: '/health' });
    expect(s.configs).toBeUndefined();
    expect(cpu.configs ?? {}).toEqual({});
  });

  test('says what is simulated or replaced, and is a valid compose file', () => {
    expect(cpu['x-modelstack-notes']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dyn: cpu profile: the workers run Dynamo's mocker engine/),
        expect.stringMatching(/^ray: cpu profile: Ray is not run; vLLM's CPU build/),
      ]),
    );
    expect(composeSpecValidator()(parse(renderCompose(cpu)))).toEqual([]);
  });

  test('service graph and readiness wiring: workers first, the frontend waits for both healthy, every service has a health target', () => {
    const project = loadComposeText(renderCompose(cpu), { env: {} });
    const plan = planProject(project, { images: parseImageOverrides(['*=localhost/modelstack-busybox:test']) });
    const order = plan.services.map((s) => s.service);
    expect(order.indexOf('dyn-frontend')).toBeGreaterThan(order.indexOf('dyn-prefill'));
    expect(order.indexOf('dyn-frontend')).toBeGreaterThan(order.indexOf('dyn-decode'));
    const frontend = plan.services.find((s) => s.service === 'dyn-frontend')!;
    expect(frontend.dependsOn).toEqual([
      { service: 'dyn-prefill', condition: 'service_healthy' },
      { service: 'dyn-decode', condition: 'service_healthy' },
    ]);
    expect(plan.services.filter((s) => !s.health).map((s) => s.service)).toEqual([]);
    expect(plan.services.filter((s) => s.spec.gpus).map((s) => s.service)).toEqual([]);
    expect(plan.warnings.filter((w) => w.includes('GPU'))).toEqual([]);
  });

  test('is for the runtime flavor only', () => {
    expect(thrown(() => buildCompose(stacks(), { profile: 'cpu', flavor: 'engine' })).message).toMatch(/^the cpu profile runs the runtime flavor/);
  });
});
