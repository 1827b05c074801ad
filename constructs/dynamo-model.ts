import { Construct } from 'constructs';
import { z } from 'zod';
import { type Engine, ENGINES, runtimeInfo } from '../src/runtimes/registry.js';
import { capabilityIssues, type RouterMode, type ServingMode } from './common/capabilities.js';
import { imageIssues } from './common/image.js';
import type { PropIssue } from './common/issues.js';
import { patchTemplate, type PodTemplatePatch } from './common/pod-template.js';
import * as s from './common/schemas.js';
import { type EnvValue, hfTokenIssues, type SecretKeyRef, secretLiteralIssues } from './common/secrets.js';
import { allValid, parseProps, reportIssues } from './common/validation.js';
import { derivedEnvIssues, reservedLabelIssues } from './common/reserved.js';
import { ModelConstruct, type RenderedModel } from './common/model-construct.js';
import { renderEnv, type ContainerEnv } from './common/env.js';
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
   * GPUs per worker pod (`nvidia.com/gpu` limit on the `main` container). Must be at least
   * tensorParallelSize.
   * @default tensorParallelSize
   */
  readonly gpusPerWorker?: number;
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
   * Secret key holding the Hugging Face token, exposed to workers as HF_TOKEN.
   * @default none (public models only)
   */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Extra environment for every component. @default none */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** Extra arguments appended to every worker's command line. @default none */
  readonly workerArgs?: readonly string[];
  /** Extra arguments appended to the frontend's command line. @default none */
  readonly frontendArgs?: readonly string[];
  /**
   * Pod template patches per role ("all" applies to every component first), for fields
   * modelstack does not model. See PodTemplatePatch for the merge rules.
   * @default none
   */
  readonly podTemplate?: Partial<Record<DynamoComponentRole | 'all', PodTemplatePatch>>;
  /** Extra labels and annotations on the DynamoGraphDeployment. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

const schema = z.strictObject({
  model: z.string().min(1),
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
  gpusPerWorker: s.nonNegativeInt.optional(),
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
});

/** Props with every default resolved: what rendering works from. */
interface Resolved {
  readonly name: string;
  readonly namespace: string;
  readonly model: string;
  readonly servedModelName: string;
  readonly engine: Engine;
  readonly mode: ServingMode;
  readonly router: RouterMode;
  readonly replicas: Required<DynamoReplicas>;
  readonly tensorParallelSize: number;
  readonly gpusPerWorker: number;
  readonly image: string;
  readonly props: DynamoModelProps;
}

export const DYNAMO_FRONTEND_PORT = 8000;

/**
 * A model served by NVIDIA Dynamo: one DynamoGraphDeployment (nvidia.com/v1beta1) with a
 * frontend and aggregated workers, or prefill and decode workers.
 */
export class DynamoModel extends ModelConstruct<DynamoGraphDeploymentSpec> {
  declare public readonly runtime: 'dynamo';

  public constructor(scope: Construct, id: string, props: DynamoModelProps) {
    super(scope, id, 'dynamo', props, (self, name, namespace) => {
      const resolved = resolve(self, props, name, namespace);
      return resolved && render(resolved);
    });
  }
}

function resolve(scope: Construct, props: DynamoModelProps, name: string, namespace: string): Resolved | undefined {
  const pre: PropIssue[] = [...hfTokenIssues(props?.hfTokenSecret)];
  const parsed = parseProps(schema, { ...props, name, namespace }, pre);
  const issues = [...pre, ...parsed.issues];
  const ok = (...props: string[]): boolean => allValid(parsed, ...props);
  const c = parsed.value ?? parsed.partial;
  if (c) {
    const tp = c.tensorParallelSize ?? 1;
    const gpus = c.gpusPerWorker ?? tp;
    if (ok('engine', 'router', 'mode')) issues.push(...capabilityIssues('dynamo', { engine: c.engine ?? 'vllm', router: c.router, mode: c.mode }));
    // gpusPerWorker 0 runs CPU-only workers (one rank); otherwise every rank needs its own GPU.
    if (ok('tensorParallelSize', 'gpusPerWorker') && tp > Math.max(gpus, 1)) {
      issues.push({
        prop: 'tensorParallelSize',
        value: tp,
        problem: `is larger than gpusPerWorker (${gpus}); each tensor-parallel rank needs its own GPU`,
        fix: `set gpusPerWorker to at least ${tp}, or lower tensorParallelSize`,
      });
    }
    if (ok('image')) issues.push(...imageIssues('image', c.image));
    if (ok('env', 'workerArgs', 'frontendArgs')) issues.push(...secretLiteralIssues(c.env, { workerArgs: c.workerArgs, frontendArgs: c.frontendArgs }));
    if (ok('env', 'hfTokenSecret'))
      issues.push(...derivedEnvIssues(c.env, { ...(c.hfTokenSecret ? { HF_TOKEN: 'hfTokenSecret' } : {}), DYN_ROUTER_MODE: 'router' }));
    if (ok('labels')) issues.push(...reservedLabelIssues(c.labels));
    if (ok('mode', 'replicas', 'podTemplate')) issues.push(...roleIssues(c.mode ?? 'aggregated', c.replicas, c.podTemplate));
  }
  const p = parsed.value;
  reportIssues(scope, issues);
  if (!p || issues.length > 0) return undefined;

  const engine = p.engine ?? 'vllm';
  const tensorParallelSize = p.tensorParallelSize ?? 1;
  const version = p.runtimeVersion ?? runtimeInfo('dynamo').defaultOperatorVersion;
  return {
    name,
    namespace,
    model: p.model,
    servedModelName: p.servedModelName ?? p.model,
    engine,
    mode: p.mode ?? 'aggregated',
    router: p.router ?? 'round-robin',
    replicas: {
      frontend: p.replicas?.frontend ?? 1,
      worker: p.replicas?.worker ?? 1,
      prefill: p.replicas?.prefill ?? 1,
      decode: p.replicas?.decode ?? 1,
    },
    tensorParallelSize,
    gpusPerWorker: p.gpusPerWorker ?? tensorParallelSize,
    image: p.image ?? defaultDynamoImage(engine, version),
    props,
  };
}

