import { Construct } from 'constructs';
import { z } from 'zod';
import { type Engine, ENGINES } from '../src/runtimes/registry.js';
import { DEFAULT_RAY_VERSION, rayLlmImage } from '../src/runtimes/kuberay/info.js';
import { capabilityIssues, type ServingMode } from './common/capabilities.js';
import { type ContainerEnv, renderEnv } from './common/env.js';
import { imageIssues } from './common/image.js';
import type { PropIssue } from './common/issues.js';
import { patchTemplate, type PodTemplatePatch } from './common/pod-template.js';
import * as s from './common/schemas.js';
import { metricsIssues, metricsSchema, type ModelMetricsProps, renderMetricsMonitor } from './common/metrics.js';
import { type EnvValue, hfTokenIssues, type SecretKeyRef, secretLiteralIssues } from './common/secrets.js';
import { allValid, parseProps, reportIssues } from './common/validation.js';
import { derivedEnvIssues, reservedLabelIssues } from './common/reserved.js';
import { ModelConstruct, type RenderedModel } from './common/model-construct.js';
import { CACHE_ENV, cachePodPatch, cacheSchema, cacheUseIssues, dependOnCache } from './cache/cache-use.js';
import type { ModelCache } from './cache/model-cache.js';
import type {
  RayServiceSpec,
  RayServiceSpecRayClusterConfigHeadGroupSpecTemplateSpecContainers as RayHeadContainer,
  RayServiceSpecRayClusterConfigWorkerGroupSpecs as RayWorkerGroupSpec,
  RayServiceSpecRayClusterConfigWorkerGroupSpecsTemplateSpecContainers as RayWorkerContainer,
} from '../imports/ray.io.js';
import {
  DEFAULT_METRICS_PORT,
  groupRayResources,
  groupSettingsShape,
  headStartParams,
  metricsPortIssues,
  quantity,
  rayStartParamsIssues,
  type RayToleration,
  schedulingSpec,
  sharedMemory,
  workerSettingsShape,
} from './ray/cluster-settings.js';
import {
  autoscalingSchema,
  engineKwargsIssues,
  misplacedPropIssue,
  type RayAcceleratorType,
  type RayAutoscaling,
  type RayServeOptions,
  ranksOf,
  serveConfig,
  serveOptionsIssues,
  serveOptionsSchema,
} from './ray/serve-llm-config.js';
import { type RayUpgradeStrategy, renderUpgradeStrategy, upgradeStrategyIssues, upgradeStrategySchema } from './ray/upgrade-strategy.js';
import {
  modeIssues,
  phaseGroupIssues,
  phaseResource,
  phaseSchema,
  RAY_PHASES,
  type RayPhase,
  type RayPhaseSettings,
  resolvePhase,
} from './ray/disaggregation.js';
import type { LlmConfigInput } from './ray/serve-llm-config.js';

export { RAY_ACCELERATOR_TYPES, RAY_PLACEMENT_STRATEGIES, serveConfig } from './ray/serve-llm-config.js';
export type { RayAcceleratorType, RayAutoscaling, RayPlacement, RayPlacementStrategy, RayServeOptions } from './ray/serve-llm-config.js';
export type { RayToleration } from './ray/cluster-settings.js';
export type { RayUpgradeStrategy } from './ray/upgrade-strategy.js';
export type { RayPhase, RayPhaseSettings } from './ray/disaggregation.js';

