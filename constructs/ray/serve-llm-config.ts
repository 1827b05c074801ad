// The Ray Serve LLM application of a RayService (its serveConfigV2), as typed props.
//
// Sources for the keys written here (Ray 2.5x, the line the default image 2.52.0 belongs to):
// - LLMConfig fields (model_loading_config, engine_kwargs, accelerator_type, placement_group_config,
//   runtime_env, deployment_config, lora_config, llm_engine, experimental_configs): ray-project/ray
//   python/ray/llm/_internal/serve/core/configs/llm_config.py, and the Serve LLM "Configuration
//   reference" page (doc/source/serve/llm/user-guides/configuration.md).
// - deployment_config keys (max_ongoing_requests, max_queued_requests, autoscaling_config) and
//   AutoscalingConfig (min_replicas, initial_replicas, max_replicas, target_ongoing_requests,
//   upscale_delay_s, downscale_delay_s): Ray Serve API docs, ray.serve.config.AutoscalingConfig,
//   and the "Advanced Ray Serve Autoscaling" guide (target_ongoing_requests vs max_ongoing_requests).
// - engine_kwargs: vLLM engine arguments, snake_case; tensor_parallel_size and
//   pipeline_parallel_size are how Ray Serve LLM sizes an engine (configuration.md, "Engine arguments").
// - placement_group_config { bundles, strategy } and the strategies PACK, STRICT_PACK, SPREAD,
//   STRICT_SPREAD: llm_config.py (placement_group_config) and configuration.md.
// - Accelerator types: the values LLMConfig.accelerator_type accepts (ray.util.accelerators),
//   listed in the ray.serve.llm.LLMConfig API page; NVIDIA GPUs only here (KubeRay workers request
//   nvidia.com/gpu).
// - Prefill/decode disaggregation (Ray 2.52 ships it): the builder `ray.serve.llm:build_pd_openai_app`
//   takes `args.prefill_config` and `args.decode_config` (two LLMConfigs that must share one
//   model_id, PDServingArgs in python/ray/llm/_internal/serve/serving_patterns/prefill_decode/
//   builder.py) and needs `engine_kwargs.kv_transfer_config` on both; with NIXL that is
//   { kv_connector: NixlConnector, kv_role: kv_both } on both sides (Serve LLM user guide
//   "Prefill/decode disaggregation", doc/source/serve/llm/user-guides/prefill-decode.md; Ray sets
//   the NIXL side channel and a per-replica engine_id itself, kv_transfer_backends/nixl_connector.py).
// - placement_group_config bundles are Ray placement group bundles (any Ray resource, custom ones
//   included), used as given with accelerator_type added; a config without `strategy` means PACK
//   (LLMConfig.placement_group_config field doc and VLLMEngineConfig.placement_bundles /
//   placement_strategy, vllm_models.py under python/ray/llm/_internal/serve).
import { stringify } from 'yaml';
import { z } from 'zod';
import { RAY_ACCELERATOR_TYPES, RAY_PLACEMENT_STRATEGIES } from '../../src/runtimes/kuberay/info.js';
import type { PropIssue } from '../common/issues.js';
import { isCredentialName, looksLikeSecretValue } from '../common/secrets.js';
import * as s from '../common/schemas.js';

/** Accelerator types and placement strategies Ray Serve LLM accepts (the facts live in src/runtimes/kuberay/info.ts). */
export { RAY_ACCELERATOR_TYPES, RAY_PLACEMENT_STRATEGIES };
export type RayAcceleratorType = (typeof RAY_ACCELERATOR_TYPES)[number];

export type RayPlacementStrategy = (typeof RAY_PLACEMENT_STRATEGIES)[number];

