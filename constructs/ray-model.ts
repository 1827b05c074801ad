import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { z } from 'zod';
import { type Engine, ENGINES } from '../src/runtimes/registry.js';
import { capabilityIssues } from './common/capabilities.js';
import { type ContainerEnv, renderEnv } from './common/env.js';
import { imageIssues } from './common/image.js';
import type { PropIssue } from './common/issues.js';
import { patchTemplate, type PodTemplatePatch } from './common/pod-template.js';
import * as s from './common/schemas.js';
import { type EnvValue, hfTokenIssues, type SecretKeyRef, secretLiteralIssues } from './common/secrets.js';
import { allValid, parseProps, reportIssues } from './common/validation.js';
import { derivedEnvIssues, reservedLabelIssues } from './common/reserved.js';
import { ModelConstruct, type RenderedModel } from './common/model-construct.js';
import type {
  RayServiceSpec,
  RayServiceSpecRayClusterConfigHeadGroupSpecTemplateSpecContainers as RayHeadContainer,
  RayServiceSpecRayClusterConfigWorkerGroupSpecs as RayWorkerGroupSpec,
  RayServiceSpecRayClusterConfigWorkerGroupSpecsTemplateSpecContainers as RayWorkerContainer,
} from '../imports/ray.io.js';

export interface RayWorkerGroup {
  /** Worker group name (`groupName`). */
  readonly name: string;
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
  /** Patch merged into this group's pod template. @default none */
  readonly podTemplate?: PodTemplatePatch;
}

export interface RayHead {
  /** CPU request and limit of the head pod. @default "2" */
  readonly cpu?: string;
  /** Memory request and limit of the head pod. @default "8Gi" */
  readonly memory?: string;
  /** Patch merged into the head pod template. @default none */
  readonly podTemplate?: PodTemplatePatch;
}

export interface RayAutoscaling {
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default minReplicas */
  readonly maxReplicas?: number;
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
  /** Ray Serve LLM runs vLLM only. @default "vllm" */
  readonly engine?: Engine;
  /** vLLM tensor parallel size (`engine_kwargs.tensor_parallel_size`). @default 1 */
  readonly tensorParallelSize?: number;
  /** Extra vLLM engine arguments (`engine_kwargs`). @default none */
  readonly engineKwargs?: Readonly<Record<string, unknown>>;
  /** Serve replica autoscaling of the model deployment. @default { minReplicas: 1, maxReplicas: 1 } */
  readonly autoscaling?: RayAutoscaling;
  /**
   * GPU worker groups.
   * @default one group "gpu" with tensorParallelSize GPUs per pod and min/max replicas of `autoscaling`
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
  /** Extra labels and annotations on the RayService. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export const DEFAULT_RAY_VERSION = '2.52.0';
export const RAY_SERVE_PORT = 8000;

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, { message: 'Fix: use a quantity like "8", "500m" or "32Gi"' });

const workerGroup = z.strictObject({
  name: s.dnsLabel,
  minReplicas: s.nonNegativeInt,
  maxReplicas: s.nonNegativeInt,
  replicas: s.nonNegativeInt.optional(),
  gpus: s.nonNegativeInt.optional(),
  cpu: quantity.optional(),
  memory: quantity.optional(),
  podTemplate: s.podTemplatePatch.optional(),
});

const schema = z.strictObject({
  model: z.string().min(1),
  modelId: z.string().min(1).optional(),
  name: s.dnsLabel.optional(),
  namespace: s.dnsLabel.optional(),
  engine: z.enum(ENGINES as [Engine, ...Engine[]]).optional(),
  tensorParallelSize: s.positiveInt.optional(),
  engineKwargs: z.record(z.string(), z.unknown()).optional(),
  autoscaling: z.strictObject({ minReplicas: s.nonNegativeInt.optional(), maxReplicas: s.positiveInt.optional() }).optional(),
  workerGroups: z.array(workerGroup).min(1).optional(),
  head: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional(), podTemplate: s.podTemplatePatch.optional() }).optional(),
  rayVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: 'Fix: use a Ray version like "2.52.0"' })
    .optional(),
  image: z.string().min(1).optional(),
  hfTokenSecret: s.secretKeyRef.optional(),
  env: s.envMap.optional(),
  labels: s.stringMap.optional(),
  annotations: s.stringMap.optional(),
});

type ParsedProps = z.infer<typeof schema>;

interface ResolvedGroup {
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly replicas: number;
  readonly gpus: number;
  readonly cpu: string;
  readonly memory: string;
  readonly podTemplate?: PodTemplatePatch;
}

interface Resolved {
  readonly name: string;
  readonly namespace: string;
  readonly model: string;
  readonly modelId: string;
  readonly tensorParallelSize: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly groups: readonly ResolvedGroup[];
  readonly rayVersion: string;
  readonly image: string;
  readonly p: ParsedProps;
}

/**
 * A model served by Ray Serve LLM on KubeRay: one RayService (ray.io/v1) whose serveConfigV2
 * runs `ray.serve.llm:build_openai_app` (an OpenAI-compatible vLLM app) on a head group and
 * one or more GPU worker groups.
 */
export class RayModel extends ModelConstruct<RayServiceSpec> {
  declare public readonly runtime: 'kuberay';

