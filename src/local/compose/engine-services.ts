import { ModelstackError } from '../../errors.js';
import { type Engine, ENGINES } from '../../runtimes/registry.js';
import { composeEnvironment, HF_CACHE_TARGET } from './compose-env.js';
import { ENGINE_HEALTH_PATH, ENGINE_IMAGES } from './engine-images.js';
import { engineCommand, type EngineLaunch, WORKER_FLAGS } from './engine-launch.js';
import { asArray, asObject, flagValue, intFlag, type KubeContainer, mainContainer } from './pod-reading.js';
import { parseServeConfig, rayServiceSpec } from './ray-services.js';
import type { ModelDraft, ModelObject } from './service-draft.js';
import { serviceName } from './service-names.js';

/** Worker component types, in the order the engine flavor takes its launch from. */
const WORKER_PREFERENCE = ['worker', 'decode', 'prefill'] as const;

/**
 * The model served by its engine's own OpenAI server in one container (flavor "engine"):
 * model, served name and tensor parallel size come from the Dynamo worker's command line or the
 * RayService's Serve LLM config; engine-specific extras of those command lines are not carried.
 * The engine reserves the GPUs of one worker (Dynamo) or `tensor_parallel_size` GPUs (Ray).
 */
export function engineServices(m: ModelObject): ModelDraft {
  const source = m.runtime === 'dynamo' ? fromDynamo(m) : fromRay(m);
  const cmd = engineCommand(source.launch);
  return {
    services: [
      {
        name: serviceName(m.name, 'engine'),
        model: m.name,
        runtime: m.runtime,
        role: 'engine',
        image: ENGINE_IMAGES[source.launch.engine],
        entrypoint: cmd.entrypoint,
        command: cmd.command,
        environment: composeEnvironment(source.container.env, { defaults: { HF_HOME: HF_CACHE_TARGET } }),
        gpus: source.gpus,
        engine: true,
        health: { port: cmd.port, path: ENGINE_HEALTH_PATH, probe: 'status', startup: 'model' },
      },
    ],
  };
}

interface EngineSource {
  readonly launch: EngineLaunch;
  /** The container whose environment the engine inherits. */
  readonly container: KubeContainer;
  readonly gpus: number;
}

function fromDynamo(m: ModelObject): EngineSource {
  const spec = asObject((m.object as Record<string, unknown>).spec);
  const engine = spec?.backendFramework;
  if (typeof engine !== 'string' || !(ENGINES as readonly string[]).includes(engine)) {
    throw new ModelstackError('LOCAL', `DynamoGraphDeployment ${m.name}: backendFramework ${JSON.stringify(engine)} is not an engine modelstack can run`, {
      hint: `use one of ${ENGINES.join(', ')}, or run it with the "runtime" flavor`,
    });
  }
  const components = asArray(spec?.components).map(asObject);
  const worker = WORKER_PREFERENCE.map((t) => components.find((c) => c?.type === t)).find((c) => c !== undefined);
  const main = mainContainer(worker?.podTemplate);
  const flags = WORKER_FLAGS[engine as Engine];
  const model = main ? flagValue(main.args, flags.model) : undefined;
  if (!main || !model) {
    throw new ModelstackError('LOCAL', `DynamoGraphDeployment ${m.name}: no worker command line names the model (${flags.model.join(' or ')})`, {
      hint: 'synthesize it with DynamoModel, whose workers always pass the model, or use the "runtime" flavor',
    });
  }
  return {
    launch: {
      engine: engine as Engine,
      model,
      servedModelName: flagValue(main.args, ['--served-model-name']) ?? model,
      tensorParallelSize: intFlag(main.args, flags.tp, 1),
    },
    container: main,
    gpus: main.gpus,
  };
}

function fromRay(m: ModelObject): EngineSource {
  const spec = rayServiceSpec(m);
  const config = parseServeConfig(m, spec);
  const llm = asArray(config.applications)
    .flatMap((a) => asArray(asObject(asObject(a)?.args)?.llm_configs))
    .map(asObject)
    .find((c) => c !== undefined);
  const loading = asObject(llm?.model_loading_config);
  const model = typeof loading?.model_source === 'string' ? loading.model_source : typeof loading?.model_id === 'string' ? loading.model_id : undefined;
  if (!model) {
    throw new ModelstackError('LOCAL', `RayService ${m.name}: its Serve config has no LLM config with a model`, {
      hint: 'the engine flavor runs Ray Serve LLM apps (llm_configs[].model_loading_config); use the "runtime" flavor for other Serve apps',
    });
  }
  const tpRaw = asObject(llm?.engine_kwargs)?.tensor_parallel_size;
  const tp = typeof tpRaw === 'number' && Number.isInteger(tpRaw) && tpRaw > 0 ? tpRaw : 1;
  const cluster = asObject(spec.rayClusterConfig);
  const head = mainContainer(asObject(cluster?.headGroupSpec)?.template, 'ray-head');
  const hasGpus = asArray(cluster?.workerGroupSpecs).some((g) => (mainContainer(asObject(g)?.template, 'ray-worker')?.gpus ?? 0) > 0);
  return {
    launch: {
      engine: 'vllm',
      model,
      servedModelName: typeof loading?.model_id === 'string' ? loading.model_id : model,
      tensorParallelSize: tp,
    },
    container: head ?? { command: [], args: [], env: [], gpus: 0 },
    gpus: hasGpus ? tp : 0,
  };
}