export interface RayAutoscaling {
  /** Fewest Serve replicas of the model (`min_replicas`). @default 1 */
  readonly minReplicas?: number;
  /** Most Serve replicas of the model (`max_replicas`). @default minReplicas (at least 1) */
  readonly maxReplicas?: number;
  /** Replicas at deployment (`initial_replicas`). @default unset: Serve starts at minReplicas */
  readonly initialReplicas?: number;
  /**
   * Ongoing requests per replica the autoscaler aims for (`target_ongoing_requests`); must not
   * exceed serve.maxOngoingRequests. @default unset: Ray Serve's default (2 since Ray 2.32)
   */
  readonly targetOngoingRequests?: number;
  /** Seconds of high load before scaling up (`upscale_delay_s`). @default unset: Ray Serve's default (30) */
  readonly upscaleDelaySeconds?: number;
  /** Seconds of low load before scaling down (`downscale_delay_s`). @default unset: Ray Serve's default (600) */
  readonly downscaleDelaySeconds?: number;
}

export interface RayPlacement {
  /**
   * How the tensorParallelSize × pipelineParallelSize engine workers of one replica are placed
   * on Ray nodes (pods). STRICT_PACK needs them all on one pod; SPREAD spreads them across pods.
   */
  readonly strategy: RayPlacementStrategy;
  /** CPUs of each worker's bundle (each bundle has one GPU). @default 1 */
  readonly cpusPerWorker?: number;
}

/** Ray Serve LLM settings of the model's LLMConfig beyond the model and its engine. */
export interface RayServeOptions {
  /** Most requests one replica handles at once (`max_ongoing_requests`). @default unset: Ray Serve LLM's default */
  readonly maxOngoingRequests?: number;
  /** Most requests queued per caller before rejecting (`max_queued_requests`). @default unset: no limit */
  readonly maxQueuedRequests?: number;
  /** Accelerator the replicas must run on (`accelerator_type`), e.g. "H100". @default unset: any GPU */
  readonly acceleratorType?: RayAcceleratorType;
  /**
   * Environment of the replica and its engine workers (`runtime_env.env_vars`). Plain values
   * only: it is written into serveConfigV2; credentials go in `env` as Secret references.
   * @default none
   */
  readonly envVars?: Readonly<Record<string, string>>;
  /** Placement group of one replica's engine workers (`placement_group_config`). @default unset: Ray Serve LLM's default */
  readonly placement?: RayPlacement;
}

export const autoscalingSchema = z.strictObject({
  minReplicas: s.nonNegativeInt.optional(),
  maxReplicas: s.positiveInt.optional(),
  initialReplicas: s.nonNegativeInt.optional(),
  targetOngoingRequests: z.number().positive().optional(),
  upscaleDelaySeconds: z.number().min(0).optional(),
  downscaleDelaySeconds: z.number().min(0).optional(),
});

export const serveOptionsSchema = z.strictObject({
  maxOngoingRequests: s.positiveInt.optional(),
  maxQueuedRequests: s.positiveInt.optional(),
  acceleratorType: z.enum(RAY_ACCELERATOR_TYPES).optional(),
  envVars: z.record(z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/), z.string()).optional(),
  placement: z.strictObject({ strategy: z.enum(RAY_PLACEMENT_STRATEGIES), cpusPerWorker: z.number().positive().optional() }).optional(),
});

/** The phases of a disaggregated model. */
export const RAY_PHASES = ['prefill', 'decode'] as const;
export type RayPhase = (typeof RAY_PHASES)[number];

/** The KV connector modelstack writes on both phases of a disaggregated model (NIXL, both roles). */
export const PD_KV_TRANSFER_CONFIG = { kv_connector: 'NixlConnector', kv_role: 'kv_both' } as const;

/** What one LLMConfig is made of, resolved from the props. */
export interface LlmConfigInput {
  readonly modelId: string;
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly engineKwargs?: Readonly<Record<string, unknown>>;
  readonly autoscaling?: z.infer<typeof autoscalingSchema>;
  readonly serve?: z.infer<typeof serveOptionsSchema>;
  /**
   * Ray resource every engine worker bundle asks for (one unit), so the replica lands on the
   * worker groups that offer it (a disaggregated model's phase). @default none
   */
  readonly pin?: string;
  /** Write PD_KV_TRANSFER_CONFIG (a phase of a disaggregated model). @default false */
  readonly kvTransfer?: boolean;
}

