import type { KubeObject } from '../../model/kube-object.js';
import { isPlainObject } from '../align-keys.js';

/** The resource name of an NVIDIA GPU in a container's limits (NVIDIA device plugin). */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** One part of a model that runs pods: a Dynamo component or a RayService's head or worker group. */
export interface ModelPart {
  /** Component name (Dynamo) or "head" / worker group name (Ray). */
  readonly name: string;
  /** Component type (Dynamo: frontend, worker, prefill, decode, planner, epp), "head" or "worker-group" (Ray). */
  readonly type: string;
  /** Replicas as rendered; absent ones count as the runtime's default (1) and `autoscaled` says who owns them. */
  readonly replicas: number;
  /** Pods per replica (Dynamo multinode.nodeCount, Ray numOfHosts). */
  readonly podsPerReplica: number;
  /** GPUs per pod (the `nvidia.com/gpu` limit, else request, of its containers). */
  readonly gpusPerPod: number;
  /** An autoscaler owns this part's replica count (Dynamo planner, Ray autoscaler). */
  readonly autoscaled: boolean;
  /** The part as rendered, for rules that look at its fields. */
  readonly spec: Record<string, unknown>;
}

/** A model object's parts and GPUs, or undefined for an object that is not a model. */
export interface ModelGpus {
  readonly runtime: 'dynamo' | 'kuberay';
  readonly parts: readonly ModelPart[];
  /** Sum of replicas × podsPerReplica × gpusPerPod. */
  readonly gpus: number;
}

export function isDynamoGraph(o: KubeObject | undefined): boolean {
  return o !== undefined && o.apiVersion.startsWith('nvidia.com/') && o.kind === 'DynamoGraphDeployment';
}

export function isRayService(o: KubeObject | undefined): boolean {
  return o !== undefined && o.apiVersion.startsWith('ray.io/') && o.kind === 'RayService';
}

/** The GPUs a model object asks for as rendered (DynamoGraphDeployment v1beta1, RayService v1). */
export function modelGpus(o: KubeObject | undefined): ModelGpus | undefined {
  if (isDynamoGraph(o)) return dynamoGpus(o!);
  if (isRayService(o)) return rayGpus(o!);
  return undefined;
}

function dynamoGpus(o: KubeObject): ModelGpus {
  const components = list(record(o.spec).components);
  const planned = components.some((c) => c.type === 'planner');
  const parts = components.map((c): ModelPart => {
    const type = typeof c.type === 'string' ? c.type : 'component';
    const worker = type === 'worker' || type === 'prefill' || type === 'decode';
    return {
      name: String(c.name ?? ''),
      type,
      replicas: count(c.replicas, 1),
      podsPerReplica: count(record(c.multinode).nodeCount, 1),
      gpusPerPod: podGpus(record(c.podTemplate)),
      autoscaled: (worker && planned) || isPlainObject(c.scalingAdapter),
      spec: c,
    };
  });
  return { runtime: 'dynamo', parts, gpus: total(parts) };
}

function rayGpus(o: KubeObject): ModelGpus {
  const cluster = record(record(o.spec).rayClusterConfig);
  const autoscaling = cluster.enableInTreeAutoscaling === true;
  const head = record(cluster.headGroupSpec);
  const parts: ModelPart[] = [
    { name: 'head', type: 'head', replicas: 1, podsPerReplica: 1, gpusPerPod: podGpus(record(head.template)), autoscaled: false, spec: head },
    ...list(cluster.workerGroupSpecs).map((g): ModelPart => ({
      name: String(g.groupName ?? ''),
      type: 'worker-group',
      // KubeRay starts a group at replicas, else minReplicas (RayCluster CRD v1: replicas defaults to 0).
      replicas: count(g.replicas, count(g.minReplicas, 0)),
      podsPerReplica: count(g.numOfHosts, 1),
      gpusPerPod: podGpus(record(g.template)),
      autoscaled: autoscaling && count(g.minReplicas, 0) !== count(g.maxReplicas, 0),
      spec: g,
    })),
  ];
  return { runtime: 'kuberay', parts, gpus: total(parts) };
}

/** GPUs of one pod template: the sum over its containers (init containers run before and do not add). */
function podGpus(template: Record<string, unknown>): number {
  let sum = 0;
  for (const c of list(record(template.spec).containers)) {
    const resources = record(c.resources);
    sum += quantity(record(resources.limits)[GPU_RESOURCE] ?? record(resources.requests)[GPU_RESOURCE]);
  }
  return sum;
}

export function partGpus(p: ModelPart): number {
  return p.replicas * p.podsPerReplica * p.gpusPerPod;
}

function total(parts: readonly ModelPart[]): number {
  return parts.reduce((sum, p) => sum + partGpus(p), 0);
}

function quantity(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function count(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback;
}

export function record(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

export function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}
