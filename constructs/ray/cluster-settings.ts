// Ray cluster settings of a RayService: rayStartParams of the head and the worker groups,
// multi-host groups, scheduling (node selectors, tolerations, accelerator type), shared memory.
//
// Sources (KubeRay 1.7.0 unless said otherwise):
// - rayStartParams: KubeRay docs/guidance/rayStartParams.md. KubeRay sets `block` itself, `address`
//   on workers and `no-monitor` on the head when autoscaling; `port` must match the head's
//   gcs-server container port; `num-cpus`, `num-gpus` and `memory` default to the container's
//   resource limits ("modify the container limits instead"); `metrics-export-port` defaults to 8080.
// - The head advertising no CPUs or GPUs (`num-cpus: "0"`), so Ray schedules no Serve replica or
//   engine worker on it: Ray docs, KubeRay "RayService high availability" guide (ray-service.high-
//   availability.yaml sets num-cpus "0" so no Serve replica lands on the head pod) and the KubeRay
//   large-cluster guidance ("prevent Ray from scheduling tasks on the head node").
// - workerGroupSpecs[].numOfHosts (pods per replica of the group), .resources (Ray resources of the
//   group's nodes, overriding what rayStartParams would pass; no effect on the container's
//   Kubernetes resources): the 1.7.0 RayService CRD (../shared/crds/kuberay/ray.io_rayservices.yaml)
//   and KubeRay's raycluster_types.go field docs.
// - `accelerator_type:<type>` as the Ray resource a node of that GPU type offers, which
//   LLMConfig.accelerator_type makes each replica request: Ray core "Accelerator types" docs.
// - A memory-backed /dev/shm for tensor parallelism inside one pod: vLLM's deployment docs (PyTorch
//   shares data between the tensor-parallel processes through shared memory; containers need a
//   larger /dev/shm than the runtime's 64Mi default).
// - Probes: modelstack renders none on Ray containers, on purpose. KubeRay adds liveness and
//   readiness probes to a Ray container that has none (ray-operator v1.6.0, the newest release the
//   Go module proxy serves: controllers/ray/common/pod.go initLivenessAndReadinessProbe, values in
//   controllers/ray/utils/constant.go). They check the raylet (and GCS on the head) and, on
//   RayService workers, the Serve proxy's /-/healthz; liveness starts after 30 s and allows 120
//   failures 5 s apart. None of them waits on model loading (a Serve replica loading weights
//   leaves the raylet and the proxy healthy), so a long load never restarts a pod, and readiness of
//   the model is read from the RayService's Serve application status instead. Rendering our own
//   probes would switch KubeRay's off, the Serve-proxy check included.
import { z } from 'zod';
import type { PropIssue } from '../common/issues.js';
import * as s from '../common/schemas.js';
import { RAY_ACCELERATOR_TYPES, type RayAcceleratorType } from './serve-llm-config.js';

export const DEFAULT_METRICS_PORT = 8080;
/** Ports the head container already uses (gcs-server, dashboard, client, serve). */
export const HEAD_PORTS: Readonly<Record<number, string>> = { 6379: 'gcs-server', 8265: 'dashboard', 10001: 'client', 8000: 'serve' };

export interface RayToleration {
  readonly key?: string;
  /** @default "Equal" */
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  /** @default all effects */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

export const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, { message: 'Fix: use a quantity like "8", "500m" or "32Gi"' });

export const rayStartParamsSchema = z.record(z.string().min(1), z.string());

export const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

/** Scheduling and Ray settings every pod group (head or worker group) can have. */
export const groupSettingsShape = {
  rayStartParams: rayStartParamsSchema.optional(),
  nodeSelector: s.stringMap.optional(),
  tolerations: z.array(tolerationSchema).optional(),
};

export const workerSettingsShape = {
  ...groupSettingsShape,
  numOfHosts: s.positiveInt.optional(),
  acceleratorType: z.enum(RAY_ACCELERATOR_TYPES).optional(),
  sharedMemory: z.union([quantity, z.literal(false)]).optional(),
};

/** The head's rayStartParams before the user's: no CPUs or GPUs for tasks, dashboard and metrics reachable. */
export function headStartParams(metricsPort: number, user: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return { 'dashboard-host': '0.0.0.0', 'metrics-export-port': String(metricsPort), 'num-cpus': '0', 'num-gpus': '0', ...user };
}

/** rayStartParams keys KubeRay sets itself. */
const KUBERAY_SETS: Readonly<Record<string, string>> = {
  block: 'KubeRay always starts Ray with --block',
  address: "KubeRay points workers at the head's GCS",
  'no-monitor': 'KubeRay sets it when the autoscaler runs',
  port: 'the GCS port must match the head container port 6379',
};

/**
 * Problems of one group's rayStartParams (`at` is its prop path): a leading "--", keys KubeRay
 * sets, and keys a prop writes (named with the prop, never silently overridden).
 */
export function rayStartParamsIssues(
  params: Readonly<Record<string, string>> | undefined,
  at: string,
  owned: Readonly<Record<string, { readonly prop: string; readonly value: unknown }>>,
): PropIssue[] {
  const issues: PropIssue[] = [];
  for (const [key, value] of Object.entries(params ?? {})) {
    const prop = `${at}.rayStartParams.${key}`;
    if (key.startsWith('-')) {
      issues.push({ prop, value, problem: 'is written with leading dashes', fix: `write the key as ${JSON.stringify(key.replace(/^-+/, ''))}` });
      continue;
    }
    if (KUBERAY_SETS[key]) {
      issues.push({ prop, value, problem: `is set by KubeRay (${KUBERAY_SETS[key]})`, fix: 'remove it' });
      continue;
    }
    const o = owned[key];
    if (o) {
      issues.push({
        prop,
        value,
        problem: `collides with ${o.prop} (${JSON.stringify(o.value)}), which sets the same Ray start parameter`,
        fix: `remove it and set ${o.prop}`,
      });
    }
  }
  return issues;
}

/** Problems of the head's metrics port. */
export function metricsPortIssues(port: number | undefined): PropIssue[] {
  if (port === undefined || !HEAD_PORTS[port]) return [];
  return [
    {
      prop: 'head.metricsPort',
      value: port,
      problem: `is the head's ${HEAD_PORTS[port]} port`,
      fix: `choose another port, e.g. ${DEFAULT_METRICS_PORT}`,
    },
  ];
}

/** A worker group's Ray resources: its accelerator type, so replicas asking for it land there. */
export function groupRayResources(acceleratorType: RayAcceleratorType | undefined): Record<string, string> | undefined {
  return acceleratorType ? { [`accelerator_type:${acceleratorType}`]: '1' } : undefined;
}

/** The pod spec additions of scheduling settings (nodeSelector, tolerations). */
export function schedulingSpec(g: {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly RayToleration[];
}): Record<string, unknown> {
  return {
    ...(g.nodeSelector && Object.keys(g.nodeSelector).length > 0 ? { nodeSelector: { ...g.nodeSelector } } : {}),
    ...(g.tolerations && g.tolerations.length > 0 ? { tolerations: g.tolerations.map((t) => ({ ...t })) } : {}),
  };
}

/**
 * The shared-memory volume of a worker group: a memory-backed /dev/shm when set, or by default
 * when a pod has more than one GPU (NCCL between its GPUs); undefined when none.
 */
export function sharedMemory(setting: string | false | undefined, gpus: number): { readonly sizeLimit?: string } | undefined {
  if (setting === false) return undefined;
  if (setting !== undefined) return { sizeLimit: setting };
  return gpus > 1 ? {} : undefined;
}
