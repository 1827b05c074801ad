import type { Engine } from '../../src/runtimes/registry.js';

/** What a Dynamo worker does: both phases (aggregated), or one side of a disaggregated pair. */
export type WorkerRole = 'worker' | 'prefill' | 'decode';

export interface WorkerSpec {
  readonly role: WorkerRole;
  readonly model: string;
  readonly servedModelName: string;
  readonly tensorParallelSize: number;
  /** Publish KV cache events for the frontend's KV-aware router. */
  readonly kvEvents: boolean;
}

export interface WorkerCommand {
  readonly command: readonly string[];
  readonly args: readonly string[];
}

/** Port the workers publish KV events on (ZMQ), inside the pod. */
export const KV_EVENTS_PORT = 20080;
/** Bootstrap port SGLang's prefill and decode workers meet on. */
export const SGLANG_BOOTSTRAP_PORT = 12345;

/** The command line of a Dynamo worker for one engine and role. */
export function workerCommand(engine: Engine, w: WorkerSpec): WorkerCommand {
  switch (engine) {
    case 'vllm':
      return { command: ['python3', '-m', 'dynamo.vllm'], args: vllmArgs(w) };
    case 'sglang':
      return { command: ['python3', '-m', 'dynamo.sglang'], args: sglangArgs(w) };
    case 'trtllm':
      return { command: ['python3', '-m', 'dynamo.trtllm'], args: trtllmArgs(w) };
  }
}

function kvEventsConfig(extra: Record<string, unknown>): string {
  return JSON.stringify({ publisher: 'zmq', topic: 'kv-events', endpoint: `tcp://*:${KV_EVENTS_PORT}`, ...extra });
}

function vllmArgs(w: WorkerSpec): string[] {
  const args = ['--model', w.model, '--served-model-name', w.servedModelName, '--tensor-parallel-size', String(w.tensorParallelSize)];
  if (w.role !== 'worker') {
    args.push('--disaggregation-mode', w.role);
    args.push('--kv-transfer-config', JSON.stringify({ kv_connector: 'NixlConnector', kv_role: 'kv_both' }));
  }
  if (w.kvEvents) args.push('--kv-events-config', kvEventsConfig({ enable_kv_cache_events: true }));
  return args;
}

function sglangArgs(w: WorkerSpec): string[] {
  const args = ['--model-path', w.model, '--served-model-name', w.servedModelName, '--tp', String(w.tensorParallelSize)];
  if (w.role !== 'worker') {
    args.push('--disaggregation-mode', w.role);
    args.push('--disaggregation-transfer-backend', 'nixl');
    args.push('--disaggregation-bootstrap-port', String(SGLANG_BOOTSTRAP_PORT));
  }
  if (w.kvEvents) args.push('--kv-events-config', kvEventsConfig({}));
  return args;
}

function trtllmArgs(w: WorkerSpec): string[] {
  const args = [
    '--model-path', w.model, '--served-model-name', w.servedModelName, '--tensor-parallel-size', String(w.tensorParallelSize),
  ];
  if (w.role !== 'worker') args.push('--disaggregation-mode', w.role);
  if (w.kvEvents) args.push('--publish-events-and-metrics');
  return args;
}