export interface RayWorkerGroup {
  /** Worker group name (`groupName`). */
  readonly name: string;
  /**
   * Which phase's replicas the group runs (mode "disaggregated" only, where every group has
   * one): the group offers the Ray resource that phase's engine workers ask for. @default unset
   */
  readonly phase?: RayPhase;
  /** Fewest worker pods the autoscaler keeps. */
  readonly minReplicas: number;
  /** Most worker pods the autoscaler starts. */
  readonly maxReplicas: number;
  /** Worker pods at creation. @default minReplicas */
  readonly replicas?: number;
  /** GPUs per worker pod. @default the model's tensorParallelSize */
  readonly gpus?: number;
  /** CPU request and limit per worker pod. @default "8" */
  readonly cpu?: string;
  /** Memory request and limit per worker pod. @default "32Gi" */
  readonly memory?: string;
  /**
   * Pods per replica of the group (`numOfHosts`): a multi-host group, for a model larger than one
   * node. Each replica of the group is this many pods of `gpus` GPUs each. @default 1
   */
  readonly numOfHosts?: number;
  /**
   * GPU type of the group's nodes: offered to Ray as the resource `accelerator_type:<type>`, so
   * replicas with serve.acceleratorType land on this group. @default unset
   */
  readonly acceleratorType?: RayAcceleratorType;
  /** Extra Ray start parameters (without "--"); num-gpus, num-cpus and memory come from gpus, cpu and memory. @default none */
  readonly rayStartParams?: Readonly<Record<string, string>>;
  /** Node labels the group's pods must run on. @default none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the group's pods tolerate (e.g. nvidia.com/gpu). @default none */
  readonly tolerations?: readonly RayToleration[];
  /**
   * Size of a memory-backed /dev/shm (tensor parallelism inside a pod shares data through it), or
   * false for none. @default a memory-backed /dev/shm, bounded by the pod's memory, on pods with more than one GPU
   */
  readonly sharedMemory?: string | false;
  /** Patch merged into this group's pod template. @default none */
  readonly podTemplate?: PodTemplatePatch;
}

export interface RayHead {
  /** CPU request and limit of the head pod. @default "2" */
  readonly cpu?: string;
  /** Memory request and limit of the head pod. @default "8Gi" */
  readonly memory?: string;
  /** Port of Ray's Prometheus metrics on the head (`metrics-export-port`, container port "metrics"). @default 8080 */
  readonly metricsPort?: number;
  /**
   * Ray start parameters of the head (without "--"), over the defaults.
   * @default { "dashboard-host": "0.0.0.0", "metrics-export-port": "<metricsPort>", "num-cpus": "0", "num-gpus": "0" }:
   * the head offers Ray no CPUs or GPUs, so Serve replicas and engine workers run on worker groups
   */
  readonly rayStartParams?: Readonly<Record<string, string>>;
  /** Node labels the head pod must run on. @default none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the head pod tolerates. @default none */
  readonly tolerations?: readonly RayToleration[];
  /** Patch merged into the head pod template. @default none */
  readonly podTemplate?: PodTemplatePatch;
}

