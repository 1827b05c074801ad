// What applying a change to a model does to its pods: the runtimes' documented upgrade behaviour
// as data, one rule per case, each with its source. The first rule that matches a change wins.
//
// Sources:
// - KubeRay v1.6 / v1.7, ray-operator/controllers/ray/rayservice_controller.go (shouldPrepareNewCluster,
//   isClusterSpecHashEqual, isZeroDowntimeUpgradeEnabled) and controllers/ray/utils/util.go
//   (GenerateHashWithoutReplicasAndWorkersToDelete: the cluster hash leaves out every worker group's
//   replicas, minReplicas, maxReplicas and scaleStrategy.workersToDelete, and the upgradeStrategy);
//   the Ray docs "RayService" user guide (in-place update of Serve applications from serveConfigV2)
//   and "RayService Zero-Downtime Incremental Upgrades" (NewCluster runs a second cluster of equal
//   size, 200% while both run; NewClusterWithIncrementalUpgrade scales the new cluster up by at most
//   maxSurgePercent at a time; KubeRay's maxSurgePercent default is 100).
// - NVIDIA Dynamo 1.x operator (deploy/operator, v1beta1 API; ai-dynamo/dynamo main, 2026):
//   docs/pages/kubernetes/rolling-update.md "Rolling Updates"; api/v1beta1/worker_hash.go
//   ComputeDGDWorkersSpecHash (hash input "dgd-worker-rollout-v2": the graph's backendFramework and env,
//   and in later commits its annotations and labels merged into each worker's pod template, plus
//   every worker component's podTemplate, multinode, sharedMemorySize, frontendSidecar,
//   compilationCache, experimental; replicas, scalingAdapter, modelRef, eppConfig and
//   topologyConstraint are left out); internal/controller supportsManagedRollingUpdate (managed
//   rolling updates only when the graph is not on Grove and has no multinode component; otherwise
//   each backing resource rolls natively); dynamocomponentdeployment_controller.go (a component is a
//   LeaderWorkerSet when LWS is enabled and it is multinode, else a Deployment whose rolling update
//   takes maxSurge from nvidia.com/deployment-rolling-update-max-surge, default "25%", rounded up by
//   the Deployment controller). Grove / LWS roll one changed component with maxSurge 0, maxUnavailable 1.
// Rules marked `inferred` are not confirmed by that source: their label says "expected".
import type { ModelGpus, ModelPart } from './model-gpus.js';

/**
 * - `in-place`: no pod restarts (Serve config applied to the running cluster, a scale, metadata);
 * - `rolling`: the named roles' pods are replaced step by step;
 * - `new-cluster`: KubeRay starts a second RayCluster and switches over when it is ready;
 * - `recreate`: the named roles' pods are deleted and created anew (their backing resource changes);
 * - `not-rolled-out`: the running pods keep the old spec (upgradeStrategy None).
 */
export type RolloutKind = 'in-place' | 'rolling' | 'new-cluster' | 'recreate' | 'not-rolled-out';

/** What a rule sees: both sides of a changed model and which parts of it differ. */
export interface RolloutContext {
  readonly before: ModelGpus;
  readonly after: ModelGpus;
  /** Top-level spec fields that differ (besides the parts). */
  readonly specFields: readonly string[];
  /** Parts (by name) whose fields differ other than the replica fields the autoscalers own. */
  readonly changedParts: readonly string[];
  /** Parts (by name) whose replica fields differ. */
  readonly scaledParts: readonly string[];
  /** Parts only one side has. */
  readonly addedParts: readonly string[];
  readonly removedParts: readonly string[];
  /** Ray: `spec.upgradeStrategy.type` of the after side (unset: NewCluster, KubeRay's default). */
  readonly upgradeStrategy?: string;
  /** Ray: `spec.upgradeStrategy.clusterUpgradeOptions.maxSurgePercent`. */
  readonly maxSurgePercent?: number;
}