/** engine_kwargs keys a prop writes: a second value in engineKwargs is an error, never an override. */
const OWNED_KWARGS: Readonly<Record<string, { readonly prop: string; readonly writes: string }>> = {
  tensor_parallel_size: { prop: 'tensorParallelSize', writes: 'engine_kwargs.tensor_parallel_size' },
  pipeline_parallel_size: { prop: 'pipelineParallelSize', writes: 'engine_kwargs.pipeline_parallel_size' },
  model: { prop: 'model', writes: 'model_loading_config.model_source' },
  served_model_name: { prop: 'modelId', writes: 'model_loading_config.model_id' },
};

/**
 * Keys of the LLMConfig or its deployment_config written into engineKwargs: Ray would hand them
 * to vLLM as engine arguments, which they are not. Each names the prop that writes it.
 */
const MISPLACED_KWARGS: Readonly<Record<string, string>> = {
  model_loading_config: 'model and modelId',
  model_id: 'modelId',
  model_source: 'model',
  accelerator_type: 'serve.acceleratorType',
  placement_group_config: 'serve.placement',
  runtime_env: 'serve.envVars',
  deployment_config: 'autoscaling and serve',
  autoscaling_config: 'autoscaling',
  num_replicas: 'autoscaling.minReplicas and autoscaling.maxReplicas',
  min_replicas: 'autoscaling.minReplicas',
  max_replicas: 'autoscaling.maxReplicas',
  initial_replicas: 'autoscaling.initialReplicas',
  target_ongoing_requests: 'autoscaling.targetOngoingRequests',
  max_ongoing_requests: 'serve.maxOngoingRequests',
  max_queued_requests: 'serve.maxQueuedRequests',
};

/** Keys written in the wrong one of the typed groups (autoscaling vs serve). */
const MISPLACED_PROPS: Readonly<Record<string, string>> = {
  'autoscaling.maxOngoingRequests': 'serve.maxOngoingRequests',
  'autoscaling.maxQueuedRequests': 'serve.maxQueuedRequests',
  'serve.minReplicas': 'autoscaling.minReplicas',
  'serve.maxReplicas': 'autoscaling.maxReplicas',
  'serve.initialReplicas': 'autoscaling.initialReplicas',
  'serve.targetOngoingRequests': 'autoscaling.targetOngoingRequests',
  'serve.tensorParallelSize': 'tensorParallelSize',
  'serve.pipelineParallelSize': 'pipelineParallelSize',
  'serve.engineKwargs': 'engineKwargs',
  'serve.env': 'env',
};

/**
 * A zod "is not a known prop" issue for a key that belongs elsewhere, said as such; other issues
 * are returned as they are.
 */
export function misplacedPropIssue(issue: PropIssue): PropIssue {
  // A phase's autoscaling and serve (prefill.serve.minReplicas) are read as the model's.
  const phase = RAY_PHASES.find((p) => issue.prop.startsWith(`${p}.`));
  const prop = phase ? issue.prop.slice(phase.length + 1) : issue.prop;
  const home = MISPLACED_PROPS[prop];
  if (!home || issue.problem !== 'is not a known prop') return issue;
  const group = prop.split('.')[0]!;
  return {
    ...issue,
    problem: `is misplaced: it is not ${/^[aeiou]/.test(group) ? 'an' : 'a'} ${group} setting`,
    fix: `move it to ${phase && home !== 'env' ? `${phase}.${home}` : home}`,
  };
}

/** A prop name inside a phase (`decode.serve.acceleratorType`), or the model's own without one. */
function inPhase(phase: RayPhase | undefined, text: string): string {
  return phase ? text.replace(/\b(autoscaling|serve|tensorParallelSize|pipelineParallelSize)\b/g, `${phase}.$1`) : text;
}