export interface RayModelProps {
  /** Model source: a Hugging Face id (e.g. "Qwen/Qwen2.5-7B-Instruct") or a path the workers can read. */
  readonly model: string;
  /**
   * Id the model is served under (the OpenAI `model` field).
   * @default the value of `model`
   */
  readonly modelId?: string;
  /** Name of the RayService. @default the construct id, folded to a DNS-1123 label */
  readonly name?: string;
  /** Namespace of the RayService. @default the stack's namespace */
  readonly namespace?: string;
  /** Ray Serve LLM runs vLLM only (aggregated or disaggregated). @default "vllm" */
  readonly engine?: Engine;
  /**
   * "aggregated": one Serve LLM deployment whose replicas prefill and decode
   * (`ray.serve.llm:build_openai_app`). "disaggregated": a prefill and a decode deployment
   * (`ray.serve.llm:build_pd_openai_app`) exchanging KV cache over NIXL, each scaled on its own
   * and pinned to the worker groups of its phase.
   * @default "aggregated"
   */
  readonly mode?: ServingMode;
  /** The prefill deployment (mode "disaggregated"). @default the model's settings, 1 replica */
  readonly prefill?: RayPhaseSettings;
  /** The decode deployment (mode "disaggregated"). @default the model's settings, 1 replica */
  readonly decode?: RayPhaseSettings;
  /** vLLM tensor parallel size (`engine_kwargs.tensor_parallel_size`). @default 1 */
  readonly tensorParallelSize?: number;
  /** vLLM pipeline parallel size (`engine_kwargs.pipeline_parallel_size`), to span pods. @default unset (1) */
  readonly pipelineParallelSize?: number;
  /**
   * Extra vLLM engine arguments (`engine_kwargs`), snake_case. Keys a prop writes
   * (tensor_parallel_size, pipeline_parallel_size, model, served_model_name) and Ray Serve LLM
   * settings (accelerator_type, autoscaling_config, ...) are errors naming the prop to use.
   * @default none
   */
  readonly engineKwargs?: Readonly<Record<string, unknown>>;
  /**
   * Serve replica autoscaling of the model deployment (`deployment_config.autoscaling_config`);
   * mode "aggregated" only (a disaggregated model sets prefill.autoscaling and decode.autoscaling).
   * @default { minReplicas: 1, maxReplicas: 1 }
   */
  readonly autoscaling?: RayAutoscaling;
  /**
   * Ray Serve LLM settings: request limits, accelerator type, runtime env vars, placement. In mode
   * "disaggregated", the defaults of both phases. @default none
   */
  readonly serve?: RayServeOptions;
  /**
   * How KubeRay rolls out a change of the cluster (`spec.upgradeStrategy`).
   * @default unset: KubeRay's NewCluster, a second cluster of the same size then a switch, which
   * needs twice the GPUs during the upgrade
   */
  readonly upgradeStrategy?: RayUpgradeStrategy;
  /**
   * GPU worker groups.
   * @default one group "gpu" with tensorParallelSize GPUs per pod and min/max replicas of
   * `autoscaling`; in mode "disaggregated", groups "prefill" and "decode", each with its phase's
   * tensorParallelSize GPUs per pod and min/max replicas of its phase's autoscaling
   */
  readonly workerGroups?: readonly RayWorkerGroup[];
  /** Head pod sizing. @default { cpu: "2", memory: "8Gi" } */
  readonly head?: RayHead;
  /** Ray version of the image (`rayVersion`). @default "2.52.0" */
  readonly rayVersion?: string;
  /**
   * Image of head and workers. Must be pinned.
   * @default "rayproject/ray-llm:<rayVersion>-py311-cu128"
   */
  readonly image?: string;
  /** Secret key holding the Hugging Face token, exposed as HF_TOKEN. @default none */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Extra environment for head and workers. @default none */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /**
   * Weights downloaded once into a volume (a ModelCache of this model, in this namespace): head
   * and workers mount it read-only, vLLM loads the pinned revision from it (`model_source`), and
   * workers wait for its download. @default none (each replica downloads the model itself)
   */
  readonly cache?: ModelCache;
  /** Extra labels and annotations on the RayService. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Scrape objects for Prometheus: `{ serviceMonitor: true }` renders a prometheus-operator
   * ServiceMonitor selecting the RayService's Services (labels ray.io/originated-from-crd and
   * ray.io/originated-from-cr-name) on the head Service's "metrics" port, /metrics.
   * @default none
   */
  readonly metrics?: ModelMetricsProps;
}

export { DEFAULT_RAY_VERSION };
export const RAY_SERVE_PORT = 8000;

const workerGroup = z.strictObject({
  name: s.dnsLabel,
  phase: z.enum(RAY_PHASES).optional(),
  minReplicas: s.nonNegativeInt,
  maxReplicas: s.nonNegativeInt,
  replicas: s.nonNegativeInt.optional(),
  gpus: s.nonNegativeInt.optional(),
  cpu: quantity.optional(),
  memory: quantity.optional(),
  ...workerSettingsShape,
  podTemplate: s.podTemplatePatch.optional(),
});

const schema = z.strictObject({
  model: z.string().min(1),
  modelId: z.string().min(1).optional(),
  name: s.dnsLabel.optional(),
  namespace: s.dnsLabel.optional(),
  engine: z.enum(ENGINES as [Engine, ...Engine[]]).optional(),
  mode: z.enum(['aggregated', 'disaggregated']).optional(),
  prefill: phaseSchema.optional(),
  decode: phaseSchema.optional(),
  tensorParallelSize: s.positiveInt.optional(),
  pipelineParallelSize: s.positiveInt.optional(),
  engineKwargs: z.record(z.string(), z.unknown()).optional(),
  autoscaling: autoscalingSchema.optional(),
  serve: serveOptionsSchema.optional(),
  upgradeStrategy: upgradeStrategySchema.optional(),
  workerGroups: z.array(workerGroup).min(1).optional(),
  head: z
    .strictObject({
      cpu: quantity.optional(),
      memory: quantity.optional(),
      metricsPort: z.number().int().min(1).max(65535).optional(),
      ...groupSettingsShape,
      podTemplate: s.podTemplatePatch.optional(),
    })
    .optional(),
  rayVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: 'Fix: use a Ray version like "2.52.0"' })
    .optional(),
  image: z.string().min(1).optional(),
  hfTokenSecret: s.secretKeyRef.optional(),
  env: s.envMap.optional(),
  labels: s.stringMap.optional(),
  annotations: s.stringMap.optional(),
  cache: cacheSchema.optional(),
  metrics: metricsSchema.optional(),
});

