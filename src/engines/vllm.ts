import type { EngineCommand, InferenceEngine, ServerLaunch, WorkerSpec } from './engine.js';
import { kvEventsConfig } from './kv-events.js';

/** vLLM: `python3 -m dynamo.vllm` in Dynamo, `vllm serve` on its own. */
export const vllm: InferenceEngine = {
  id: 'vllm',
  dynamoImageRepo: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime',
  dynamoComponentPrefix: 'Vllm',
  workerCommand: (w) => ({ command: ['python3', '-m', 'dynamo.vllm'], args: workerArgs(w) }),
  // vLLM's engine args (vllm/engine/arg_utils.py: "-tp" and "-pp" short forms; its parser also
  // reads "_" for "-"), as dynamo.vllm (Dynamo 1.4.0) parses them.
  workerFlagSpellings: {
    '--model': ['--model'],
    '--served-model-name': ['--served-model-name'],
    '--tensor-parallel-size': ['--tensor-parallel-size', '-tp'],
    '--pipeline-parallel-size': ['--pipeline-parallel-size', '-pp'],
    '--disaggregation-mode': ['--disaggregation-mode'],
    '--kv-transfer-config': ['--kv-transfer-config'],
    '--kv-events-config': ['--kv-events-config'],
    '--revision': ['--revision'],
  },
  // vLLM's engine args (vllm/engine/arg_utils.py, EngineArgs.revision: "--revision", a branch,
  // tag or commit of the Hugging Face repository), which dynamo.vllm (Dynamo 1.4.0) passes on.
  revisionFlag: '--revision',
  // Dynamo multinode guide (docs/kubernetes/deployment/multinode-deployment.md, 1.x): the operator
  // appends the Ray executor for multinode TP/PP, and the data-parallel flags in DP mode.
  multinodeOperatorFlags: [
    '--distributed-executor-backend',
    '--data-parallel-address',
    '--data-parallel-size-local',
    '--data-parallel-rpc-port',
    '--data-parallel-start-rank',
  ],
  serverImage: 'vllm/vllm-openai:v0.23.0',
  serverPort: 8000,
  // vLLM, SGLang and trtllm-serve all serve GET /health.
  serverHealthPath: '/health',
  serverCommand,
};

function workerArgs(w: WorkerSpec): string[] {
  const args = ['--model', w.model, '--served-model-name', w.servedModelName, '--tensor-parallel-size', String(w.tensorParallelSize)];
  if ((w.pipelineParallelSize ?? 1) > 1) args.push('--pipeline-parallel-size', String(w.pipelineParallelSize));
  if (w.revision !== undefined) args.push('--revision', w.revision);
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
      ...(l.revision !== undefined ? ['--revision', l.revision] : []),
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
    ],
    port,
  };
}
