import { ModelstackError } from '../../errors.js';
import { engineFor } from '../../engines/index.js';
import { composeEnvironment, HF_CACHE_TARGET } from './compose-env.js';
import { localServicesFor } from './local-services-for.js';
import type { ModelDraft, ModelObject } from './service-draft.js';
import { serviceName } from './service-names.js';

/**
 * The model served by its engine's own OpenAI server in one container (flavor "engine"). What
 * it serves (engine, model, served name, tensor parallel size) comes from the model's
 * descriptor, as its construct stated it; the runtime's local services say which container's
 * environment the server inherits and how many GPUs it reserves (one worker on Dynamo,
 * `tensor_parallel_size` on Ray). A model with a ModelCache loads the cache's directory (no
 * revision flag: the directory is the revision). Engine-specific extras of the deployed command
 * lines are not carried.
 */
export function engineServices(m: ModelObject): ModelDraft {
  const d = m.descriptor;
  if (!d) {
    throw new ModelstackError('LOCAL', `${m.object.kind} ${m.name} has no model descriptor: the engine flavor runs what a model construct says it serves`, {
      hint: 'it must be synthesized by DynamoModel, RayModel or Model (a raw manifest has no descriptor), or run with the "runtime" flavor',
    });
  }
  const host = localServicesFor(m.runtime).engineHost(m, d);
  const engine = engineFor(d.engine);
  // A cached model loads the downloaded revision from the cache's directory (mounted by buildCompose).
  const revision = d.cache ? undefined : d.revision;
  if (revision !== undefined && engine.revisionFlag === undefined) {
    throw new ModelstackError('LOCAL', `${m.object.kind} ${m.name} pins revision ${JSON.stringify(d.revision)}, which the ${d.engine} server cannot select`, {
      hint: 'run it with the "runtime" flavor, or remove the revision',
    });
  }
  const cmd = engine.serverCommand({
    model: d.cache?.modelPath ?? d.model,
    servedModelName: d.servedModelName,
    tensorParallelSize: d.tensorParallelSize,
    ...(revision !== undefined ? { revision } : {}),
  });
  const name = serviceName(m.name, 'engine');
  const replicas = host.replicas ?? 1;
  const notes =
    replicas > 1
      ? [
          `${m.name}: the engine flavor runs one ${d.engine} server (${name}), not the ${replicas} worker replicas of the stack; the runtime flavor runs them, or "local up --scale ${name}=${replicas}"`,
        ]
      : [];
  return {
    ...(notes.length ? { notes } : {}),
    services: [
      {
        name,
        model: m.name,
        runtime: m.runtime,
        role: 'engine',
        image: engine.serverImage,
        entrypoint: cmd.entrypoint,
        command: cmd.command,
        environment: composeEnvironment(host.container.env, { defaults: { HF_HOME: HF_CACHE_TARGET } }),
        gpus: host.gpus,
        engine: true,
        health: { port: cmd.port, path: engine.serverHealthPath, probe: 'status', startup: 'model' },
      },
    ],
  };
}
