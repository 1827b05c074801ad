import { parse, stringify } from 'yaml';
import { rayCpuServices } from './cpu-stand-in.js';
import { ModelstackError, errorMessage } from '../../errors.js';
import { composeEnvironment, HF_CACHE_TARGET } from '../../local/compose/compose-env.js';
import { asArray, asObject, type Json, mainContainer } from '../../local/compose/pod-reading.js';
import type { ModelDescriptor } from '../../model/model-descriptor.js';
import type { EngineHost, LocalServices } from '../../local/compose/local-services.js';
import type { ModelDraft, ModelObject } from '../../local/compose/service-draft.js';
import { resourceName, serviceName } from '../../local/compose/service-names.js';
import { RAY_PHASE_RESOURCES } from './info.js';

/** Where the Serve config file is mounted in the Ray service. */
export const RAY_SERVE_CONFIG_TARGET = '/etc/modelstack/serve-config.yaml';
const DEFAULT_SERVE_PORT = 8000;
/** Ray Serve's proxy health endpoint. */
export const RAY_HEALTH_PATH = '/-/healthz';

/**
 * A RayService as one container: `serve run` on its serveConfigV2, which starts a single-node
 * Ray cluster in the container with the GPUs of the whole RayCluster (head plus every worker
 * group at its initial replicas). The config is written as a compose `configs` entry with inline
 * `content`, with `http_options.host` set to 0.0.0.0 (Serve listens on 127.0.0.1 by default,
 * unreachable through a published port). A disaggregated model runs both phases on that one node:
 * the Ray resources that pin each phase to its worker groups are dropped from its placement
 * bundles (no local node offers them), the rest of the config is served as written.
 * Worker group replicas are not containers (Ray Serve's replicas share the one node), which is
 * said in a note whenever the cluster has more than one worker pod.
 */
export const kuberayLocalServices: LocalServices = {
  runtime: 'kuberay',
  runtimeServices: (m) => rayRuntimeServices(m),
  engineHost: (m, d) => rayEngineHost(m, d),
  cpuServices: (m, d) => rayCpuServices(m, d),
};

export function rayRuntimeServices(m: ModelObject): ModelDraft {
  const spec = rayServiceSpec(m);
  const { content, port } = localServeConfig(m, spec);
  const cluster = asObject(spec.rayClusterConfig);
  const head = mainContainer(asObject(cluster?.headGroupSpec)?.template, 'ray-head');
  if (!head?.image) {
    throw new ModelstackError('LOCAL', `RayService ${m.name} has no head container image`, {
      hint: 'synthesize it with RayModel (or Model with runtime "kuberay"), which always sets one',
    });
  }
  const groups = asArray(cluster?.workerGroupSpecs).map((raw) => {
    const g = asObject(raw);
    const replicas = [g?.replicas, g?.minReplicas].find((n): n is number => typeof n === 'number') ?? 1;
    // A replica of a multi-host group is numOfHosts pods.
    const hosts = typeof g?.numOfHosts === 'number' ? g.numOfHosts : 1;
    return {
      name: typeof g?.groupName === 'string' ? g.groupName : '?',
      replicas,
      hosts,
      gpus: replicas * hosts * (mainContainer(g?.template, 'ray-worker')?.gpus ?? 0),
    };
  });
  const workerGpus = groups.reduce((sum, g) => sum + g.gpus, 0);
  const gpus = head.gpus + workerGpus;
  const service = serviceName(m.name, 'ray');
  const notes =
    groups.reduce((n, g) => n + g.replicas * g.hosts, 0) > 1
      ? [
          `${m.name}: the RayCluster runs as one Ray node in one container (${service}), not as worker pods: worker groups ${groups
            .map((g) => `${g.name} (${g.replicas} replica${g.replicas === 1 ? '' : 's'}${g.hosts > 1 ? ` of ${g.hosts} hosts` : ''})`)
            .join(', ')} are that one node, which reserves the GPUs of them all, and Ray Serve places every replica on it`,
        ]
      : [];
  const configName = resourceName(m.name, 'serve-config');
  return {
    services: [
      {
        name: service,
        model: m.name,
        runtime: 'kuberay',
        role: 'ray',
        image: head.image,
        entrypoint: ['serve', 'run'],
        command: [RAY_SERVE_CONFIG_TARGET],
        environment: composeEnvironment(head.env, { defaults: { HF_HOME: HF_CACHE_TARGET } }),
        gpus,
        engine: true,
        health: { port, path: RAY_HEALTH_PATH, probe: 'status', startup: 'model' },
        configs: [{ source: configName, target: RAY_SERVE_CONFIG_TARGET }],
      },
    ],
    configs: { [configName]: { content } },
    ...(notes.length ? { notes } : {}),
  };
}