type ParsedProps = z.infer<typeof schema>;

type ParsedGroup = z.infer<typeof workerGroup>;

interface ResolvedGroup extends Omit<ParsedGroup, 'replicas' | 'gpus' | 'cpu' | 'memory' | 'numOfHosts'> {
  readonly replicas: number;
  readonly gpus: number;
  readonly cpu: string;
  readonly memory: string;
  readonly numOfHosts: number;
}

interface Resolved {
  readonly name: string;
  readonly namespace: string;
  readonly model: string;
  readonly modelId: string;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly groups: readonly ResolvedGroup[];
  /** The LLMConfigs of the prefill and decode deployments (mode "disaggregated"). */
  readonly phases?: Readonly<Record<RayPhase, LlmConfigInput>>;
  readonly rayVersion: string;
  readonly image: string;
  readonly p: ParsedProps;
}

/**
 * A model served by Ray Serve LLM on KubeRay: one RayService (ray.io/v1) whose serveConfigV2
 * runs `ray.serve.llm:build_openai_app` (an OpenAI-compatible vLLM app), or in mode
 * "disaggregated" `ray.serve.llm:build_pd_openai_app` (prefill and decode deployments), on a head
 * group and one or more GPU worker groups.
 */
export class RayModel extends ModelConstruct<RayServiceSpec> {
  declare public readonly runtime: 'kuberay';

  public constructor(scope: Construct, id: string, props: RayModelProps) {
    super(scope, id, 'kuberay', props, (self, name, namespace) => {
      const resolved = resolve(self, props, name, namespace);
      return resolved && render(resolved);
    });
    if (this.apiObject) dependOnCache(this, props.cache);
    if (this.apiObject) renderMetricsMonitor(this, { runtime: 'kuberay', name: this.name, namespace: this.namespace, metrics: props.metrics });
  }
}