/**
 * Problems of engineKwargs: keys a prop writes, LLMConfig keys, and names that are not vLLM's.
 * `phase` names a disaggregated model's phase whose engineKwargs these are (its own parallel
 * sizes, autoscaling and serve); `disaggregated` makes kv_transfer_config the mode's.
 */
export function engineKwargsIssues(
  kwargs: Readonly<Record<string, unknown>> | undefined,
  set: Readonly<Record<string, unknown>>,
  at = 'engineKwargs',
  opts: { readonly phase?: RayPhase; readonly disaggregated?: boolean } = {},
): PropIssue[] {
  const issues: PropIssue[] = [];
  for (const [key, value] of Object.entries(kwargs ?? {})) {
    const prop = `${at}.${key}`;
    if (opts.disaggregated && key === 'kv_transfer_config') {
      issues.push({
        prop,
        value,
        problem: `collides with mode ("disaggregated"), which writes engine_kwargs.kv_transfer_config (NixlConnector, kv_both) on prefill and decode`,
        fix: 'remove it',
      });
      continue;
    }
    const owned = OWNED_KWARGS[key];
    if (owned) {
      const name = inPhase(opts.phase, owned.prop);
      issues.push({
        prop,
        value,
        problem: `collides with ${name} (${JSON.stringify(set[owned.prop])}), which writes ${owned.writes}`,
        fix: `remove ${prop} and set ${name}: ${JSON.stringify(value)}`,
      });
      continue;
    }
    const home = MISPLACED_KWARGS[key];
    if (home) {
      issues.push({
        prop,
        value,
        problem: 'is a Ray Serve LLM setting, not a vLLM engine argument (Ray would pass it to vLLM)',
        fix: `remove it from ${at} and use ${inPhase(opts.phase, home)}`,
      });
      continue;
    }
    if (/[A-Z]/.test(key)) {
      issues.push({
        prop,
        value,
        problem: 'is not a vLLM engine argument name (engine arguments are snake_case)',
        fix: `write it as ${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, '')}`,
      });
    }
  }
  return issues;
}

/** Cross-field rules of the autoscaling and serve groups (of the model, or of one `phase`). */
export function serveOptionsIssues(
  autoscaling: LlmConfigInput['autoscaling'],
  serve: LlmConfigInput['serve'],
  range: { readonly minReplicas: number; readonly maxReplicas: number },
  env: Readonly<Record<string, unknown>> | undefined,
  phase?: RayPhase,
): PropIssue[] {
  const issues: PropIssue[] = [];
  const a = inPhase(phase, 'autoscaling');
  const sv = inPhase(phase, 'serve');
  const initial = autoscaling?.initialReplicas;
  if (initial !== undefined && range.minReplicas <= range.maxReplicas && (initial < range.minReplicas || initial > range.maxReplicas)) {
    issues.push({
      prop: `${a}.initialReplicas`,
      value: initial,
      problem: `is outside ${a}.minReplicas..maxReplicas (${range.minReplicas}..${range.maxReplicas})`,
      fix: 'choose a value between minReplicas and maxReplicas, or leave it unset',
    });
  }
  const target = autoscaling?.targetOngoingRequests;
  const max = serve?.maxOngoingRequests;
  if (target !== undefined && max !== undefined && target > max) {
    issues.push({
      prop: `${a}.targetOngoingRequests`,
      value: target,
      problem: `is larger than ${sv}.maxOngoingRequests (${max}); a replica never holds more than maxOngoingRequests, so the target is never reached and the model never scales up`,
      fix: `lower targetOngoingRequests to at most ${max}, or raise ${sv}.maxOngoingRequests`,
    });
  }
  for (const [name, value] of Object.entries(serve?.envVars ?? {})) {
    if (isCredentialName(name) || looksLikeSecretValue(value)) {
      issues.push({
        prop: `${sv}.envVars.${name}`,
        value: '(literal value hidden)',
        problem: 'is a credential written as a literal; serveConfigV2 would hold it in plain text',
        fix: `remove it and take it from a Secret: env: { ${name}: { secretKeyRef: secretKey('<secret-name>', '<key>') } } (hfTokenSecret for HF_TOKEN)`,
      });
    } else if (env && name in env) {
      issues.push({
        prop: `${sv}.envVars.${name}`,
        value,
        problem: `is also set by env.${name}; the replica would see this value and the pod another`,
        fix: 'set it in one place: env for the whole pod, serve.envVars for the Serve replica only',
      });
    }
  }
  return issues;
}

