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
  /** Runtimes whose kind is not served (not installed). */
  readonly notes: readonly string[];
  /** Runtimes whose model kind was listed. */
  readonly listed: readonly RuntimeId[];
  /** Model kinds the caller may not list (403): `models` then lacks them. */
  readonly forbidden: readonly ForbiddenKind[];
}

/** A model kind the API server refused to list. */
export interface ForbiddenKind {
  readonly runtime: RuntimeId;
  readonly kind: string;
  /** The resource refused, "rayservices.ray.io". */
  readonly resource: string;
  /** "list rayservices.ray.io in namespace llm", "list rayservices.ray.io cluster-wide" */
  readonly permission: string;
  /** The user refused, when the API server named it. */
  readonly user?: string;
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
 * and a label that disagrees with the kind is pointed out. A kind the caller may not list is
 * reported in `forbidden`, never taken for "none there" (the toolkit then throws
 * ListForbiddenError).
 */
export async function listModels(kube: KubeApi, opts: ListOptions = {}): Promise<ListResult> {
  const models: ModelRow[] = [];
  const notes: string[] = [];
  const listed: RuntimeId[] = [];
  const forbidden: ForbiddenKind[] = [];
  for (const adapter of allAdapters()) {
    const { info } = adapter;
    const apiVersion = `${info.model.group}/${info.model.version}`;
    let items: Obj[] | undefined;
    try {
      items = await kube.list<Obj>(apiVersion, info.model.kind, { namespace: opts.namespace });
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      forbidden.push({ runtime: info.id, kind: info.model.kind, resource: e.resource, permission: e.permission, ...(e.user ? { user: e.user } : {}) });
      continue;
    }
    if (items === undefined) {
      notes.push(`${info.displayName}: not installed (${info.model.kind} ${apiVersion} is not served)`);
      continue;
    }
    listed.push(info.id);
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
  return { models, notes, listed, forbidden };
}

/** The older tool wrote provider names like "dynamo" and "kuberay" (sometimes "ray"). */
function normalizeProvider(value: string): string {
  const v = value.toLowerCase();
  return v === 'ray' ? 'kuberay' : v;
}