/**
 * The engine flavor's server runs with the head container's environment and, when the cluster
 * has GPU workers, the GPUs of one replica (`tensor_parallel_size`).
 */
export function rayEngineHost(m: ModelObject, d: ModelDescriptor): EngineHost {
  const cluster = asObject(rayServiceSpec(m).rayClusterConfig);
  const head = mainContainer(asObject(cluster?.headGroupSpec)?.template, 'ray-head');
  const hasGpus = asArray(cluster?.workerGroupSpecs).some((g) => (mainContainer(asObject(g)?.template, 'ray-worker')?.gpus ?? 0) > 0);
  return { container: head ?? { command: [], args: [], env: [], gpus: 0, volumeMounts: [], envFrom: [] }, gpus: hasGpus ? d.tensorParallelSize : 0 };
}

function rayServiceSpec(m: ModelObject): Json {
  const spec = asObject((m.object as Record<string, unknown>).spec);
  if (!spec || typeof spec.serveConfigV2 !== 'string') {
    throw new ModelstackError('LOCAL', `RayService ${m.name} has no serveConfigV2`, {
      hint: "a local run serves the RayService's Serve config; synthesize it with RayModel, which writes one",
    });
  }
  return spec;
}

/** The parsed serveConfigV2 of a RayService. */
function parseServeConfig(m: ModelObject, spec: Json): Json {
  let config: unknown;
  try {
    config = parse(spec.serveConfigV2 as string);
  } catch (e) {
    throw new ModelstackError('LOCAL', `RayService ${m.name}: serveConfigV2 is not valid YAML: ${errorMessage(e)}`, { cause: e });
  }
  const obj = asObject(config);
  if (!obj || asArray(obj.applications).length === 0) {
    throw new ModelstackError('LOCAL', `RayService ${m.name}: serveConfigV2 has no applications`, {
      hint: 'the Serve config must list at least one application',
    });
  }
  return obj;
}

function localServeConfig(m: ModelObject, spec: Json): { content: string; port: number } {
  const config = parseServeConfig(m, spec);
  strictSpreadIssue(m, config);
  const http = asObject(config.http_options) ?? {};
  const port = typeof http.port === 'number' ? http.port : DEFAULT_SERVE_PORT;
  const applications = asArray(config.applications).map(unpinnedApplication);
  const local = { ...config, applications, http_options: { ...http, host: '0.0.0.0', port } };
  return { content: stringify(local, { lineWidth: 0, aliasDuplicateObjects: false }), port };
}

/** The LLMConfigs of a Serve LLM application: llm_configs, or a disaggregated app's two phases. */
function llmConfigsOf(app: unknown): unknown[] {
  const args = asObject(asObject(app)?.args);
  return [...asArray(args?.llm_configs), args?.prefill_config, args?.decode_config].filter((c) => c !== undefined);
}

const PHASE_RESOURCES: ReadonlySet<string> = new Set(Object.values(RAY_PHASE_RESOURCES));

/** An application with the phase pins taken out of its placement bundles; anything else as it is. */
function unpinnedApplication(app: unknown): unknown {
  const a = asObject(app);
  const args = asObject(a?.args);
  if (!a || !args) return app;
  const unpin = (c: unknown): unknown => {
    const llm = asObject(c);
    const placement = asObject(llm?.placement_group_config);
    if (!llm || !placement) return c;
    const bundles = asArray(placement.bundles).map((b) => {
      const bundle = asObject(b);
      return bundle ? Object.fromEntries(Object.entries(bundle).filter(([k]) => !PHASE_RESOURCES.has(k))) : b;
    });
    return { ...llm, placement_group_config: { ...placement, bundles } };
  };
  const out: Json = { ...args };
  for (const key of ['prefill_config', 'decode_config']) if (args[key] !== undefined) out[key] = unpin(args[key]);
  if (args.llm_configs !== undefined) out.llm_configs = asArray(args.llm_configs).map(unpin);
  return { ...a, args: out };
}

/**
 * A local run is one Ray node: a placement group with strategy STRICT_SPREAD (one engine worker
 * per node) can never be placed there, and Serve would wait for it forever.
 */
function strictSpreadIssue(m: ModelObject, config: Json): void {
  for (const app of asArray(config.applications)) {
    for (const llm of llmConfigsOf(app)) {
      const placement = asObject(asObject(llm)?.placement_group_config);
      if (placement?.strategy === 'STRICT_SPREAD' && asArray(placement.bundles).length > 1) {
        throw new ModelstackError(
          'LOCAL',
          `RayService ${m.name}: placement strategy STRICT_SPREAD needs one Ray node per engine worker; a local run has one node`,
          {
            hint: 'use serve.placement.strategy "PACK" or "SPREAD" for a local run, or run the model on a cluster',
          },
        );
      }
    }
  }
}
