import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { RUNTIME_LABEL } from '../src/model/labels.js';
import { type Engine, ENGINES, runtimeInfo } from '../src/runtimes/registry.js';
import { capabilityIssues, type RouterMode, type ServingMode } from './common/capabilities.js';
import { imageIssues } from './common/image.js';
import type { PropIssue } from './common/issues.js';
import { patchTemplate, type PodTemplatePatch } from './common/pod-template.js';
import * as s from './common/schemas.js';
import { metricsIssues, metricsSchema, type ModelMetricsProps, renderMetricsMonitor } from './common/metrics.js';
import { type EnvValue, hfTokenIssues, type SecretKeyRef, secretLiteralIssues } from './common/secrets.js';
import { allValid, parseProps, reportIssues } from './common/validation.js';
import { derivedEnvIssues, reservedLabelIssues } from './common/reserved.js';
import { ModelConstruct, type RenderedModel } from './common/model-construct.js';
import { renderEnv, type ContainerEnv } from './common/env.js';
import { modelIdIssues } from './common/model-id.js';
import { ModelStack } from './model-stack.js';
import { CACHE_ENV, cachePodPatch, cacheSchema, cacheUseIssues, dependOnCache } from './cache/cache-use.js';
import type { ModelCache } from './cache/model-cache.js';
import { argCollisionIssues, type OwnedFlag, podTemplateCollisionIssues } from './dynamo/collisions.js';
import {
  ENGINE_CONFIG_DIR,
  ENGINE_CONFIG_FILE,
  ENGINE_CONFIG_VOLUME,
  resolveTrtllmConfig,
  trtllmConfigIssues,
  trtllmConfigYaml,
} from './dynamo/engine-config.js';
import { type DynamoPodSettings, type DynamoRoles, type DynamoWorkerSettings, rolesSchema, type TrtllmEngineConfig } from './dynamo/role-settings.js';
import { type DynamoEppSettings, eppIssues, eppSchema, renderEppConfig } from './dynamo/epp.js';
import { defaultPlannerImage, type DynamoPlannerSettings, plannerConfigJson, plannerIssues, plannerSchema } from './dynamo/planner.js';
import type { WorkerRole } from '../src/engines/engine.js';
import { engineFor } from '../src/engines/index.js';
import type {
  DynamoGraphDeploymentSpec,
  DynamoGraphDeploymentSpecComponents as DynamoComponent,
  DynamoGraphDeploymentSpecComponentsPodTemplate as DynamoPodTemplate,
  DynamoGraphDeploymentSpecComponentsPodTemplateSpecContainers as DynamoContainer,
} from '../imports/nvidia.com.js';

/** Roles of a Dynamo graph's components. */
export type DynamoComponentRole = 'frontend' | WorkerRole;

export interface DynamoReplicas {
  /** @default 1 */
  readonly frontend?: number;
  /** Aggregated workers (mode "aggregated"). @default 1 */
  readonly worker?: number;
  /** Prefill workers (mode "disaggregated"). @default 1 */
  readonly prefill?: number;
  /** Decode workers (mode "disaggregated"). @default 1 */
  readonly decode?: number;
}

