/**
 * The runtime adapters (see RuntimeAdapter), by id and by model kind. Unlike registry.ts this
 * pulls in each runtime's cluster-side code, so constructs never import it.
 */
import { RUNTIME_IDS, type RuntimeId } from '../model/ids.js';
import { apiGroup } from '../model/kube-object.js';
import type { ModelState } from '../readiness/model-state.js';
import { dynamoAdapter } from './dynamo/adapter.js';
import { kuberayAdapter } from './kuberay/adapter.js';
import { runtimeForKind } from './registry.js';
import type { RuntimeAdapter } from './runtime-adapter.js';

export type { RuntimeAdapter } from './runtime-adapter.js';

const ADAPTERS: Readonly<Record<RuntimeId, RuntimeAdapter>> = { dynamo: dynamoAdapter, kuberay: kuberayAdapter };

export function adapterFor(id: RuntimeId): RuntimeAdapter {
  return ADAPTERS[id];
}

/** Every runtime's adapter, in registry order. */
export function allAdapters(): readonly RuntimeAdapter[] {
  return RUNTIME_IDS.map((id) => ADAPTERS[id]);
}

/** The adapter of the runtime whose model resource has this API group and kind, if any. */
export function adapterForKind(group: string, kind: string): RuntimeAdapter | undefined {
  const info = runtimeForKind(group, kind);
  return info && ADAPTERS[info.id];
}

/** The state of a model object of any runtime, by its apiVersion and kind; Unknown for a kind no runtime has. */
export function modelStateOf(o: { readonly apiVersion: string; readonly kind: string }, live: unknown): ModelState {
  const adapter = adapterForKind(apiGroup(o.apiVersion), o.kind);
  return adapter ? adapter.modelState(live) : { phase: 'Unknown', ready: 0, desired: 0, message: `unknown kind ${o.kind}` };
}