  public constructor(scope: Construct, id: string, props: RayModelProps) {
    super(scope, id, 'kuberay', props, (self, name, namespace) => {
      const resolved = resolve(self, props, name, namespace);
      return resolved && render(resolved);
    });
  }
}

function resolve(scope: Construct, props: RayModelProps, name: string, namespace: string): Resolved | undefined {
  const pre: PropIssue[] = [...hfTokenIssues(props?.hfTokenSecret)];
  const parsed = parseProps(schema, { ...props, name, namespace }, pre);
  const issues = [...pre, ...parsed.issues];
  const ok = (...props: string[]): boolean => allValid(parsed, ...props);
  // With problems found by zod, `p` is the props without the invalid ones: rules over valid
  // props still run (and still report), but nothing is rendered.
  const p = parsed.value ?? parsed.partial;
  let resolved: Resolved | undefined;
  if (p) {
    if (ok('engine')) issues.push(...capabilityIssues('kuberay', { engine: p.engine }));
    if (ok('image')) issues.push(...imageIssues('image', p.image));
    if (ok('env')) issues.push(...secretLiteralIssues(p.env, {}));
    if (ok('env', 'hfTokenSecret')) issues.push(...derivedEnvIssues(p.env, { ...(p.hfTokenSecret ? { HF_TOKEN: 'hfTokenSecret' } : {}) }));
    if (ok('labels')) issues.push(...reservedLabelIssues(p.labels));
    const tp = p.tensorParallelSize ?? 1;
    const minReplicas = p.autoscaling?.minReplicas ?? 1;
    const maxReplicas = p.autoscaling?.maxReplicas ?? Math.max(minReplicas, 1);
    if (ok('autoscaling') && minReplicas > maxReplicas) {
      issues.push({
        prop: 'autoscaling.minReplicas',
        value: minReplicas,
        problem: `is larger than autoscaling.maxReplicas (${maxReplicas})`,
        fix: 'make minReplicas at most maxReplicas',
      });
    }
    const groups = (p.workerGroups ?? [{ name: 'gpu', minReplicas, maxReplicas }]).map((g): ResolvedGroup => ({
      name: g.name,
      minReplicas: g.minReplicas,
      maxReplicas: g.maxReplicas,
      replicas: g.replicas ?? g.minReplicas,
      gpus: g.gpus ?? tp,
      cpu: g.cpu ?? '8',
      memory: g.memory ?? '32Gi',
      podTemplate: g.podTemplate,
    }));
    // The default group copies autoscaling, whose problems are reported above under their own name.
    if (p.workerGroups && ok('workerGroups', 'tensorParallelSize')) issues.push(...groupIssues(groups, tp));
    const rayVersion = p.rayVersion ?? DEFAULT_RAY_VERSION;
    resolved = {
      name,
      namespace,
      model: p.model,
      modelId: p.modelId ?? p.model,
      tensorParallelSize: tp,
      minReplicas,
      maxReplicas,
      groups,
      rayVersion,
      image: p.image ?? `rayproject/ray-llm:${rayVersion}-py311-cu128`,
      p,
    };
  }
  reportIssues(scope, issues);
  return issues.length === 0 && parsed.value ? resolved : undefined;
}

function groupIssues(groups: readonly ResolvedGroup[], tp: number): PropIssue[] {
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
  });
  const maxGpus = Math.max(...groups.map((g) => g.gpus));
  // Groups without GPUs run CPU-only workers (one rank); otherwise every rank needs its own GPU.
  if (tp > Math.max(maxGpus, 1)) {
    issues.push({
      prop: 'tensorParallelSize',
      value: tp,
      problem: `is larger than the GPUs of any worker group (at most ${maxGpus} per pod); each tensor-parallel rank needs its own GPU`,
      fix: `give a worker group gpus: ${tp} or more, or lower tensorParallelSize`,
    });
  }
  return issues;
}