/** How many GPUs (engine workers) one replica uses: tensor × pipeline parallel size. */
export function ranksOf(c: Pick<LlmConfigInput, 'tensorParallelSize' | 'pipelineParallelSize'>): number {
  return c.tensorParallelSize * (c.pipelineParallelSize ?? 1);
}

/** One LLMConfig, as the serve config holds it. */
export function llmConfig(c: LlmConfigInput): Record<string, unknown> {
  const a = c.autoscaling ?? {};
  const o = c.serve ?? {};
  const autoscalingConfig = {
    min_replicas: c.minReplicas,
    ...(a.initialReplicas !== undefined ? { initial_replicas: a.initialReplicas } : {}),
    max_replicas: c.maxReplicas,
    ...(a.targetOngoingRequests !== undefined ? { target_ongoing_requests: a.targetOngoingRequests } : {}),
    ...(a.upscaleDelaySeconds !== undefined ? { upscale_delay_s: a.upscaleDelaySeconds } : {}),
    ...(a.downscaleDelaySeconds !== undefined ? { downscale_delay_s: a.downscaleDelaySeconds } : {}),
  };
  return {
    model_loading_config: { model_id: c.modelId, model_source: c.model },
    engine_kwargs: {
      ...c.engineKwargs,
      tensor_parallel_size: c.tensorParallelSize,
      ...(c.pipelineParallelSize !== undefined ? { pipeline_parallel_size: c.pipelineParallelSize } : {}),
      ...(c.kvTransfer ? { kv_transfer_config: { ...PD_KV_TRANSFER_CONFIG } } : {}),
    },
    deployment_config: {
      autoscaling_config: autoscalingConfig,
      ...(o.maxOngoingRequests !== undefined ? { max_ongoing_requests: o.maxOngoingRequests } : {}),
      ...(o.maxQueuedRequests !== undefined ? { max_queued_requests: o.maxQueuedRequests } : {}),
    },
    ...(o.acceleratorType ? { accelerator_type: o.acceleratorType } : {}),
    ...(o.placement || c.pin
      ? {
          placement_group_config: {
            bundles: Array.from({ length: ranksOf(c) }, () => ({
              ...(o.placement ? { CPU: o.placement.cpusPerWorker ?? 1 } : {}),
              GPU: 1,
              ...(c.pin ? { [c.pin]: 1 } : {}),
            })),
            // Ray's own default for a placement_group_config without a strategy.
            strategy: o.placement?.strategy ?? 'PACK',
          },
        }
      : {}),
    ...(o.envVars && Object.keys(o.envVars).length > 0 ? { runtime_env: { env_vars: { ...o.envVars } } } : {}),
  };
}

/**
 * The Ray Serve LLM application, as the YAML string RayService's serveConfigV2 holds: one
 * LLMConfig (build_openai_app), or a prefill and a decode LLMConfig (build_pd_openai_app).
 */
export function serveConfig(c: LlmConfigInput | { readonly prefill: LlmConfigInput; readonly decode: LlmConfigInput }): string {
  const pd = 'prefill' in c;
  const config = {
    applications: [
      {
        name: 'llm',
        import_path: pd ? 'ray.serve.llm:build_pd_openai_app' : 'ray.serve.llm:build_openai_app',
        route_prefix: '/',
        args: pd ? { prefill_config: llmConfig(c.prefill), decode_config: llmConfig(c.decode) } : { llm_configs: [llmConfig(c)] },
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}
