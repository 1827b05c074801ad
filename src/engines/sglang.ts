import type { EngineCommand, InferenceEngine, ServerLaunch, WorkerSpec } from './engine.js';
import { kvEventsConfig } from './kv-events.js';

/** Bootstrap port SGLang's prefill and decode workers meet on. */
export const SGLANG_BOOTSTRAP_PORT = 12345;

/** SGLang: `python3 -m dynamo.sglang` in Dynamo, `python3 -m sglang.launch_server` on its own. */
export const sglang: InferenceEngine = {
  id: 'sglang',
  dynamoImageRepo: 'nvcr.io/nvidia/ai-dynamo/sglang-runtime',
  dynamoComponentPrefix: 'Sglang',
  workerCommand: (w) => ({ command: ['python3', '-m', 'dynamo.sglang'], args: workerArgs(w) }),
  // SGLang's ServerArgs (sglang/srt/server_args.py): "--model-path"/"--model",
  // "--tensor-parallel-size"/"--tp-size" ("--tp" as argparse's prefix), "--pipeline-parallel-size"/"--pp-size".
  workerFlagSpellings: {
    '--model-path': ['--model-path', '--model'],
    '--served-model-name': ['--served-model-name'],
    '--tp': ['--tp', '--tp-size', '--tensor-parallel-size'],
    '--pp-size': ['--pp-size', '--pipeline-parallel-size'],
    '--disaggregation-mode': ['--disaggregation-mode'],
    '--disaggregation-transfer-backend': ['--disaggregation-transfer-backend'],
    '--disaggregation-bootstrap-port': ['--disaggregation-bootstrap-port'],
    '--kv-events-config': ['--kv-events-config'],
    '--revision': ['--revision'],
  },
  // SGLang's ServerArgs (sglang/srt/server_args.py, `revision`: "--revision", the branch, tag or
  // commit of the model), which dynamo.sglang parses as SGLang's own arguments.
  revisionFlag: '--revision',
  // Dynamo multinode guide (docs/kubernetes/deployment/multinode-deployment.md, 1.x): the operator
  // injects the distributed-init address, node count and node rank on every node.
  multinodeOperatorFlags: ['--dist-init-addr', '--nnodes', '--node-rank'],
  serverImage: 'lmsysorg/sglang:v0.5.14',
  serverPort: 30000,
  serverHealthPath: '/health',
  serverCommand,
};

function workerArgs(w: WorkerSpec): string[] {
  const args = ['--model-path', w.model, '--served-model-name', w.servedModelName, '--tp', String(w.tensorParallelSize)];
  if ((w.pipelineParallelSize ?? 1) > 1) args.push('--pp-size', String(w.pipelineParallelSize));
  if (w.revision !== undefined) args.push('--revision', w.revision);
  if (w.role !== 'worker') {
    args.push('--disaggregation-mode', w.role);
    args.push('--disaggregation-transfer-backend', 'nixl');
    args.push('--disaggregation-bootstrap-port', String(SGLANG_BOOTSTRAP_PORT));
  }
  if (w.kvEvents) args.push('--kv-events-config', kvEventsConfig({}));
  return args;
}

function serverCommand(l: ServerLaunch): EngineCommand {
  const port = sglang.serverPort;
  return {
    entrypoint: ['python3', '-m', 'sglang.launch_server'],
    command: [
      '--model-path',
      l.model,
      '--served-model-name',
      l.servedModelName,
      '--tp',
      String(l.tensorParallelSize),
      ...(l.revision !== undefined ? ['--revision', l.revision] : []),
      '--port',
      String(port),
      '--host',
      '0.0.0.0',
    ],
    port,
  };
}