export interface DynamoModelProps {
  /** Model to serve, as a Hugging Face id (e.g. "Qwen/Qwen3-0.6B") or a path inside the image. */
  readonly model: string;
  /**
   * Hugging Face revision of `model` to load: a commit hash (pins the exact weights), a tag or a
   * branch. Written with the engine's revision flag (vLLM and SGLang: `--revision`); TensorRT-LLM
   * workers have none, so a revision with engine "trtllm" is refused. Only for Hugging Face ids.
   * @default the repository's default branch, as the Hub serves it at start-up
   */
  readonly modelRevision?: string;
  /**
   * Name the model is served under (the OpenAI `model` field).
   * @default the value of `model`
   */
  readonly servedModelName?: string;
  /**
   * Name of the DynamoGraphDeployment.
   * @default the construct id, folded to a DNS-1123 label
   */
  readonly name?: string;
  /**
   * Namespace of the DynamoGraphDeployment.
   * @default the stack's namespace
   */
  readonly namespace?: string;
  /** @default "vllm" */
  readonly engine?: Engine;
  /**
   * "aggregated": frontend + workers that prefill and decode; "disaggregated": frontend +
   * prefill workers + decode workers exchanging KV cache over NIXL.
   * @default "aggregated"
   */
  readonly mode?: ServingMode;
  /**
   * How the frontend picks a worker: "round-robin", or "kv" (KV-cache-aware; workers publish KV events).
   * @default "round-robin"
   */
  readonly router?: RouterMode;
  /** Replicas per component. @default 1 each */
  readonly replicas?: DynamoReplicas;
  /**
   * Tensor parallel size of each worker.
   * @default 1
   */
  readonly tensorParallelSize?: number;
  /**
   * Pipeline parallel size of each worker (stages of the model's layers, one per group of
   * tensor-parallel ranks).
   * @default 1
   */
  readonly pipelineParallelSize?: number;
  /**
   * GPUs per worker pod (`nvidia.com/gpu` limit on the `main` container); with `multinode`, GPUs
   * per node. On one node it must be at least tensorParallelSize × pipelineParallelSize; with
   * multinode, gpusPerWorker × multinode.nodeCount must equal it. 0 runs CPU-only workers
   * (vLLM and SGLang images built for CPUs; TensorRT-LLM needs GPUs).
   * @default tensorParallelSize × pipelineParallelSize, divided by multinode.nodeCount
   */
  readonly gpusPerWorker?: number;
  /**
   * Spread each worker over several nodes (the components' `multinode.nodeCount`): one leader
   * pod and nodeCount - 1 worker pods per replica, each with gpusPerWorker GPUs. The Dynamo
   * operator adds the engine's distributed flags itself (Ray for vLLM, --dist-init-addr /
   * --nnodes / --node-rank for SGLang, mpirun for TensorRT-LLM).
   * @default none (each worker is one pod)
   */
  readonly multinode?: { readonly nodeCount: number };
  /**
   * Settings per role: extra args, env, TensorRT-LLM engine config, node placement, volumes,
   * shared memory and probe budgets. Roles the mode does not have may not be set.
   * @default none
   */
  readonly roles?: DynamoRoles;
  /**
   * Add the Dynamo Planner (a `type: planner` component) that scales the workers at runtime, with
   * these settings. It needs Prometheus scraping the frontend (kube-prometheus-stack). The
   * planner owns the workers' replica counts: they are not rendered (the operator starts each
   * worker role with 1), so applying the stack again never resets what the planner scaled, and
   * `replicas` may not set worker roles (the frontend's stays yours).
   * @default no planner
   */
  readonly planner?: DynamoPlannerSettings;
  /**
   * Add a Gateway API Inference Extension endpoint picker (a `type: epp` component, at most one
   * per graph), with its image and EndpointPickerConfig. The cluster needs the Inference
   * Extension's CRDs (the operator creates the InferencePool).
   * @default no endpoint picker
   */
  readonly epp?: DynamoEppSettings;
  /**
   * A Secret whose every key becomes an environment variable of every component (`envFrom`),
   * e.g. a Secret holding HF_TOKEN: an alternative to hfTokenSecret.
   * @default none
   */
  readonly envFromSecret?: string;
  /**
   * Dynamo runtime version; selects the default image tag.
   * @default the runtime registry's pinned Dynamo version ("1.4.0")
   */
  readonly runtimeVersion?: string;
  /**
   * Runtime image for every component. Must be pinned (a tag other than latest, or a digest).
   * @default "nvcr.io/nvidia/ai-dynamo/<engine>-runtime:<runtimeVersion>"
   */
  readonly image?: string;
  /**
   * Secret key holding the Hugging Face token, exposed to the workers and the frontend (which
   * loads the model's tokenizer) as HF_TOKEN.
   * @default none (public models only)
   */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Extra environment for every component. @default none */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /**
   * Weights downloaded once into a volume (a ModelCache of this model, in this namespace): every
   * component mounts it read-only, workers load the pinned revision from it and wait for its download.
   * @default none (each worker downloads the model itself)
   */
  readonly cache?: ModelCache;
  /**
   * Extra arguments appended to every worker's command line (before roles.<role>.args). A flag
   * modelstack writes (the model, the parallel sizes, the mode's and router's flags) is refused:
   * set its prop instead.
   * @default none
   */
  readonly workerArgs?: readonly string[];
  /** Extra arguments appended to the frontend's command line (before roles.frontend.args). @default none */
  readonly frontendArgs?: readonly string[];
  /**
   * Pod template patches per role ("all" applies to every component first), for fields
   * modelstack does not model. See PodTemplatePatch for the merge rules. A patch may not set the
   * main container's command or args, an env variable or GPU count modelstack writes, nor a pod
   * field a roles setting sets too.
   * @default none
   */
  readonly podTemplate?: Partial<Record<DynamoComponentRole | 'all', PodTemplatePatch>>;
  /** Extra labels and annotations on the DynamoGraphDeployment. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Scrape objects for Prometheus: `{ podMonitor: true }` renders a prometheus-operator
   * PodMonitor selecting the graph's pods (labels nvidia.com/dynamo-graph-deployment-name and
   * nvidia.com/metrics-enabled) on the frontend's "http" and the workers' "system" ports, /metrics.
   * @default none
   */
  readonly metrics?: ModelMetricsProps;
}

const schema = z.strictObject({
  model: z.string().min(1),
  modelRevision: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/, {
      message: 'is not a revision (a commit hash, tag or branch of letters, digits, ".", "_", "-" and "/"). Fix: use a commit hash or a tag',
    })
    .optional(),
  servedModelName: z.string().min(1).optional(),
  name: s.dnsLabel.optional(),
  namespace: s.dnsLabel.optional(),
  engine: z.enum(ENGINES as [Engine, ...Engine[]]).optional(),
  mode: z.enum(['aggregated', 'disaggregated']).optional(),
  router: z.enum(['round-robin', 'kv']).optional(),
  replicas: z
    .strictObject({
      frontend: s.nonNegativeInt.optional(),
      worker: s.nonNegativeInt.optional(),
      prefill: s.nonNegativeInt.optional(),
      decode: s.nonNegativeInt.optional(),
    })
    .optional(),
  tensorParallelSize: s.positiveInt.optional(),
  pipelineParallelSize: s.positiveInt.optional(),
  gpusPerWorker: s.nonNegativeInt.optional(),
  multinode: z
    .strictObject({
      nodeCount: z
        .number()
        .int()
        .refine((n) => n >= 2, {
          message: 'is below 2, and the DGD CRD (1.4.0) requires multinode.nodeCount >= 2. Fix: remove multinode to run each worker on one node',
        }),
    })
    .optional(),
  roles: rolesSchema.optional(),
  planner: plannerSchema.optional(),
  epp: eppSchema.optional(),
  envFromSecret: s.dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)).optional(),
  runtimeVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+([-.][0-9A-Za-z.]+)?$/, { message: 'Fix: use a version like "1.4.0"' })
    .optional(),
  image: z.string().min(1).optional(),
  hfTokenSecret: s.secretKeyRef.optional(),
  env: s.envMap.optional(),
  workerArgs: s.args.optional(),
  frontendArgs: s.args.optional(),
  podTemplate: z
    .strictObject({
      all: s.podTemplatePatch.optional(),
      frontend: s.podTemplatePatch.optional(),
      worker: s.podTemplatePatch.optional(),
      prefill: s.podTemplatePatch.optional(),
      decode: s.podTemplatePatch.optional(),
    })
    .optional(),
  labels: s.stringMap.optional(),
  annotations: s.stringMap.optional(),
  cache: cacheSchema.optional(),
  metrics: metricsSchema.optional(),
});