function resolve(scope: Construct, props: RayModelProps, name: string, namespace: string): Resolved | undefined {
  const pre: PropIssue[] = [...hfTokenIssues(props?.hfTokenSecret)];
  const parsed = parseProps(schema, { ...props, name, namespace }, pre);
  const issues = [...pre, ...parsed.issues.map(misplacedPropIssue)];
  const ok = (...props: string[]): boolean => allValid(parsed, ...props);
  // With problems found by zod, `p` is the props without the invalid ones: rules over valid
  // props still run (and still report), but nothing is rendered.
  const p = parsed.value ?? parsed.partial;
  let resolved: Resolved | undefined;
  let cacheBlocked = false;
  if (p && ok('metrics')) issues.push(...metricsIssues('kuberay', p.metrics));
  if (p) {
    const disaggregated = p.mode === 'disaggregated';
    if (ok('engine', 'mode')) issues.push(...capabilityIssues('kuberay', { engine: p.engine, mode: p.mode }));
    if (ok('mode', 'prefill', 'decode', 'autoscaling', 'workerGroups')) issues.push(...modeIssues(disaggregated, p));
    if (ok('image')) issues.push(...imageIssues('image', p.image));
    if (ok('env')) issues.push(...secretLiteralIssues(p.env, {}));
    if (ok('env', 'hfTokenSecret')) {
      issues.push(...derivedEnvIssues(p.env, { ...(p.hfTokenSecret ? { HF_TOKEN: 'hfTokenSecret' } : {}), ...(p.cache ? CACHE_ENV : {}) }));
    }
    if (ok('cache', 'model', 'engine')) {
      const use = cacheUseIssues(p.cache, { model: p.model, namespace, engine: p.engine ?? 'vllm' });
      issues.push(...use.issues);
      if (use.blocked) cacheBlocked = true;
    }
    if (ok('labels')) issues.push(...reservedLabelIssues(p.labels));
    const tp = p.tensorParallelSize ?? 1;
    const minReplicas = p.autoscaling?.minReplicas ?? 1;
    const maxReplicas = p.autoscaling?.maxReplicas ?? Math.max(minReplicas, 1);
    if (ok('engineKwargs', 'tensorParallelSize', 'pipelineParallelSize', 'model', 'modelId', 'mode')) {
      issues.push(
        ...engineKwargsIssues(
          p.engineKwargs,
          {
            tensorParallelSize: tp,
            pipelineParallelSize: p.pipelineParallelSize ?? 1,
            model: p.model,
            modelId: p.modelId ?? p.model,
          },
          'engineKwargs',
          { disaggregated },
        ),
      );
    }
    const modelId = p.modelId ?? p.model;
    const phases = disaggregated
      ? (Object.fromEntries(RAY_PHASES.map((ph) => [ph, resolvePhase(ph, p[ph], { ...p, modelId })])) as Record<RayPhase, LlmConfigInput>)
      : undefined;
    if (phases && ok('prefill', 'decode', 'engineKwargs', 'tensorParallelSize', 'pipelineParallelSize', 'model', 'modelId', 'serve', 'env')) {
      for (const ph of RAY_PHASES) issues.push(...phaseIssues(ph, p[ph], phases[ph], p.env));
    }
    if (ok('autoscaling') && minReplicas > maxReplicas) {
      issues.push({
        prop: 'autoscaling.minReplicas',
        value: minReplicas,
        problem: `is larger than autoscaling.maxReplicas (${maxReplicas})`,
        fix: 'make minReplicas at most maxReplicas',
      });
    }
    if (ok('autoscaling', 'serve', 'env')) issues.push(...serveOptionsIssues(p.autoscaling, p.serve, { minReplicas, maxReplicas }, p.env));
    const groups = (p.workerGroups ?? defaultGroups(phases, { name: 'gpu', minReplicas, maxReplicas })).map((g): ResolvedGroup => ({
      ...g,
      replicas: g.replicas ?? g.minReplicas,
      gpus: g.gpus ?? (g.phase && phases ? phases[g.phase].tensorParallelSize : tp),
      cpu: g.cpu ?? '8',
      memory: g.memory ?? '32Gi',
      numOfHosts: g.numOfHosts ?? 1,
    }));
    // The default groups copy autoscaling, whose problems are reported above under their own name.
    if (p.workerGroups && ok('workerGroups', 'tensorParallelSize', 'pipelineParallelSize', 'serve', 'mode', 'prefill', 'decode')) {
      issues.push(...groupShapeIssues(groups));
      if (!phases) {
        issues.push(...capacityIssues(groups, { tensorParallelSize: tp, pipelineParallelSize: p.pipelineParallelSize }, p.serve));
      } else {
        const shape = phaseGroupIssues(groups);
        issues.push(...shape);
        for (const ph of RAY_PHASES) {
          const mine = groups.filter((g) => g.phase === ph);
          if (mine.some((g) => g.gpus > 0)) issues.push(...capacityIssues(mine, phases[ph], phases[ph].serve, ph));
        }
      }
    }
    if (ok('head')) {
      issues.push(...metricsPortIssues(p.head?.metricsPort));
      issues.push(
        ...rayStartParamsIssues(p.head?.rayStartParams, 'head', {
          'metrics-export-port': { prop: 'head.metricsPort', value: p.head?.metricsPort ?? DEFAULT_METRICS_PORT },
          memory: { prop: 'head.memory', value: p.head?.memory ?? '8Gi' },
        }),
      );
    }
    if (ok('upgradeStrategy', 'workerGroups', 'autoscaling')) {
      issues.push(
        ...upgradeStrategyIssues(
          p.upgradeStrategy,
          groups.some((g) => g.minReplicas !== g.maxReplicas),
        ),
      );
    }
    const rayVersion = p.rayVersion ?? DEFAULT_RAY_VERSION;
    resolved = {
      name,
      namespace,
      model: p.model,
      modelId,
      tensorParallelSize: tp,
      ...(p.pipelineParallelSize !== undefined ? { pipelineParallelSize: p.pipelineParallelSize } : {}),
      minReplicas,
      maxReplicas,
      groups,
      ...(phases ? { phases } : {}),
      rayVersion,
      image: p.image ?? rayLlmImage(rayVersion),
      p,
    };
  }
  reportIssues(scope, issues);
  return issues.length === 0 && !cacheBlocked && parsed.value ? resolved : undefined;
}

