import type { EngineCommand, InferenceEngine, ServerLaunch, WorkerSpec } from './engine.js';
import { kvEventsConfig } from './kv-events.js';

/** vLLM: `python3 -m dynamo.vllm` in Dynamo, `vllm serve` on its own. */
export const vllm: InferenceEngine = {
  id: 'vllm',
  dynamoImageRepo: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime',
  dynamoComponentPrefix: 'Vllm',
  workerCommand: (w) => ({ command: ['python3', '-m', 'dynamo.vllm'], args: workerArgs(w) }),
  serverImage: 'vllm/vllm-openai:v0.23.0',
  serverPort: 8000,
  // vLLM, SGLang and trtllm-serve all serve GET /health.
  serverHealthPath: '/health',
  serverCommand,
};

function workerArgs(w: WorkerSpec): string[] {
  const args = ['--model', w.model, '--served-model-name', w.servedModelName, '--tensor-parallel-size', String(w.tensorParallelSize)];
  if (w.role !== 'worker') {
    args.push('--disaggregation-mode', w.role);
    args.push('--kv-transfer-config', JSON.stringify({ kv_connector: 'NixlConnector', kv_role: 'kv_both' }));
  }
  if (w.kvEvents) args.push('--kv-events-config', kvEventsConfig({ enable_kv_cache_events: true }));
  return args;
}

function serverCommand(l: ServerLaunch): EngineCommand {
  const port = vllm.serverPort;
  return {
    entrypoint: ['vllm', 'serve'],
    command: [
      l.model,
      '--served-model-name',
      l.servedModelName,
      '--tensor-parallel-size',
      String(l.tensorParallelSize),
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
    ],
    port,
  };
}