/** Props with every default resolved: what rendering works from. */
interface Resolved {
  readonly name: string;
  readonly namespace: string;
  readonly model: string;
  readonly revision: string | undefined;
  readonly servedModelName: string;
  readonly engine: Engine;
  readonly mode: ServingMode;
  readonly router: RouterMode;
  readonly replicas: Required<DynamoReplicas>;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize: number;
  readonly gpusPerWorker: number;
  readonly nodeCount: number;
  readonly image: string;
  /** Image of the planner component, when there is one. */
  readonly plannerImage: string;
  /** Each worker role's TensorRT-LLM config, defaults merged in. */
  readonly trtllmConfigs: Partial<Record<WorkerRole, TrtllmEngineConfig>>;
  readonly cache?: ModelCache;
  readonly props: DynamoModelProps;
}

export const DYNAMO_FRONTEND_PORT = 8000;

/**
 * A model served by NVIDIA Dynamo: one DynamoGraphDeployment (nvidia.com/v1beta1) with a
 * frontend and aggregated workers, or prefill and decode workers; plus one ConfigMap per worker
 * role that has an engine config file (TensorRT-LLM).
 */
export class DynamoModel extends ModelConstruct<DynamoGraphDeploymentSpec> {
  declare public readonly runtime: 'dynamo';

  public constructor(scope: Construct, id: string, props: DynamoModelProps) {
    let resolved: Resolved | undefined;
    super(scope, id, 'dynamo', props, (self, name, namespace) => {
      resolved = resolve(self, props, name, namespace);
      return resolved && render(resolved);
    });
    if (resolved && this.apiObject) renderEngineConfigMaps(this, this.apiObject, resolved);
    if (this.apiObject) renderMetricsMonitor(this, { runtime: 'dynamo', name: this.name, namespace: this.namespace, metrics: props.metrics });
    dependOnCache(this, resolved?.cache);
  }
}

const WORKER_ROLES: readonly WorkerRole[] = ['worker', 'prefill', 'decode'];

function rolesOf(mode: ServingMode): WorkerRole[] {
  return mode === 'aggregated' ? ['worker'] : ['prefill', 'decode'];
}

