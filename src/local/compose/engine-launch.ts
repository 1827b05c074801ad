import type { Engine } from '../../runtimes/registry.js';
import { ENGINE_PORTS } from './engine-images.js';

/** What a plain engine server needs to serve one model. */
export interface EngineLaunch {
  readonly engine: Engine;
  /** Hugging Face id or path. */
  readonly model: string;
  /** The OpenAI `model` name. */
  readonly servedModelName: string;
  readonly tensorParallelSize: number;
}

export interface EngineCommand {
  readonly entrypoint: readonly string[];
  readonly command: readonly string[];
  readonly port: number;
}

/** The command line of each engine's OpenAI-compatible server, listening on all interfaces. */
export function engineCommand(l: EngineLaunch): EngineCommand {
  const port = ENGINE_PORTS[l.engine];
  const tp = String(l.tensorParallelSize);
  switch (l.engine) {
    case 'vllm':
      return {
        entrypoint: ['vllm', 'serve'],
        command: [l.model, '--served-model-name', l.servedModelName, '--tensor-parallel-size', tp, '--host', '0.0.0.0', '--port', String(port)],
        port,
      };
    case 'sglang':
      return {
        entrypoint: ['python3', '-m', 'sglang.launch_server'],
        command: ['--model-path', l.model, '--served-model-name', l.servedModelName, '--tp', tp, '--port', String(port), '--host', '0.0.0.0'],
        port,
      };
    case 'trtllm':
      // trtllm-serve serves the model under its id/path (no served-name flag is used here).
      return {
        entrypoint: ['trtllm-serve'],
        command: [l.model, '--tp_size', tp, '--port', String(port), '--host', '0.0.0.0'],
        port,
      };
  }
}

/** Flags of the Dynamo worker command lines (constructs/dynamo/engine-args.ts) that carry the launch. */
export const WORKER_FLAGS: Readonly<Record<Engine, { model: readonly string[]; tp: readonly string[] }>> = {
  vllm: { model: ['--model'], tp: ['--tensor-parallel-size', '-tp'] },
  sglang: { model: ['--model-path', '--model'], tp: ['--tp', '--tp-size', '--tensor-parallel-size'] },
  trtllm: { model: ['--model-path', '--model'], tp: ['--tensor-parallel-size', '--tp'] },
};