export interface RolloutRule {
  readonly id: string;
  readonly runtime: 'dynamo' | 'kuberay';
  /** When it applies, for people (docs and --help). */
  readonly when: string;
  readonly kind: RolloutKind;
  readonly source: string;
  /** True when the upstream source does not confirm the rule (its label then says "expected"). */
  readonly inferred?: boolean;
  readonly matches: (c: RolloutContext) => boolean;
  /** The roles whose pods the rollout touches. */
  readonly roles: (c: RolloutContext) => readonly string[];
  /** GPUs needed on top of the after side's while the rollout runs. */
  readonly extraGpus: (c: RolloutContext) => number;
}

const KUBERAY_SRC = 'KubeRay v1.6/v1.7 rayservice_controller.go shouldPrepareNewCluster + utils GenerateHashWithoutReplicasAndWorkersToDelete';
const DYNAMO_SRC = 'NVIDIA Dynamo 1.x operator (v1beta1), docs "Rolling Updates" + api/v1beta1/worker_hash.go ComputeDGDWorkersSpecHash';
/** Graph-level spec fields the Dynamo worker hash takes in (api/v1beta1/worker_hash.go). */
export const DYNAMO_HASHED_GRAPH_FIELDS: readonly string[] = ['backendFramework', 'env', 'annotations', 'labels'];
/** Dynamo's default nvidia.com/deployment-rolling-update-max-surge. */
export const DYNAMO_DEFAULT_MAX_SURGE = '25%';
export const DYNAMO_MAX_SURGE_ANNOTATION = 'nvidia.com/deployment-rolling-update-max-surge';
/** KubeRay's default clusterUpgradeOptions.maxSurgePercent (ray-operator v1.6.0 apis/ray/v1/rayservice_types.go: `+kubebuilder:default:=100`). */
export const KUBERAY_DEFAULT_MAX_SURGE_PERCENT = 100;

const WORKER_TYPES = new Set(['worker', 'prefill', 'decode']);
const isWorker = (p: ModelPart | undefined): boolean => p !== undefined && WORKER_TYPES.has(p.type);
const multinode = (p: ModelPart | undefined): boolean => p !== undefined && p.podsPerReplica > 1;
const part = (g: ModelGpus, name: string): ModelPart | undefined => g.parts.find((p) => p.name === name);
const touched = (c: RolloutContext): string[] => [...c.changedParts, ...c.addedParts, ...c.removedParts];
/** Dynamo manages one rolling update of all workers only when no component is multinode (supportsManagedRollingUpdate). */
const managedRollout = (c: RolloutContext): boolean => !c.after.parts.some(multinode);
const hashedGraphFields = (c: RolloutContext): string[] => c.specFields.filter((f) => DYNAMO_HASHED_GRAPH_FIELDS.includes(f));
const clusterChanged = (c: RolloutContext): boolean =>
  c.specFields.includes('rayClusterConfig') || c.changedParts.length > 0 || c.removedParts.length > 0 || !appendedOnly(c);

/** KubeRay updates the running cluster in place when the only new worker groups come after the old ones. */
function appendedOnly(c: RolloutContext): boolean {
  const names = c.after.parts.map((p) => p.name);
  const old = c.before.parts.map((p) => p.name);
  return names.slice(0, old.length).join('\n') === old.join('\n');
}

/** Extra pods a rolling Deployment-backed worker may start: maxSurge of its replicas, rounded up. */
function dynamoSurge(p: ModelPart): number {
  if (multinode(p)) return 0; // Grove / LWS: maxSurge 0.
  const annotations = { ...recordOf(recordOf(recordOf(p.spec.podTemplate).metadata).annotations), ...recordOf(p.spec.annotations) };
  const raw = String(annotations[DYNAMO_MAX_SURGE_ANNOTATION] ?? DYNAMO_DEFAULT_MAX_SURGE).trim();
  const surge = raw.endsWith('%') ? Math.ceil((p.replicas * Number(raw.slice(0, -1))) / 100) : Number(raw);
  return Number.isFinite(surge) && surge > 0 ? surge * p.podsPerReplica * p.gpusPerPod : 0;
}

