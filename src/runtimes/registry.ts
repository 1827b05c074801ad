/**
 * What modelstack knows about each runtime it can deploy to. The constructs read it for
 * defaults and capability rules; the driver reads it to find CRDs and operators in a cluster.
 * One entry per runtime (its facts in src/runtimes/<id>/info.ts); nothing here is looked up
 * over the network, and nothing here pulls in cluster-side code (see adapters.ts for that).
 */
import { RUNTIME_IDS, type RuntimeId } from '../model/ids.js';
import { DYNAMO } from './dynamo/info.js';
import { KUBERAY } from './kuberay/info.js';
import type { RuntimeInfo } from './runtime-info.js';

export { type Engine, ENGINES, isRuntimeId, RUNTIME_IDS, type RuntimeId } from '../model/ids.js';
export type { ModelResource, OperatorChart, RuntimeInfo } from './runtime-info.js';

const REGISTRY: Readonly<Record<RuntimeId, RuntimeInfo>> = { dynamo: DYNAMO, kuberay: KUBERAY };

export function runtimeInfo(id: RuntimeId): RuntimeInfo {
  return REGISTRY[id];
}

export function allRuntimes(): readonly RuntimeInfo[] {
  return RUNTIME_IDS.map((id) => REGISTRY[id]);
}

/** The runtime whose model resource has this apiVersion group and kind, if any. */
export function runtimeForKind(group: string, kind: string): RuntimeInfo | undefined {
  return allRuntimes().find((r) => r.model.group === group && r.model.kind === kind);
}