/** The worker groups a model gets without workerGroups: one "gpu" group, or one per phase. */
function defaultGroups(phases: Readonly<Record<RayPhase, LlmConfigInput>> | undefined, aggregated: ParsedGroup): ParsedGroup[] {
  if (!phases) return [aggregated];
  return RAY_PHASES.map((ph) => ({ name: ph, phase: ph, minReplicas: phases[ph].minReplicas, maxReplicas: phases[ph].maxReplicas }));
}

/**
 * The worker groups RayModel writes without workerGroups, with `gpus` GPUs per pod: what Model's
 * gpusPerWorker sizes. Invalid props give groups RayModel reports on anyway.
 */
export function defaultRayWorkerGroups(props: Pick<RayModelProps, 'mode' | 'autoscaling' | 'prefill' | 'decode'>, gpus: number): RayWorkerGroup[] {
  if (props.mode === 'disaggregated') {
    return RAY_PHASES.map((ph) => {
      const minReplicas = props[ph]?.autoscaling?.minReplicas ?? 1;
      return { name: ph, phase: ph, minReplicas, maxReplicas: props[ph]?.autoscaling?.maxReplicas ?? Math.max(minReplicas, 1), gpus };
    });
  }
  const minReplicas = props.autoscaling?.minReplicas ?? 1;
  return [{ name: 'gpu', minReplicas, maxReplicas: props.autoscaling?.maxReplicas ?? Math.max(minReplicas, 1), gpus }];
}

/** Problems of one phase's own settings: engine kwargs, replica range, autoscaling against serve. */
function phaseIssues(phase: RayPhase, own: ParsedProps['prefill'], c: LlmConfigInput, env: Readonly<Record<string, unknown>> | undefined): PropIssue[] {
  const issues = engineKwargsIssues(
    own?.engineKwargs,
    { tensorParallelSize: c.tensorParallelSize, pipelineParallelSize: c.pipelineParallelSize ?? 1, model: c.model, modelId: c.modelId },
    `${phase}.engineKwargs`,
    { phase, disaggregated: true },
  );
  if (c.minReplicas > c.maxReplicas) {
    issues.push({
      prop: `${phase}.autoscaling.minReplicas`,
      value: c.minReplicas,
      problem: `is larger than ${phase}.autoscaling.maxReplicas (${c.maxReplicas})`,
      fix: 'make minReplicas at most maxReplicas',
    });
  }
  // The model's serve.envVars are checked once, as the model's; the phase's own here.
  const serve = { ...c.serve, envVars: own?.serve?.envVars };
  issues.push(...serveOptionsIssues(own?.autoscaling, serve, c, env, phase));
  return issues;
}

/** Problems of each worker group on its own: names, replica range, rayStartParams. */
function groupShapeIssues(groups: readonly ResolvedGroup[]): PropIssue[] {
  const issues: PropIssue[] = [];
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    const at = `workerGroups[${i}]`;
    if (seen.has(g.name)) {
      issues.push({ prop: `${at}.name`, value: g.name, problem: 'is used by another worker group', fix: 'give each worker group its own name' });
    }
    seen.add(g.name);
    if (g.minReplicas > g.maxReplicas) {
      issues.push({
        prop: `${at}.minReplicas`,
        value: g.minReplicas,
        problem: `is larger than maxReplicas (${g.maxReplicas})`,
        fix: 'make minReplicas at most maxReplicas',
      });
    } else if (g.replicas < g.minReplicas || g.replicas > g.maxReplicas) {
      issues.push({
        prop: `${at}.replicas`,
        value: g.replicas,
        problem: `is outside minReplicas..maxReplicas (${g.minReplicas}..${g.maxReplicas})`,
        fix: 'choose a value between minReplicas and maxReplicas, or leave it unset',
      });
    }
    issues.push(
      ...rayStartParamsIssues(g.rayStartParams, at, {
        'num-gpus': { prop: `${at}.gpus`, value: g.gpus },
        'num-cpus': { prop: `${at}.cpu`, value: g.cpu },
        memory: { prop: `${at}.memory`, value: g.memory },
      }),
    );
  });
  return issues;
}

/**
 * Whether the worker groups (all of them, or the groups of one `phase`) can hold a replica: GPUs
 * for its ranks, room for a STRICT_PACK placement, the accelerator type it asks for.
 */