function resolve(scope: Construct, props: DynamoModelProps, name: string, namespace: string): Resolved | undefined {
  const pre: PropIssue[] = [...hfTokenIssues(props?.hfTokenSecret)];
  const parsed = parseProps(schema, { ...props, name, namespace }, pre);
  const issues = [...pre, ...parsed.issues];
  const ok = (...props: string[]): boolean => allValid(parsed, ...props);
  const c = parsed.value ?? parsed.partial;
  let cacheBlocked = false;
  if (c && ok('metrics')) issues.push(...metricsIssues('dynamo', c.metrics));
  if (c) {
    const engine = c.engine ?? 'vllm';
    const mode = c.mode ?? 'aggregated';
    const roles = c.roles as DynamoRoles | undefined;
    if (ok('model')) issues.push(...modelIdIssues('model', c.model, [], 'workerArgs'));
    if (ok('model', 'modelRevision', 'engine')) issues.push(...revisionIssues(c.modelRevision, c.model, engine));
    if (ok('engine', 'router', 'mode')) issues.push(...capabilityIssues('dynamo', { engine, router: c.router, mode: c.mode }));
    if (ok('engine', 'tensorParallelSize', 'pipelineParallelSize', 'gpusPerWorker', 'multinode')) {
      issues.push(...gpuIssues(engine, c.tensorParallelSize ?? 1, c.pipelineParallelSize ?? 1, c.gpusPerWorker, c.multinode?.nodeCount));
    }
    if (ok('replicas') && c.replicas?.frontend === 0) {
      issues.push({
        prop: 'replicas.frontend',
        value: 0,
        problem: 'leaves the model without a frontend, so nothing serves its OpenAI endpoint',
        fix: 'use at least 1 frontend replica (scale workers to 0 to pause the model)',
      });
    }
    if (ok('image')) issues.push(...imageIssues('image', c.image));
    if (ok('planner', 'mode') && c.planner) {
      issues.push(...plannerIssues(c.planner, mode), ...imageIssues('planner.image', c.planner.image));
    }
    if (ok('planner', 'replicas', 'mode') && c.planner) issues.push(...plannerReplicaIssues(c.replicas, mode));
    if (ok('epp', 'hfTokenSecret') && c.epp) {
      const epp = c.epp as DynamoEppSettings;
      issues.push(...eppIssues(epp), ...imageIssues('epp.image', epp.image));
      issues.push(...secretLiteralIssues(epp.env, {}).map((i) => ({ ...i, prop: `epp.${i.prop}` })));
      const eppDerived = { ...(c.hfTokenSecret ? { HF_TOKEN: 'hfTokenSecret' } : {}), DYN_MODEL_NAME: 'model' };
      issues.push(...derivedEnvIssues(epp.env, eppDerived).map((i) => ({ ...i, prop: `epp.${i.prop}` })));
    }
    if (ok('env', 'workerArgs', 'frontendArgs', 'roles')) {
      const args: Record<string, readonly string[] | undefined> = { workerArgs: c.workerArgs, frontendArgs: c.frontendArgs };
      for (const role of ['frontend', ...WORKER_ROLES] as const) args[`roles.${role}.args`] = roles?.[role]?.args;
      issues.push(...secretLiteralIssues(c.env, args));
      for (const role of ['frontend', ...WORKER_ROLES] as const) {
        issues.push(...secretLiteralIssues(roles?.[role]?.env, {}).map((i) => ({ ...i, prop: `roles.${role}.${i.prop}` })));
      }
    }
    const derived = { ...(c.hfTokenSecret ? { HF_TOKEN: 'hfTokenSecret' } : {}), DYN_ROUTER_MODE: 'router', ...(c.cache ? CACHE_ENV : {}) };
    if (ok('cache', 'model', 'engine')) {
      const use = cacheUseIssues(c.cache, { model: c.model, namespace, engine, ...(c.modelRevision !== undefined ? { revision: c.modelRevision } : {}) });
      issues.push(...use.issues);
      if (use.blocked) cacheBlocked = true;
    }
    if (ok('env', 'hfTokenSecret')) issues.push(...derivedEnvIssues(c.env, derived));
    if (ok('roles', 'hfTokenSecret')) {
      for (const role of ['frontend', ...WORKER_ROLES] as const) {
        issues.push(...derivedEnvIssues(roles?.[role]?.env, derived).map((i) => ({ ...i, prop: `roles.${role}.${i.prop}` })));
      }
    }
    if (ok('hfTokenSecret', 'envFromSecret') && c.hfTokenSecret && c.envFromSecret !== undefined) {
      issues.push({
        prop: 'envFromSecret',
        value: c.envFromSecret,
        problem: 'is set next to hfTokenSecret; HF_TOKEN would come from two Secrets and the env entry would silently win',
        fix: 'use one of them: hfTokenSecret for one key, or envFromSecret for a whole Secret',
      });
    }
    if (ok('labels')) issues.push(...reservedLabelIssues(c.labels));
    if (ok('mode', 'replicas', 'podTemplate', 'roles')) issues.push(...roleIssues(mode, c.replicas, c.podTemplate, roles));
    if (ok('engine', 'mode', 'router', 'multinode', 'workerArgs', 'frontendArgs', 'roles', 'pipelineParallelSize')) {
      const workerFlags = ownedWorkerFlags(engine, c.router ?? 'round-robin', mode, c.multinode !== undefined);
      issues.push(...argCollisionIssues('workerArgs', c.workerArgs, workerFlags));
      for (const role of WORKER_ROLES) issues.push(...argCollisionIssues(`roles.${role}.args`, roles?.[role]?.args, workerFlags));
      issues.push(...argCollisionIssues('frontendArgs', c.frontendArgs, FRONTEND_FLAGS));
      issues.push(...argCollisionIssues('roles.frontend.args', roles?.frontend?.args, FRONTEND_FLAGS));
    }
    if (ok('engine', 'mode', 'roles', 'tensorParallelSize', 'pipelineParallelSize')) {
      issues.push(...roleSettingIssues(engine, mode, roles, (c.tensorParallelSize ?? 1) * (c.pipelineParallelSize ?? 1)));
    }
    if (ok('podTemplate', 'roles', 'hfTokenSecret', 'router', 'gpusPerWorker')) {
      const env = { ...(c.hfTokenSecret ? { HF_TOKEN: 'hfTokenSecret' } : {}), ...(c.router === 'kv' ? { DYN_ROUTER_MODE: 'router' } : {}) };
      for (const key of ['all', 'frontend', ...WORKER_ROLES] as const) {
        const isWorker = key !== 'frontend' && key !== 'all';
        const typed = (field: keyof DynamoPodSettings): string | undefined => {
          const targets = key === 'all' ? (['frontend', ...WORKER_ROLES] as const) : [key];
          const hit = targets.find((r) => roles?.[r]?.[field] !== undefined);
          return hit ? `roles.${hit}.${field}` : undefined;
        };
        issues.push(
          ...podTemplateCollisionIssues(
            `podTemplate.${key}`,
            c.podTemplate?.[key],
            {
              argsProp: key === 'frontend' ? 'frontendArgs' : key === 'all' ? 'workerArgs / frontendArgs' : 'workerArgs',
              env,
              gpus: isWorker || key === 'all',
            },
            { nodeSelector: typed('nodeSelector'), tolerations: typed('tolerations'), affinity: typed('affinity') },
          ),
        );
      }
    }
  }
  const p = parsed.value;
  reportIssues(scope, issues);
  if (!p || issues.length > 0 || cacheBlocked) return undefined;

  const engine = p.engine ?? 'vllm';
  const mode = p.mode ?? 'aggregated';
  const tensorParallelSize = p.tensorParallelSize ?? 1;
  const pipelineParallelSize = p.pipelineParallelSize ?? 1;
  const nodeCount = p.multinode?.nodeCount ?? 1;
  const version = p.runtimeVersion ?? runtimeInfo('dynamo').defaultOperatorVersion;
  const trtllmConfigs: Partial<Record<WorkerRole, TrtllmEngineConfig>> = {};
  if (engine === 'trtllm') {
    for (const role of rolesOf(mode)) {
      const config = resolveTrtllmConfig(role, (p.roles as DynamoRoles | undefined)?.[role]?.trtllmConfig);
      if (config) trtllmConfigs[role] = config;
    }
  }
  return {
    name,
    namespace,
    model: p.model,
    revision: p.modelRevision,
    servedModelName: p.servedModelName ?? p.model,
    engine,
    mode,
    router: p.router ?? 'round-robin',
    replicas: {
      frontend: p.replicas?.frontend ?? 1,
      worker: p.replicas?.worker ?? 1,
      prefill: p.replicas?.prefill ?? 1,
      decode: p.replicas?.decode ?? 1,
    },
    tensorParallelSize,
    pipelineParallelSize,
    gpusPerWorker: p.gpusPerWorker ?? (tensorParallelSize * pipelineParallelSize) / nodeCount,
    nodeCount,
    image: p.image ?? defaultDynamoImage(engine, version),
    plannerImage: p.planner?.image ?? defaultPlannerImage(version),
    trtllmConfigs,
    ...(p.cache ? { cache: p.cache } : {}),
    props,
  };
}

