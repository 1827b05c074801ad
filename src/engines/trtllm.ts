import type { EngineCommand, InferenceEngine, ServerLaunch, WorkerSpec } from './engine.js';

/** TensorRT-LLM: `python3 -m dynamo.trtllm` in Dynamo, `trtllm-serve` on its own. */
export const trtllm: InferenceEngine = {
  id: 'trtllm',
  dynamoImageRepo: 'nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime',
  dynamoComponentPrefix: 'Trtllm',
  workerCommand: (w) => ({ command: ['python3', '-m', 'dynamo.trtllm'], args: workerArgs(w) }),
  serverImage: 'nvcr.io/nvidia/tensorrt-llm/release:1.3.0rc19',
  serverPort: 8000,
  serverHealthPath: '/health',
  serverCommand,
};

function workerArgs(w: WorkerSpec): string[] {
  const args = ['--model-path', w.model, '--served-model-name', w.servedModelName, '--tensor-parallel-size', String(w.tensorParallelSize)];
  if (w.role !== 'worker') args.push('--disaggregation-mode', w.role);
  if (w.kvEvents) args.push('--publish-events-and-metrics');
  return args;
}

function serverCommand(l: ServerLaunch): EngineCommand {
  const port = trtllm.serverPort;
  // trtllm-serve serves the model under its id/path (no served-name flag is used here).
  return {
    entrypoint: ['trtllm-serve'],
    command: [l.model, '--tp_size', String(l.tensorParallelSize), '--port', String(port), '--host', '0.0.0.0'],
    port,
  };
}