/** Replica counts or pod patches for roles the chosen mode does not have are mistakes. */
function roleIssues(mode: ServingMode, replicas: DynamoReplicas | undefined, podTemplate: Record<string, unknown> | undefined): PropIssue[] {
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
      servedModelName: r.servedModelName,
      tensorParallelSize: r.tensorParallelSize,
      gpusPerEngine: r.gpusPerWorker,
    },
  };
}

function renderSpec(r: Resolved): DynamoGraphDeploymentSpec {
  const roles: WorkerRole[] = r.mode === 'aggregated' ? ['worker'] : ['prefill', 'decode'];
  return {
    backendFramework: r.engine,
    components: [renderFrontend(r), ...roles.map((role) => renderWorker(r, role))],
  };
}

function renderFrontend(r: Resolved): DynamoComponent {
  const env: ContainerEnv[] = [];
  if (r.router === 'kv') env.push({ name: 'DYN_ROUTER_MODE', value: 'kv' });
  env.push(...renderEnv(r.props.env));
  const main: DynamoContainer = {
    name: 'main',
    image: r.image,
    command: ['python3', '-m', 'dynamo.frontend'],
    args: ['--http-port', String(DYNAMO_FRONTEND_PORT), ...(r.props.frontendArgs ?? [])],
    ...(env.length ? { env } : {}),
    ports: [{ name: 'http', containerPort: DYNAMO_FRONTEND_PORT, protocol: 'TCP' }],
  };
  return {
    name: 'Frontend',
    type: 'frontend',
    replicas: r.replicas.frontend,
    podTemplate: patched(r, 'frontend', { spec: { containers: [main] } }),
  };
}

function renderWorker(r: Resolved, role: WorkerRole): DynamoComponent {
  const engine = engineFor(r.engine);
  const cmd = engine.workerCommand({
    role,
    model: r.model,
    servedModelName: r.servedModelName,
    tensorParallelSize: r.tensorParallelSize,
    kvEvents: r.router === 'kv',
  });
  const env: ContainerEnv[] = [];
  if (r.props.hfTokenSecret) {
    env.push({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: r.props.hfTokenSecret.name, key: r.props.hfTokenSecret.key } } });
  }
  env.push(...renderEnv(r.props.env));
  const gpus = String(r.gpusPerWorker);
  const main: DynamoContainer = {
    name: 'main',
    image: r.image,
    command: [...cmd.command],
    args: [...cmd.args, ...(r.props.workerArgs ?? [])],
    ...(env.length ? { env } : {}),
    ...(r.gpusPerWorker > 0 ? { resources: { limits: { 'nvidia.com/gpu': gpus }, requests: { 'nvidia.com/gpu': gpus } } } : {}),
  };
  const suffix = role === 'worker' ? 'Worker' : role === 'prefill' ? 'PrefillWorker' : 'DecodeWorker';
  return {
    name: `${engine.dynamoComponentPrefix}${suffix}`,
    type: role,
    replicas: r.replicas[role],
    podTemplate: patched(r, role, { spec: { containers: [main] } }),
  };
}

function patched(r: Resolved, role: DynamoComponentRole, base: DynamoPodTemplate): DynamoPodTemplate {
  return patchTemplate(base, r.props.podTemplate?.all, r.props.podTemplate?.[role]);
}
