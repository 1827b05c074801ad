import { ForbiddenError } from '../kube/api-error.js';
import type { KubeApi } from '../kube/kube-api.js';
import { LEGACY_PROVIDER_LABEL, RUNTIME_LABEL, STACK_LABEL } from '../model/labels.js';
import type { ModelPhase } from '../readiness/model-state.js';
import { allAdapters } from '../runtimes/adapters.js';
import type { RuntimeId } from '../runtimes/registry.js';

export interface ModelRow {
  readonly runtime: RuntimeId;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly phase: ModelPhase;
  readonly ready: number;
  readonly desired: number;
  /** The modelstack stack that owns it, if any. */
  readonly stack: string | null;
  readonly message: string;
}

export interface ListResult {
  readonly models: readonly ModelRow[];
  /** What could not be listed and why (a runtime not installed, a missing permission). */
  readonly notes: readonly string[];
}

export interface ListOptions {
  /** A namespace, or undefined for all namespaces. */
  readonly namespace?: string;
}

interface Obj {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string> };
}

/**
 * Model deployments of both runtimes. The runtime comes from the kind; the
 * `modelstack.io/runtime` label and the older `kubefoundry.io/provider` label are read too,
 * and a label that disagrees with the kind is pointed out.
 */
export async function listModels(kube: KubeApi, opts: ListOptions = {}): Promise<ListResult> {
  const models: ModelRow[] = [];
  const notes: string[] = [];
  for (const adapter of allAdapters()) {
    const { info } = adapter;
    const apiVersion = `${info.model.group}/${info.model.version}`;
    let items: Obj[] | undefined;
    try {
      items = await kube.list<Obj>(apiVersion, info.model.kind, { namespace: opts.namespace });
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      notes.push(`${info.displayName}: forbidden: cannot list (missing permission: ${e.permission})`);
      continue;
    }
    if (items === undefined) {
      notes.push(`${info.displayName}: not installed (${info.model.kind} ${apiVersion} is not served)`);
      continue;
    }
    for (const item of items) {
      const state = adapter.modelState(item);
      const labels = item.metadata.labels ?? {};
      const labelled = labels[RUNTIME_LABEL] ?? labels[LEGACY_PROVIDER_LABEL];
      const mismatch = labelled !== undefined && normalizeProvider(labelled) !== info.id ? ` (labelled runtime "${labelled}")` : '';
      models.push({
        runtime: info.id,
        kind: info.model.kind,
        namespace: item.metadata.namespace,
        name: item.metadata.name,
        phase: state.phase,
        ready: state.ready,
        desired: state.desired,
        stack: labels[STACK_LABEL] ?? null,
        message: `${state.message}${mismatch}`,
      });
    }
  }
  models.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  return { models, notes };
}

/** The older tool wrote provider names like "dynamo" and "kuberay" (sometimes "ray"). */
function normalizeProvider(value: string): string {
  const v = value.toLowerCase();
  return v === 'ray' ? 'kuberay' : v;
}
