import type { WorkerSpec } from '../../src/engines/engine.js';
import { engineFor } from '../../src/engines/index.js';
import { KV_EVENTS_PORT } from '../../src/engines/kv-events.js';
import { SGLANG_BOOTSTRAP_PORT } from '../../src/engines/sglang.js';
import type { Engine } from '../../src/model/ids.js';

const workerCommand = (engine: Engine, w: WorkerSpec) => engineFor(engine).workerCommand(w);

const spec = (over: Partial<WorkerSpec> = {}): WorkerSpec => ({
  role: 'worker',
  model: 'org/model',
  servedModelName: 'served',
  tensorParallelSize: 2,
  kvEvents: false,
  ...over,
});

describe('InferenceEngine.workerCommand', () => {
  test('vLLM', () => {
    expect(workerCommand('vllm', spec())).toEqual({
      command: ['python3', '-m', 'dynamo.vllm'],
      args: ['--model', 'org/model', '--served-model-name', 'served', '--tensor-parallel-size', '2'],
    });
    expect(workerCommand('vllm', spec({ role: 'decode', kvEvents: true })).args.slice(6)).toEqual([
      '--disaggregation-mode',
      'decode',
      '--kv-transfer-config',
      '{"kv_connector":"NixlConnector","kv_role":"kv_both"}',
      '--kv-events-config',
      `{"publisher":"zmq","topic":"kv-events","endpoint":"tcp://*:${KV_EVENTS_PORT}","enable_kv_cache_events":true}`,
    ]);
  });

  test('SGLang', () => {
    expect(workerCommand('sglang', spec())).toEqual({
      command: ['python3', '-m', 'dynamo.sglang'],
      args: ['--model-path', 'org/model', '--served-model-name', 'served', '--tp', '2'],
    });
    expect(workerCommand('sglang', spec({ role: 'prefill', kvEvents: true })).args.slice(6)).toEqual([
      '--disaggregation-mode',
      'prefill',
      '--disaggregation-transfer-backend',
      'nixl',
      '--disaggregation-bootstrap-port',
      String(SGLANG_BOOTSTRAP_PORT),
      '--kv-events-config',
      `{"publisher":"zmq","topic":"kv-events","endpoint":"tcp://*:${KV_EVENTS_PORT}"}`,
    ]);
  });

  test('TensorRT-LLM', () => {
    expect(workerCommand('trtllm', spec())).toEqual({
      command: ['python3', '-m', 'dynamo.trtllm'],
      args: ['--model-path', 'org/model', '--served-model-name', 'served', '--tensor-parallel-size', '2'],
    });
    expect(workerCommand('trtllm', spec({ role: 'prefill', kvEvents: true })).args.slice(6)).toEqual([
      '--disaggregation-mode',
      'prefill',
      '--publish-events-and-metrics',
    ]);
  });
});