/**
 * The GPU rules: every rank (tensorParallelSize × pipelineParallelSize of them) needs its own
 * GPU. On one node the pod needs at least that many; spread over nodes, the nodes' GPUs must
 * add up to exactly that (the Dynamo multinode guide: the parallel sizes must match
 * multinode.nodeCount × GPUs per node). gpusPerWorker 0 runs one CPU rank (vLLM, SGLang only).
 */
function gpuIssues(engine: Engine, tp: number, pp: number, gpusGiven: number | undefined, nodeCount: number | undefined): PropIssue[] {
  const ranks = tp * pp;
  const ranksText = pp === 1 ? `tensorParallelSize (${tp})` : `tensorParallelSize × pipelineParallelSize (${tp} × ${pp} = ${ranks})`;
  if (gpusGiven === 0 && engine === 'trtllm') {
    return [
      {
        prop: 'gpusPerWorker',
        value: 0,
        problem: 'leaves TensorRT-LLM workers without a GPU; TensorRT-LLM runs on NVIDIA GPUs only',
        fix: `give each worker GPUs (gpusPerWorker: ${ranks}), or use engine: "vllm" or "sglang" with a CPU image`,
      },
    ];
  }
  if (nodeCount === undefined) {
    const gpus = gpusGiven ?? ranks;
    if (ranks <= Math.max(gpus, 1)) return [];
    if (pp === 1) {
      return [
        {
          prop: 'tensorParallelSize',
          value: tp,
          problem: `is larger than gpusPerWorker (${gpus}); each tensor-parallel rank needs its own GPU`,
          fix: `set gpusPerWorker to at least ${tp}, or lower tensorParallelSize`,
        },
      ];
    }
    return [
      {
        prop: 'pipelineParallelSize',
        value: pp,
        problem: `makes ${ranksText} ranks, more than gpusPerWorker (${gpus}); each rank needs its own GPU`,
        fix: `set gpusPerWorker to at least ${ranks}, lower the parallel sizes, or spread the worker over nodes with multinode`,
      },
    ];
  }
  if (gpusGiven === 0) {
    return [
      {
        prop: 'gpusPerWorker',
        value: 0,
        problem: "leaves a multinode worker without GPUs; a worker spread over nodes runs its ranks on the nodes' GPUs",
        fix: 'set gpusPerWorker to the GPUs of each node, or remove multinode',
      },
    ];
  }
  if (gpusGiven === undefined) {
    if (ranks % nodeCount === 0) return [];
    return [
      {
        prop: 'multinode.nodeCount',
        value: nodeCount,
        problem: `does not divide ${ranksText} ranks evenly across nodes`,
        fix: `use a nodeCount that divides ${ranks}, or set the parallel sizes to nodeCount × GPUs per node`,
      },
    ];
  }
  if (ranks === gpusGiven * nodeCount) return [];
  return [
    {
      prop: 'multinode.nodeCount',
      value: nodeCount,
      problem: `× gpusPerWorker (${gpusGiven}) gives ${gpusGiven * nodeCount} GPUs, but ${ranksText} needs exactly ${ranks}`,
      fix: `make tensorParallelSize × pipelineParallelSize equal gpusPerWorker × multinode.nodeCount (e.g. tensorParallelSize: ${gpusGiven * nodeCount})`,
    },
  ];
}

/** The frontend flag modelstack writes (its port is what the frontend Service and local runs use). */
const FRONTEND_FLAGS: readonly OwnedFlag[] = [
  { spellings: ['--http-port'], owner: `the frontend port (${DYNAMO_FRONTEND_PORT})`, fix: 'remove it; the frontend listens on the port modelstack exposes' },
];

/** Which prop each worker flag comes from, by the flag an engine writes. */
const FLAG_OWNERS: Readonly<Record<string, string>> = {
  '--model': 'model',
  '--model-path': 'model',
  '--served-model-name': 'servedModelName',
  '--tensor-parallel-size': 'tensorParallelSize',
  '--tp': 'tensorParallelSize',
  '--pipeline-parallel-size': 'pipelineParallelSize',
  '--pp-size': 'pipelineParallelSize',
  '--disaggregation-mode': 'mode',
  '--kv-transfer-config': 'mode',
  '--disaggregation-transfer-backend': 'mode',
  '--disaggregation-bootstrap-port': 'mode',
  '--kv-events-config': 'router',
  '--publish-events-and-metrics': 'router',
  '--extra-engine-args': 'roles.<role>.trtllmConfig',
  '--revision': 'modelRevision',
};

/** A revision needs a Hugging Face id to apply to, and an engine that can select it. */
function revisionIssues(revision: string | undefined, model: string, engine: Engine): PropIssue[] {
  if (revision === undefined) return [];
  if (model.startsWith('/') || model.startsWith('./') || model.startsWith('../')) {
    return [
      {
        prop: 'modelRevision',
        value: revision,
        problem: `applies to Hugging Face ids only, and model "${model}" is a path: the files there are what the engine loads`,
        fix: 'remove it, or set model to the Hugging Face id the revision belongs to',
      },
    ];
  }
  if (engineFor(engine).revisionFlag !== undefined) return [];
  return [
    {
      prop: 'modelRevision',
      value: revision,
      problem: `cannot be passed to engine "${engine}": its Dynamo worker has no revision flag for text models, so the default branch would load silently`,
      fix: 'remove it and bake the pinned weights into the image or a volume (set model to their path), or use engine "vllm" or "sglang"',
    },
  ];
}

/**
 * The worker flags user args may not set: those the engine writes for this model (whatever their
 * values) and, for multinode, those the Dynamo operator adds.
 */
