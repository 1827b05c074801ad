import type { EngineCommand, InferenceEngine, ServerLaunch, WorkerSpec } from './engine.js';

/** TensorRT-LLM: `python3 -m dynamo.trtllm` in Dynamo, `trtllm-serve` on its own. */
export const trtllm: InferenceEngine = {
  id: 'trtllm',
  dynamoImageRepo: 'nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime',
  dynamoComponentPrefix: 'Trtllm',
  workerCommand: (w) => ({ command: ['python3', '-m', 'dynamo.trtllm'], args: workerArgs(w) }),
  // dynamo.trtllm's arguments (components/src/dynamo/trtllm/backend_args.py): "--model" with
  // "--model-path" kept as its old name, "--publish-kv-events" for "--publish-events-and-metrics",
  // "--extra-engine-args" the path of a YAML file of TensorRT-LLM LLM API options.
  workerFlagSpellings: {
    '--model-path': ['--model-path', '--model'],
    '--served-model-name': ['--served-model-name'],
    '--tensor-parallel-size': ['--tensor-parallel-size'],
    '--pipeline-parallel-size': ['--pipeline-parallel-size'],
    '--disaggregation-mode': ['--disaggregation-mode'],
    '--publish-events-and-metrics': ['--publish-events-and-metrics', '--publish-kv-events'],
    '--extra-engine-args': ['--extra-engine-args'],
  },
  // Multinode TensorRT-LLM runs under mpirun, which the operator writes around the command
  // (Dynamo multinode guide); it adds no flags of the worker's own.
  multinodeOperatorFlags: [],
  // No revisionFlag: in dynamo.trtllm's arguments (components/src/dynamo/trtllm/backend_args.py,
  // Dynamo 1.4.x) "--revision" belongs to the experimental diffusion options only, not to text
  // LLM workers. TensorRT-LLM's LlmArgs has a `revision` option, but whether the worker honours
  // it when it fetches the model itself is not documented, so a revision is refused at synth.
  engineConfigFlag: '--extra-engine-args',
  serverImage: 'nvcr.io/nvidia/tensorrt-llm/release:1.3.0rc19',
  serverPort: 8000,
  serverHealthPath: '/health',
  serverCommand,
};

function workerArgs(w: WorkerSpec): string[] {
  const args = ['--model-path', w.model, '--served-model-name', w.servedModelName, '--tensor-parallel-size', String(w.tensorParallelSize)];
  if ((w.pipelineParallelSize ?? 1) > 1) args.push('--pipeline-parallel-size', String(w.pipelineParallelSize));
  if (w.role !== 'worker') args.push('--disaggregation-mode', w.role);
  if (w.engineConfigPath !== undefined) args.push('--extra-engine-args', w.engineConfigPath);
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