/** The Ray Serve LLM application, as the YAML string RayService's serveConfigV2 holds. */
export function serveConfig(
  r: Pick<Resolved, 'modelId' | 'model' | 'tensorParallelSize' | 'minReplicas' | 'maxReplicas'> & {
    readonly engineKwargs?: Readonly<Record<string, unknown>>;
  },
): string {
  const config = {
    applications: [
      {
        name: 'llm',
        import_path: 'ray.serve.llm:build_openai_app',
        route_prefix: '/',
        args: {
          llm_configs: [
            {
              model_loading_config: { model_id: r.modelId, model_source: r.model },
              engine_kwargs: { ...r.engineKwargs, tensor_parallel_size: r.tensorParallelSize },
              deployment_config: {
                autoscaling_config: { min_replicas: r.minReplicas, max_replicas: r.maxReplicas },
              },
            },
          ],
        },
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
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
      tensorParallelSize: r.tensorParallelSize,
      // One Ray replica's engine spans tensorParallelSize GPUs when the workers have GPUs.
      gpusPerEngine: r.groups.some((g) => g.gpus > 0) ? r.tensorParallelSize : 0,
    },
  };
}

function renderSpec(r: Resolved): RayServiceSpec {
  const env = containerEnv(r);
  const head = r.p.head ?? {};
  const headContainer: RayHeadContainer = {
    name: 'ray-head',
    image: r.image,
    ...(env.length ? { env } : {}),
    ports: [
      { name: 'gcs-server', containerPort: 6379 },
      { name: 'dashboard', containerPort: 8265 },
      { name: 'client', containerPort: 10001 },
      { name: 'serve', containerPort: RAY_SERVE_PORT },
    ],
    resources: resources(head.cpu ?? '2', head.memory ?? '8Gi', 0),
  };
  const autoscale = r.groups.some((g) => g.minReplicas !== g.maxReplicas);
  return {
    serveConfigV2: serveConfig({ ...r, engineKwargs: r.p.engineKwargs }),
    rayClusterConfig: {
      rayVersion: r.rayVersion,
      ...(autoscale ? { enableInTreeAutoscaling: true } : {}),
      headGroupSpec: {
        rayStartParams: { 'dashboard-host': '0.0.0.0' },
        template: patchTemplate({ spec: { containers: [headContainer] } }, head.podTemplate),
      },
      workerGroupSpecs: r.groups.map((g): RayWorkerGroupSpec => ({
        groupName: g.name,
        replicas: g.replicas,
        minReplicas: g.minReplicas,
        maxReplicas: g.maxReplicas,
        rayStartParams: {},
        template: patchTemplate(
          {
            spec: {
              containers: [workerContainer(r, env, g)],
            },
          },
          g.podTemplate,
        ),
      })),
    },
  };
}

function workerContainer(r: Resolved, env: readonly ContainerEnv[], g: ResolvedGroup): RayWorkerContainer {
  return { name: 'ray-worker', image: r.image, ...(env.length ? { env: [...env] } : {}), resources: resources(g.cpu, g.memory, g.gpus) };
}