function ownedWorkerFlags(engine: Engine, router: RouterMode, mode: ServingMode, multinode: boolean): OwnedFlag[] {
  const impl = engineFor(engine);
  const written = new Set<string>();
  for (const role of rolesOf(mode)) {
    const cmd = impl.workerCommand({
      role,
      model: 'm',
      servedModelName: 'm',
      tensorParallelSize: 1,
      pipelineParallelSize: 2,
      kvEvents: router === 'kv',
      ...(impl.engineConfigFlag ? { engineConfigPath: 'f' } : {}),
      ...(impl.revisionFlag ? { revision: 'r' } : {}),
    });
    for (const arg of cmd.args) if (arg.startsWith('--')) written.add(arg);
  }
  const owned: OwnedFlag[] = [];
  for (const flag of written) {
    const owner = FLAG_OWNERS[flag] ?? 'its props';
    const fix =
      owner === 'roles.<role>.trtllmConfig'
        ? 'remove it; set the engine options with roles.<role>.trtllmConfig'
        : `remove it and set ${owner}${owner === 'pipelineParallelSize' ? ' (the flag is written when it is above 1)' : ''}`;
    owned.push({ spellings: impl.workerFlagSpellings[flag] ?? [flag], owner, fix });
  }
  if (multinode) {
    for (const flag of impl.multinodeOperatorFlags) {
      owned.push({ spellings: [flag], owner: 'the Dynamo operator (multinode)', fix: 'remove it; the operator sets it on every node of a multinode worker' });
    }
  }
  return owned;
}

/** Rules of the per-role settings that involve the engine, the mode and the parallel sizes. */
function roleSettingIssues(engine: Engine, mode: ServingMode, roles: DynamoRoles | undefined, ranks: number): PropIssue[] {
  const issues: PropIssue[] = [];
  for (const role of ['frontend', ...WORKER_ROLES] as const) {
    const settings = roles?.[role];
    if (!settings) continue;
    const prefix = `roles.${role}`;
    if (role !== 'frontend' && settings.sharedMemorySize !== undefined && ranks > 1 && /^0*(\.0*)?[A-Za-z]*$/.test(settings.sharedMemorySize)) {
      issues.push({
        prop: `${prefix}.sharedMemorySize`,
        value: settings.sharedMemorySize,
        problem: `removes /dev/shm from workers with ${ranks} ranks; NCCL exchanges data between ranks through it`,
        fix: 'remove it (the operator mounts 8Gi), or set a size like "16Gi"',
      });
    }
    const volumes = settings.volumes ?? [];
    volumes.forEach((v, i) => {
      if (v.name === ENGINE_CONFIG_VOLUME) {
        issues.push({
          prop: `${prefix}.volumes[${i}].name`,
          value: v.name,
          problem: 'is the volume modelstack mounts the engine config from',
          fix: 'use another name',
        });
      } else if (volumes.findIndex((w) => w.name === v.name) !== i) {
        issues.push({
          prop: `${prefix}.volumes[${i}].name`,
          value: v.name,
          problem: 'is the name of an earlier volume of the role',
          fix: 'give every volume its own name',
        });
      }
    });
    (settings.volumeMounts ?? []).forEach((m, i) => {
      if (m.mountPath === ENGINE_CONFIG_DIR || m.name === ENGINE_CONFIG_VOLUME) {
        issues.push({
          prop: `${prefix}.volumeMounts[${i}]`,
          value: { name: m.name, mountPath: m.mountPath },
          problem: `collides with the engine config modelstack mounts (${ENGINE_CONFIG_VOLUME} at ${ENGINE_CONFIG_DIR})`,
          fix: 'use another volume name and mount path',
        });
      }
    });
    if (role === 'frontend') continue;
    const worker = settings as DynamoWorkerSettings;
    if (worker.trtllmConfig !== undefined && engine !== 'trtllm') {
      issues.push({
        prop: `${prefix}.trtllmConfig`,
        value: worker.trtllmConfig,
        problem: `applies to engine "trtllm" only (engine is "${engine}")`,
        fix: `remove it and pass ${engine} options with ${prefix}.args, or set engine: "trtllm"`,
      });
    } else if (engine === 'trtllm' && rolesOf(mode).includes(role)) {
      const resolved = resolveTrtllmConfig(role, worker.trtllmConfig);
      if (resolved) issues.push(...trtllmConfigIssues(`${prefix}.trtllmConfig`, role, resolved));
    }
  }
  return issues;
}

/** Replica counts, pod patches or role settings for roles the chosen mode does not have are mistakes. */
function roleIssues(
  mode: ServingMode,
  replicas: DynamoReplicas | undefined,
  podTemplate: Record<string, unknown> | undefined,
  roles: DynamoRoles | undefined,
): PropIssue[] {
  const absent = mode === 'aggregated' ? ['prefill', 'decode'] : ['worker'];
  const issues: PropIssue[] = [];
  for (const role of absent) {
    const fix =
      mode === 'aggregated'
        ? `remove it, or set mode: "disaggregated" to run prefill and decode workers`
        : `remove it and use prefill / decode, or set mode: "aggregated"`;
    if (replicas && (replicas as Record<string, unknown>)[role] !== undefined) {
      issues.push({ prop: `replicas.${role}`, value: (replicas as Record<string, unknown>)[role], problem: `has no effect in mode "${mode}"`, fix });
    }
    if (podTemplate && podTemplate[role] !== undefined) {
      issues.push({ prop: `podTemplate.${role}`, value: podTemplate[role], problem: `has no effect in mode "${mode}"`, fix });
    }
    if (roles && (roles as Record<string, unknown>)[role] !== undefined) {
      issues.push({ prop: `roles.${role}`, value: (roles as Record<string, unknown>)[role], problem: `has no effect in mode "${mode}"`, fix });
    }
  }
  return issues;
}