function capacityIssues(
  groups: readonly ResolvedGroup[],
  parallel: { readonly tensorParallelSize: number; readonly pipelineParallelSize?: number },
  serve: ParsedProps['serve'],
  phase?: RayPhase,
): PropIssue[] {
  const issues: PropIssue[] = [];
  const at = phase ? `${phase}.` : '';
  const group = phase ? `${phase} worker group` : 'worker group';
  const tp = parallel.tensorParallelSize;
  const ranks = ranksOf(parallel);
  const maxGpus = Math.max(...groups.map((g) => g.gpus));
  const multiHost = parallel.pipelineParallelSize !== undefined || groups.some((g) => g.numOfHosts > 1);
  if (!multiHost) {
    // Groups without GPUs run CPU-only workers (one rank); otherwise every rank needs its own GPU.
    if (tp > Math.max(maxGpus, 1)) {
      issues.push({
        prop: `${at}tensorParallelSize`,
        value: tp,
        problem: `is larger than the GPUs of any ${group} (at most ${maxGpus} per pod); each tensor-parallel rank needs its own GPU`,
        fix: `give a ${group} gpus: ${tp} or more, or lower ${at}tensorParallelSize`,
      });
    }
  } else {
    // A replica's ranks may span the pods of one multi-host replica (numOfHosts pods of gpus each).
    const maxReplicaGpus = Math.max(...groups.map((g) => g.gpus * g.numOfHosts));
    if (ranks > Math.max(maxReplicaGpus, 1)) {
      issues.push({
        prop: `${at}tensorParallelSize`,
        value: tp,
        problem: `times ${at}pipelineParallelSize (${parallel.pipelineParallelSize ?? 1}) is ${ranks} GPUs per replica, more than any ${group}'s replica has (at most ${maxReplicaGpus}: gpus × numOfHosts)`,
        fix: `give a ${group} gpus × numOfHosts of ${ranks} or more, or lower the parallel sizes`,
      });
    }
  }
  if (serve?.placement?.strategy === 'STRICT_PACK' && ranks > Math.max(maxGpus, 1)) {
    issues.push({
      prop: `${at}serve.placement.strategy`,
      value: 'STRICT_PACK',
      problem: `puts all ${ranks} engine workers of a replica on one pod, but no ${group} has more than ${maxGpus} GPUs per pod`,
      fix: `use strategy "PACK" or "SPREAD" to let a replica span pods, or give a ${group} more GPUs per pod`,
    });
  }
  const wanted = serve?.acceleratorType;
  const declared = groups.filter((g) => g.acceleratorType !== undefined);
  if (wanted && declared.length > 0 && !declared.some((g) => g.acceleratorType === wanted && g.gpus > 0)) {
    issues.push({
      prop: `${at}serve.acceleratorType`,
      value: wanted,
      problem: `is offered by no ${group} (they declare ${[...new Set(declared.map((g) => g.acceleratorType))].join(', ')}); the replicas would never be scheduled`,
      fix: `set acceleratorType: "${wanted}" on the ${phase ? `${phase} ` : 'GPU '}worker group that has it, or change ${at}serve.acceleratorType`,
    });
  }
  return issues;
}

function containerEnv(r: Resolved): ContainerEnv[] {
  const env: ContainerEnv[] = [];
  if (r.p.hfTokenSecret) {
    env.push({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: r.p.hfTokenSecret.name, key: r.p.hfTokenSecret.key } } });
  }
  return [...env, ...renderEnv(r.p.env)];
}

/** Requests and limits of a head or worker container (the same shape in both generated container types). */
interface ContainerResources {
  readonly limits: Record<string, string>;
  readonly requests: Record<string, string>;
}

function resources(cpu: string, memory: string, gpus: number): ContainerResources {
  const amounts: Record<string, string> = { cpu, memory };
  if (gpus > 0) amounts['nvidia.com/gpu'] = String(gpus);
  return { limits: { ...amounts }, requests: { ...amounts } };
}