/** The workers a worker change rolls: all single-node ones together when Dynamo manages the rollout, plus the changed ones. */
function rollingWorkers(c: RolloutContext): ModelPart[] {
  const changed = touched(c).filter((n) => isWorker(part(c.after, n) ?? part(c.before, n)));
  const all = managedRollout(c) && changed.length > 0;
  return c.after.parts.filter((p) => isWorker(p) && (all || changed.includes(p.name)));
}

function recordOf(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function rayClusterGpus(c: RolloutContext): number {
  return c.after.gpus;
}

/** The rules, first match wins; every rule has a before/after test (test/diff/rollout-rules.test.ts). */
export const ROLLOUT_RULES: readonly RolloutRule[] = [
  // ---- KubeRay RayService ----
  {
    id: 'kuberay.serve-config-only',
    runtime: 'kuberay',
    when: 'only serveConfigV2 (or metadata, or worker group replica fields) changed',
    kind: 'in-place',
    source: `${KUBERAY_SRC}; Ray docs "RayService": Serve applications are updated in place`,
    matches: (c) => !clusterChanged(c) && c.addedParts.length === 0,
    roles: (c) => (c.specFields.includes('serveConfigV2') ? ['serve applications'] : []),
    extraGpus: () => 0,
  },
  {
    id: 'kuberay.worker-group-appended',
    runtime: 'kuberay',
    when: 'worker groups were added after the existing ones, which are unchanged but for replicas',
    kind: 'in-place',
    source: `${KUBERAY_SRC} (isClusterSpecHashEqual with partial=true: the RayCluster is updated, not replaced)`,
    matches: (c) => !clusterChanged(c) && c.addedParts.length > 0,
    roles: (c) => c.addedParts,
    extraGpus: () => 0,
  },
  {
    id: 'kuberay.cluster-none',
    runtime: 'kuberay',
    when: 'the cluster spec changed and upgradeStrategy.type is None',
    kind: 'not-rolled-out',
    source: `${KUBERAY_SRC} (isZeroDowntimeUpgradeEnabled is false for None: no new cluster is prepared)`,
    matches: (c) => c.upgradeStrategy === 'None',
    roles: () => [],
    extraGpus: () => 0,
  },
  {
    id: 'kuberay.cluster-incremental',
    runtime: 'kuberay',
    when: 'the cluster spec changed and upgradeStrategy.type is NewClusterWithIncrementalUpgrade',
    kind: 'new-cluster',
    source: `${KUBERAY_SRC}; Ray docs "RayService Zero-Downtime Incremental Upgrades" (capacity grows by maxSurgePercent, default ${KUBERAY_DEFAULT_MAX_SURGE_PERCENT})`,
    matches: (c) => c.upgradeStrategy === 'NewClusterWithIncrementalUpgrade',
    roles: (c) => c.after.parts.map((p) => p.name),
    extraGpus: (c) => Math.ceil((rayClusterGpus(c) * (c.maxSurgePercent ?? KUBERAY_DEFAULT_MAX_SURGE_PERCENT)) / 100),
  },
  {
    id: 'kuberay.cluster-new',
    runtime: 'kuberay',
    when: 'the cluster spec changed (beyond replica fields and appended groups); upgradeStrategy NewCluster or unset',
    kind: 'new-cluster',
    source: `${KUBERAY_SRC}; Ray docs "RayService Zero-Downtime Incremental Upgrades" (NewCluster: a second cluster of equal size)`,
    matches: () => true,
    roles: (c) => c.after.parts.map((p) => p.name),
    extraGpus: rayClusterGpus,
  },
  // ---- NVIDIA Dynamo DynamoGraphDeployment ----
  {
    id: 'dynamo.backing-change',
    runtime: 'dynamo',
    when: 'a component switches between one pod per replica and multinode (Deployment <-> Grove/LWS)',
    kind: 'recreate',
    source:
      `${DYNAMO_SRC}: confirmed that multinode is in the worker hash and that a multinode component is a LeaderWorkerSet ` +
      '(Grove: a scaling group) instead of a Deployment; not confirmed how the old workload is removed (searched the ' +
      'operator controllers, rolling-update docs and issues), so recreate is the expected, not the documented, behaviour',
    inferred: true,
    matches: (c) => c.changedParts.some((n) => multinode(part(c.before, n)) !== multinode(part(c.after, n))),
    roles: (c) => c.changedParts.filter((n) => multinode(part(c.before, n)) !== multinode(part(c.after, n))),
    extraGpus: () => 0,
  },
  {
    id: 'dynamo.worker-spec',
    runtime: 'dynamo',
    when: 'a worker, prefill or decode component changed (not only replicas), or one was added or removed',
    kind: 'rolling',
    source: `${DYNAMO_SRC} (one hash over all worker specs rolls every worker together, unless a component is multinode: then each changed one rolls alone natively)`,
    matches: (c) => touched(c).some((n) => isWorker(part(c.after, n) ?? part(c.before, n))),
    roles: (c) => rollingWorkers(c).map((p) => p.name),
    extraGpus: (c) => rollingWorkers(c).reduce((sum, p) => sum + dynamoSurge(p), 0),
  },
  {
    id: 'dynamo.other-component',
    runtime: 'dynamo',
    when: 'a frontend, planner or epp component changed (not only replicas), or one was added or removed',
    kind: 'rolling',
    source: `${DYNAMO_SRC} (non-worker components are updated in place by their own Deployment rollout)`,
    matches: (c) => touched(c).length > 0,
    roles: touched,
    extraGpus: (c) => c.after.parts.filter((p) => touched(c).includes(p.name)).reduce((sum, p) => sum + dynamoSurge(p), 0),
  },
  {
    id: 'dynamo.graph-spec',
    runtime: 'dynamo',
    when: `a graph-level field the worker hash takes in changed (${DYNAMO_HASHED_GRAPH_FIELDS.join(', ')})`,
    kind: 'rolling',
    source: `${DYNAMO_SRC} (these graph fields are in the worker hash input, so every worker rolls; the graph env is also merged into the other components' pod templates, whose Deployments roll natively)`,
    matches: (c) => hashedGraphFields(c).length > 0,
    roles: (c) => c.after.parts.map((p) => p.name),
    extraGpus: (c) => c.after.parts.reduce((sum, p) => sum + dynamoSurge(p), 0),
  },
  {
    id: 'dynamo.graph-other',
    runtime: 'dynamo',
    when: 'another graph-level field changed (priorityClassName, restart, topologyConstraint, experimental, ...)',
    kind: 'rolling',
    source:
      `${DYNAMO_SRC}: these fields are not in the worker hash input (topologyConstraint is left out explicitly), so no managed ` +
      'worker rollout; whether the components the operator renders from them roll is not confirmed (searched the operator controllers and docs)',
    inferred: true,
    matches: (c) => c.specFields.length > 0,
    roles: (c) => c.after.parts.map((p) => p.name),
    extraGpus: (c) => c.after.parts.reduce((sum, p) => sum + dynamoSurge(p), 0),
  },
  {
    id: 'dynamo.scale-only',
    runtime: 'dynamo',
    when: 'only replicas (or metadata) changed',
    kind: 'in-place',
    source: `${DYNAMO_SRC} (scaling changes do not trigger a rolling update)`,
    matches: () => true,
    roles: (c) => c.scaledParts,
    extraGpus: () => 0,
  },
];