export function defaultDynamoImage(engine: Engine, version: string): string {
  return `${engineFor(engine).dynamoImageRepo}:${version}`;
}

function render(r: Resolved): RenderedModel<DynamoGraphDeploymentSpec> {
  return {
    spec: renderSpec(r),
    facts: {
      engine: r.engine,
      model: r.model,
      ...(r.revision !== undefined ? { revision: r.revision } : {}),
      servedModelName: r.servedModelName,
      tensorParallelSize: r.tensorParallelSize,
      gpusPerEngine: r.gpusPerWorker * r.nodeCount,
      ...(r.cache?.descriptor ? { cache: r.cache.descriptor } : {}),
    },
  };
}

function renderSpec(r: Resolved): DynamoGraphDeploymentSpec {
  return {
    backendFramework: r.engine,
    components: [
      renderFrontend(r),
      ...rolesOf(r.mode).map((role) => renderWorker(r, role)),
      ...(r.props.planner ? [renderPlanner(r, r.props.planner)] : []),
      ...(r.props.epp ? [renderEpp(r, r.props.epp)] : []),
    ],
  };
}

/** HF_TOKEN from hfTokenSecret, the model's env, then the role's env (the role's value wins). */
function componentEnv(r: Resolved, settings: DynamoPodSettings | undefined, first: readonly ContainerEnv[]): ContainerEnv[] {
  const env: ContainerEnv[] = [...first];
  if (r.props.hfTokenSecret) {
    env.push({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: r.props.hfTokenSecret.name, key: r.props.hfTokenSecret.key } } });
  }
  const roleEnv = settings?.env ?? {};
  env.push(...renderEnv(r.props.env).filter((e) => !(e.name in roleEnv)));
  env.push(...renderEnv(roleEnv));
  return env;
}

/** The main container's fields and the pod's fields of a role's typed settings. */
function podSettings(r: Resolved, settings: DynamoPodSettings | undefined): { container: Partial<DynamoContainer>; pod: Record<string, unknown> } {
  const container: Partial<DynamoContainer> = {
    ...(r.props.envFromSecret ? { envFrom: [{ secretRef: { name: r.props.envFromSecret } }] } : {}),
    ...(settings?.volumeMounts?.length ? { volumeMounts: [...settings.volumeMounts] } : {}),
  };
  const pod: Record<string, unknown> = {
    ...(settings?.nodeSelector ? { nodeSelector: { ...settings.nodeSelector } } : {}),
    ...(settings?.tolerations ? { tolerations: [...settings.tolerations] } : {}),
    ...(settings?.affinity ? { affinity: settings.affinity } : {}),
    ...(settings?.volumes?.length ? { volumes: [...settings.volumes] } : {}),
  };
  return { container, pod };
}

function renderFrontend(r: Resolved): DynamoComponent {
  const settings = r.props.roles?.frontend;
  const env = componentEnv(r, settings, r.router === 'kv' ? [{ name: 'DYN_ROUTER_MODE', value: 'kv' }] : []);
  const { container, pod } = podSettings(r, settings);
  const main: DynamoContainer = {
    name: 'main',
    image: r.image,
    command: ['python3', '-m', 'dynamo.frontend'],
    args: ['--http-port', String(DYNAMO_FRONTEND_PORT), ...(r.props.frontendArgs ?? []), ...(settings?.args ?? [])],
    ...(env.length ? { env } : {}),
    ...container,
    ports: [{ name: 'http', containerPort: DYNAMO_FRONTEND_PORT, protocol: 'TCP' }],
  };
  return {
    name: 'Frontend',
    type: 'frontend',
    replicas: r.replicas.frontend,
    ...(settings?.sharedMemorySize !== undefined ? { sharedMemorySize: settings.sharedMemorySize } : {}),
    podTemplate: patched(r, 'frontend', { spec: { ...pod, containers: [main] } }),
  };
}

/**
 * Worker probes, when a budget is set: the Dynamo operator's own probe of the kind (documented in
 * the operator's default-values guide, Dynamo 1.x: startup GET /live and readiness GET /health on
 * the `system` port, every 10s) with its failure threshold sized to the budget.
 */
const PROBE_PERIOD_SECONDS = 10;
function probes(settings: DynamoWorkerSettings | undefined): Partial<DynamoContainer> {
  const probe = (path: string, seconds: number, timeoutSeconds: number) => ({
    httpGet: { path, port: 'system' },
    periodSeconds: PROBE_PERIOD_SECONDS,
    timeoutSeconds,
    failureThreshold: Math.ceil(seconds / PROBE_PERIOD_SECONDS),
  });
  return {
    ...(settings?.startupTimeoutSeconds !== undefined ? { startupProbe: probe('/live', settings.startupTimeoutSeconds, 5) } : {}),
    ...(settings?.readinessTimeoutSeconds !== undefined ? { readinessProbe: probe('/health', settings.readinessTimeoutSeconds, 30) } : {}),
  };
}