function render(r: Resolved): RenderedModel<RayServiceSpec> {
  return {
    spec: renderSpec(r),
    facts: {
      // Ray Serve LLM runs vLLM only (the capability rules reject the other engines).
      engine: 'vllm',
      model: r.model,
      servedModelName: r.modelId,
      // Disaggregated, the decode deployment is the engine that answers requests.
      tensorParallelSize: (r.phases?.decode ?? r).tensorParallelSize,
      // One Ray replica's engine spans tensor × pipeline parallel GPUs when the workers have GPUs.
      gpusPerEngine: r.groups.some((g) => g.gpus > 0) ? ranksOf(r.phases?.decode ?? r) : 0,
      ...(r.p.cache?.descriptor ? { cache: r.p.cache.descriptor } : {}),
    },
  };
}

function renderSpec(r: Resolved): RayServiceSpec {
  const env = containerEnv(r);
  const head = r.p.head ?? {};
  const metricsPort = head.metricsPort ?? DEFAULT_METRICS_PORT;
  const headContainer: RayHeadContainer = {
    name: 'ray-head',
    image: r.image,
    ...(env.length ? { env } : {}),
    ports: [
      { name: 'gcs-server', containerPort: 6379 },
      { name: 'dashboard', containerPort: 8265 },
      { name: 'client', containerPort: 10001 },
      { name: 'serve', containerPort: RAY_SERVE_PORT },
      { name: 'metrics', containerPort: metricsPort },
    ],
    resources: resources(head.cpu ?? '2', head.memory ?? '8Gi', 0),
  };
  const autoscale = r.groups.some((g) => g.minReplicas !== g.maxReplicas);
  const upgradeStrategy = renderUpgradeStrategy(r.p.upgradeStrategy);
  return {
    serveConfigV2: serveConfig(
      r.phases
        ? {
            prefill: { ...r.phases.prefill, model: r.p.cache?.modelPath ?? r.phases.prefill.model },
            decode: { ...r.phases.decode, model: r.p.cache?.modelPath ?? r.phases.decode.model },
          }
        : { ...r, model: r.p.cache?.modelPath ?? r.model, engineKwargs: r.p.engineKwargs, autoscaling: r.p.autoscaling, serve: r.p.serve },
    ),
    rayClusterConfig: {
      rayVersion: r.rayVersion,
      ...(autoscale ? { enableInTreeAutoscaling: true } : {}),
      headGroupSpec: {
        rayStartParams: headStartParams(metricsPort, head.rayStartParams),
        template: patchTemplate(
          { spec: { containers: [headContainer], ...schedulingSpec(head) } },
          r.p.cache && cachePodPatch(r.p.cache, { container: 'ray-head', image: r.image, waitForWeights: false, compilationCache: false }),
          head.podTemplate,
        ),
      },
      workerGroupSpecs: r.groups.map((g): RayWorkerGroupSpec => workerGroupSpec(r, env, g)),
    },
    ...(upgradeStrategy ? { upgradeStrategy } : {}),
  };
}

function workerGroupSpec(r: Resolved, env: readonly ContainerEnv[], g: ResolvedGroup): RayWorkerGroupSpec {
  const shm = sharedMemory(g.sharedMemory, g.gpus);
  const container: RayWorkerContainer = {
    name: 'ray-worker',
    image: r.image,
    ...(env.length ? { env: [...env] } : {}),
    resources: resources(g.cpu, g.memory, g.gpus),
    ...(shm ? { volumeMounts: [{ name: 'shm', mountPath: '/dev/shm' }] } : {}),
  };
  const rayResources = { ...groupRayResources(g.acceleratorType), ...phaseResource(g.phase, g.gpus) };
  return {
    groupName: g.name,
    replicas: g.replicas,
    minReplicas: g.minReplicas,
    maxReplicas: g.maxReplicas,
    ...(g.numOfHosts > 1 ? { numOfHosts: g.numOfHosts } : {}),
    rayStartParams: { ...g.rayStartParams },
    ...(Object.keys(rayResources).length > 0 ? { resources: rayResources } : {}),
    template: patchTemplate(
      {
        spec: {
          containers: [container],
          ...(shm ? { volumes: [{ name: 'shm', emptyDir: { medium: 'Memory', ...shm } }] } : {}),
          ...schedulingSpec(g),
        },
      },
      r.p.cache && cachePodPatch(r.p.cache, { container: 'ray-worker', image: r.image, waitForWeights: true, compilationCache: true }),
      g.podTemplate,
    ),
  };
}
