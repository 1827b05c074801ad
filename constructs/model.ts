import { Construct } from 'constructs';
import type { ModelDescriptor } from '../src/model/model-descriptor.js';
import { isRuntimeId, RUNTIME_IDS, type RuntimeId } from '../src/runtimes/registry.js';
import { capabilityIssues } from './common/capabilities.js';
import type { PropIssue } from './common/issues.js';
import { nameFromId } from '../src/model/names.js';
import { reportIssues } from './common/validation.js';
import { DynamoModel, type DynamoModelProps } from './dynamo-model.js';
import { defaultRayWorkerGroups, RayModel, type RayModelProps } from './ray-model.js';

/** Props that mean the same on both runtimes. */
type CommonProps = Pick<
  DynamoModelProps,
  | 'model'
  | 'name'
  | 'namespace'
  | 'engine'
  | 'mode'
  | 'tensorParallelSize'
  | 'pipelineParallelSize'
  | 'image'
  | 'hfTokenSecret'
  | 'env'
  | 'cache'
  | 'labels'
  | 'annotations'
  | 'metrics'
>;
/** Props only DynamoModel has. */
type DynamoOnly = Pick<
  DynamoModelProps,
  'router' | 'replicas' | 'runtimeVersion' | 'workerArgs' | 'frontendArgs' | 'podTemplate' | 'multinode' | 'roles' | 'envFromSecret'
>;
/** Props only RayModel has. */
type RayOnly = Pick<
  RayModelProps,
  'autoscaling' | 'workerGroups' | 'head' | 'rayVersion' | 'engineKwargs' | 'serve' | 'upgradeStrategy' | 'prefill' | 'decode'
>;

export interface ModelProps extends CommonProps, DynamoOnly, RayOnly {
  /** Which runtime serves the model: "dynamo" (DynamoGraphDeployment) or "kuberay" (RayService). */
  readonly runtime: RuntimeId;
  /**
   * Name the model is served under (the OpenAI `model` field).
   * @default the value of `model`
   */
  readonly servedModelName?: string;
  /**
   * GPUs per worker pod. On KubeRay it sizes the default worker group.
   * @default tensorParallelSize
   */
  readonly gpusPerWorker?: number;
}

const DYNAMO_ONLY: readonly (keyof DynamoOnly)[] = [
  'router',
  'replicas',
  'runtimeVersion',
  'workerArgs',
  'frontendArgs',
  'podTemplate',
  'multinode',
  'roles',
  'envFromSecret',
];
const RAY_ONLY: readonly (keyof RayOnly)[] = [
  'autoscaling',
  'workerGroups',
  'head',
  'rayVersion',
  'engineKwargs',
  'serve',
  'upgradeStrategy',
  'prefill',
  'decode',
];
/** Props whose misuse on KubeRay the capability rules explain better than "Dynamo only". */
const CAPABILITY_PROPS = new Set(['router']);

/**
 * A model on the runtime its props name. Writes a DynamoModel or a RayModel as its child
 * `Runtime`, so switching runtimes is a one-word change in a stack.
 */
export class Model extends Construct {
  public readonly runtime: RuntimeId;
  /** The runtime-specific construct; undefined when `runtime` itself is invalid. */
  public readonly target?: DynamoModel | RayModel;

  /** What the model serves (its target's descriptor); undefined when the props are invalid. */
  public get descriptor(): ModelDescriptor | undefined {
    return this.target?.descriptor;
  }

  public constructor(scope: Construct, id: string, props: ModelProps) {
    super(scope, id);
    const issues: PropIssue[] = [];
    if (!isRuntimeId(props?.runtime)) {
      reportIssues(this, [
        {
          prop: 'runtime',
          value: props?.runtime,
          problem: 'is not a known runtime',
          fix: `use runtime: ${RUNTIME_IDS.map((r) => JSON.stringify(r)).join(' | ')}`,
        },
      ]);
      this.runtime = 'dynamo';
      return;
    }
    this.runtime = props.runtime;
    const { runtime, servedModelName, gpusPerWorker, ...given } = props;
    // The child's id is "Runtime"; the model keeps the name derived from this construct's id.
    const rest = { ...given, name: given.name ?? nameFromId(id) };

    if (runtime === 'dynamo') {
      for (const key of RAY_ONLY) if (rest[key] !== undefined) issues.push(otherRuntimeProp(key, rest[key], 'kuberay'));
      const dynamoProps: Record<string, unknown> = { ...rest, servedModelName, gpusPerWorker };
      for (const key of RAY_ONLY) delete dynamoProps[key];
      reportIssues(this, issues);
      this.target = new DynamoModel(this, 'Runtime', stripUndefined(dynamoProps) as unknown as DynamoModelProps);
      return;
    }

    // KubeRay: explain capability misses, report Dynamo-only props, and hand the rest on (mode
    // included: RayModel serves it, disaggregated as build_pd_openai_app) so the RayModel
    // reports its own problems in the same run.
    const capability = capabilityIssues('kuberay', { engine: rest.engine, router: rest.router, mode: rest.mode });
    issues.push(...capability);
    for (const key of DYNAMO_ONLY) {
      if (rest[key] !== undefined && !CAPABILITY_PROPS.has(key)) issues.push(otherRuntimeProp(key, rest[key], 'dynamo'));
    }
    const rayProps: Record<string, unknown> = { ...rest, modelId: servedModelName };
    for (const key of DYNAMO_ONLY) delete rayProps[key];
    if (capability.some((i) => i.prop === 'engine')) delete rayProps.engine;
    if (gpusPerWorker !== undefined && rest.workerGroups === undefined) {
      // RayModel's default groups (one per phase when disaggregated), with their GPUs set.
      rayProps.workerGroups = defaultRayWorkerGroups(rest, gpusPerWorker);
    } else if (gpusPerWorker !== undefined) {
      issues.push({
        prop: 'gpusPerWorker',
        value: gpusPerWorker,
        problem: 'is ambiguous next to workerGroups on runtime "kuberay"',
        fix: 'set gpus on each worker group instead',
      });
    }
    reportIssues(this, issues);
    this.target = new RayModel(this, 'Runtime', stripUndefined(rayProps) as unknown as RayModelProps);
  }
}

function otherRuntimeProp(prop: string, value: unknown, runtime: RuntimeId): PropIssue {
  return {
    prop,
    value,
    problem: `applies to runtime "${runtime}" only`,
    fix: `remove it, or set runtime: "${runtime}"`,
  };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