function renderWorker(r: Resolved, role: WorkerRole): DynamoComponent {
  const engine = engineFor(r.engine);
  const settings = r.props.roles?.[role];
  const config = r.trtllmConfigs[role];
  const cmd = engine.workerCommand({
    role,
    // A cached model loads the downloaded revision from its local path: no --revision then.
    model: r.cache?.modelPath ?? r.model,
    ...(r.revision !== undefined && !r.cache ? { revision: r.revision } : {}),
    servedModelName: r.servedModelName,
    tensorParallelSize: r.tensorParallelSize,
    pipelineParallelSize: r.pipelineParallelSize,
    kvEvents: r.router === 'kv',
    ...(config ? { engineConfigPath: `${ENGINE_CONFIG_DIR}/${ENGINE_CONFIG_FILE}` } : {}),
  });
  const env = componentEnv(r, settings, []);
  const { container, pod } = podSettings(r, settings);
  if (config) {
    container.volumeMounts = [{ name: ENGINE_CONFIG_VOLUME, mountPath: ENGINE_CONFIG_DIR, readOnly: true }, ...(container.volumeMounts ?? [])];
    pod.volumes = [{ name: ENGINE_CONFIG_VOLUME, configMap: { name: engineConfigMapName(r.name, role) } }, ...((pod.volumes as unknown[]) ?? [])];
  }
  const gpus = String(r.gpusPerWorker);
  const main: DynamoContainer = {
    name: 'main',
    image: r.image,
    command: [...cmd.command],
    args: [...cmd.args, ...(r.props.workerArgs ?? []), ...(settings?.args ?? [])],
    ...(env.length ? { env } : {}),
    ...container,
    ...probes(settings),
    ...(r.gpusPerWorker > 0 ? { resources: { limits: { 'nvidia.com/gpu': gpus }, requests: { 'nvidia.com/gpu': gpus } } } : {}),
  };
  const suffix = role === 'worker' ? 'Worker' : role === 'prefill' ? 'PrefillWorker' : 'DecodeWorker';
  return {
    name: `${engine.dynamoComponentPrefix}${suffix}`,
    type: role,
    // With a planner the workers' replica counts are the planner's: rendering none leaves the field
    // to the planner's own field manager, so a re-apply (or a GitOps sync) never resets them.
    ...(r.props.planner ? {} : { replicas: r.replicas[role] }),
    ...(r.nodeCount > 1 ? { multinode: { nodeCount: r.nodeCount } } : {}),
    // The operator mounts it where the backend keeps its compilation cache (DGD CRD v1beta1, Dynamo 1.4.0).
    ...(r.cache?.compilationClaimName ? { compilationCache: { pvcName: r.cache.compilationClaimName } } : {}),
    ...(settings?.sharedMemorySize !== undefined ? { sharedMemorySize: settings.sharedMemorySize } : {}),
    podTemplate: patched(r, role, { spec: { ...pod, containers: [main] } }),
  };
}

/** Fixed worker replicas next to a planner: the planner owns them, so a fixed count would be reset by it (or reset it on every apply). */
function plannerReplicaIssues(replicas: DynamoReplicas | undefined, mode: ServingMode): PropIssue[] {
  return rolesOf(mode)
    .filter((role) => replicas?.[role] !== undefined)
    .map((role) => ({
      prop: `replicas.${role}`,
      value: replicas![role],
      problem: 'is owned by the planner, which scales the workers at runtime; modelstack does not render it, so the planner and an apply never fight over it',
      fix: 'remove it; set the fewest workers per role with planner.minEndpoint and the most GPUs with planner.maxGpuBudget',
    }));
}

/** The planner: `python3 -m dynamo.planner --config <json>` (see constructs/dynamo/planner.ts for the sources). */
function renderPlanner(r: Resolved, planner: DynamoPlannerSettings): DynamoComponent {
  const env = componentEnv(r, undefined, planner.prometheusEndpoint ? [{ name: 'PROMETHEUS_ENDPOINT', value: planner.prometheusEndpoint }] : []);
  const { container } = podSettings(r, undefined);
  const main: DynamoContainer = {
    name: 'main',
    image: r.plannerImage,
    command: ['python3', '-m', 'dynamo.planner'],
    args: ['--config', plannerConfigJson(planner, r.engine, r.mode)],
    ...(env.length ? { env } : {}),
    ...container,
  };
  return { name: 'Planner', type: 'planner', replicas: 1, podTemplate: patched(r, 'planner', { spec: { containers: [main] } }) };
}

/** The endpoint picker: the operator writes its command, ports and probes (see constructs/dynamo/epp.ts). */
function renderEpp(r: Resolved, epp: DynamoEppSettings): DynamoComponent {
  const env = componentEnv(r, epp, [{ name: 'DYN_MODEL_NAME', value: r.model }]);
  const { container } = podSettings(r, undefined);
  const main: DynamoContainer = { name: 'main', image: epp.image, env, ...container };
  return {
    name: 'Epp',
    type: 'epp',
    replicas: epp.replicas ?? 1,
    eppConfig: renderEppConfig(epp),
    podTemplate: patched(r, 'epp', { spec: { containers: [main] } }),
  };
}

function patched(r: Resolved, role: DynamoComponentRole | 'planner' | 'epp', base: DynamoPodTemplate): DynamoPodTemplate {
  const extra = role === 'planner' || role === 'epp';
  // The model cache is mounted where the model is read: the frontend (tokenizer) and the workers.
  const cache =
    !extra && r.cache && cachePodPatch(r.cache, { container: 'main', image: r.image, waitForWeights: role !== 'frontend', compilationCache: false });
  return patchTemplate(base, cache || undefined, r.props.podTemplate?.all, extra ? undefined : r.props.podTemplate?.[role]);
}

/** Name of the ConfigMap holding a role's engine config file. */
export function engineConfigMapName(model: string, role: WorkerRole): string {
  return `${model}-${role}-engine-config`;
}

/** One ConfigMap per role with an engine config file, applied before the graph that mounts it. */
function renderEngineConfigMaps(scope: Construct, graph: ApiObject, r: Resolved): void {
  const stack = ModelStack.of(scope);
  for (const role of rolesOf(r.mode)) {
    const config = r.trtllmConfigs[role];
    if (!config) continue;
    const cm = new ApiObject(scope, `EngineConfig-${role}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: engineConfigMapName(r.name, role), namespace: r.namespace, labels: { [RUNTIME_LABEL]: 'dynamo' } },
      data: { [ENGINE_CONFIG_FILE]: trtllmConfigYaml(config) },
    });
    const ns = stack.namespaceObject(r.namespace, 'dynamo');
    if (ns) cm.node.addDependency(ns);
    graph.node.addDependency(cm);
  }
}
