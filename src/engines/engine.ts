import type { Engine } from '../model/ids.js';

/** What a Dynamo worker does: both phases (aggregated), or one side of a disaggregated pair. */
export type WorkerRole = 'worker' | 'prefill' | 'decode';

/** What a plain engine server needs to serve one model. */
export interface ServerLaunch {
  /** Hugging Face id or path. */
  readonly model: string;
  /** The OpenAI `model` name. */
  readonly servedModelName: string;
  readonly tensorParallelSize: number;
  /** Hugging Face revision (commit hash, tag or branch) of the model; written with revisionFlag. */
  readonly revision?: string;
}

/** What a Dynamo worker runs: the model as a plain server would, plus its role and KV events. */
export interface WorkerSpec extends ServerLaunch {
  readonly role: WorkerRole;
  /** Publish KV cache events for the frontend's KV-aware router. */
  readonly kvEvents: boolean;
  /** Pipeline parallel size; the flag is written only when it is above 1. @default 1 */
  readonly pipelineParallelSize?: number;
  /** Path of an engine config file inside the container, passed with the engine's config flag. */
  readonly engineConfigPath?: string;
}

export interface WorkerCommand {
  readonly command: readonly string[];
  readonly args: readonly string[];
}

export interface EngineCommand {
  readonly entrypoint: readonly string[];
  readonly command: readonly string[];
  readonly port: number;
}

/**
 * One inference engine, as modelstack runs it in two places: as the backend of a Dynamo worker
 * (the command line DynamoModel writes), and as its own OpenAI-compatible server for local runs
 * (flavor "engine").
 */
export interface InferenceEngine {
  readonly id: Engine;

  /** Repository of Dynamo's runtime image for this engine (tagged with the Dynamo version). */
  readonly dynamoImageRepo: string;
  /** Prefix of the worker component names in a DynamoGraphDeployment ("Vllm" -> "VllmWorker"). */
  readonly dynamoComponentPrefix: string;
  /** The command line of a Dynamo worker for one role. */
  workerCommand(w: WorkerSpec): WorkerCommand;
  /**
   * Every spelling the worker's parser accepts for a flag workerCommand writes (the written
   * spelling first), keyed by the written spelling: what user args must not set again.
   */
  readonly workerFlagSpellings: Readonly<Record<string, readonly string[]>>;
  /**
   * Flags the Dynamo operator adds to a multinode worker's command line itself (so user args
   * must not set them), per its multinode guide.
   */
  readonly multinodeOperatorFlags: readonly string[];
  /**
   * The flag that selects the model's Hugging Face revision, on the Dynamo worker and the plain
   * server alike; undefined when the engine has none (a revision is then refused at synth).
   */
  readonly revisionFlag?: string;
  /** The flag that passes an engine config file to the worker, when the engine takes one. */
  readonly engineConfigFlag?: string;

  /**
   * Pinned image of the plain engine server. The versions are the backend versions Dynamo
   * 1.3.x is tested with, so a model behaves the same in both local flavors.
   */
  readonly serverImage: string;
  /** Port the engine server listens on inside its container. */
  readonly serverPort: number;
  /** Readiness path of the engine's OpenAI server. */
  readonly serverHealthPath: string;
  /** The command line of the engine's OpenAI-compatible server, listening on all interfaces. */
  serverCommand(l: ServerLaunch): EngineCommand;
}
