import { engineFor } from '../../src/engines/index.js';
import { ENGINES } from '../../src/model/ids.js';

const launch = { model: 'org/model', servedModelName: 'served', tensorParallelSize: 2 };

describe('InferenceEngine.serverCommand', () => {
  test('vLLM', () => {
    expect(engineFor('vllm').serverCommand(launch)).toEqual({
      entrypoint: ['vllm', 'serve'],
      command: ['org/model', '--served-model-name', 'served', '--tensor-parallel-size', '2', '--host', '0.0.0.0', '--port', '8000'],
      port: 8000,
    });
  });

  test('SGLang', () => {
    expect(engineFor('sglang').serverCommand(launch)).toEqual({
      entrypoint: ['python3', '-m', 'sglang.launch_server'],
      command: ['--model-path', 'org/model', '--served-model-name', 'served', '--tp', '2', '--port', '30000', '--host', '0.0.0.0'],
      port: 30000,
    });
  });

  test('TensorRT-LLM serves the model under its id (no served-name flag)', () => {
    expect(engineFor('trtllm').serverCommand(launch)).toEqual({
      entrypoint: ['trtllm-serve'],
      command: ['org/model', '--tp_size', '2', '--port', '8000', '--host', '0.0.0.0'],
      port: 8000,
    });
  });
});

describe('engineFor', () => {
  test.each(ENGINES)('%s: its own id, a pinned server image and /health', (id) => {
    const engine = engineFor(id);
    expect(engine.id).toBe(id);
    expect(engine.serverImage).toMatch(/:[^:/]+$/);
    expect(engine.serverImage).not.toMatch(/:latest$/);
    expect(engine.serverHealthPath).toBe('/health');
  });

  test.each(ENGINES)('%s: a Dynamo runtime image and component prefix of its own', (id) => {
    const engine = engineFor(id);
    expect(engine.dynamoImageRepo).toMatch(/^nvcr\.io\/nvidia\/ai-dynamo\/[a-z]+-runtime$/);
    expect(engine.workerCommand({ role: 'worker', model: 'm', servedModelName: 's', tensorParallelSize: 1, kvEvents: false }).command).toEqual([
      'python3',
      '-m',
      `dynamo.${id}`,
    ]);
    expect(engine.dynamoComponentPrefix.toLowerCase()).toBe(id);
  });
});
