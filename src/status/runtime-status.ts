import { ForbiddenError } from '../kube/api-error.js';
import type { KubeApi } from '../kube/kube-api.js';
import { deploymentHealth } from '../readiness/deployment.js';
import { describeCondition, findCondition } from '../readiness/conditions.js';
import { allAdapters } from '../runtimes/adapters.js';
import type { RuntimeInfo } from '../runtimes/registry.js';
import { findOperator, operatorPods, operatorVersion } from './operator-lookup.js';

/** One runtime as a cluster has it. `null` means the caller's permissions do not let us tell. */
export interface RuntimeStatus {
  readonly id: string;
  readonly name: string;
  readonly installed: boolean | null;
  readonly healthy: boolean | null;
  readonly version: string | null;
  readonly message: string;
  /** Set when a check was refused (403): the permission it lacked, and the user refused, if the API server said. */
  readonly forbidden?: MissingPermission;
}

export interface MissingPermission {
  /** "get customresourcedefinitions.apiextensions.k8s.io cluster-wide", "list pods in namespace x" */
  readonly permission: string;
  readonly user?: string;
}

export interface StatusOptions {
  /** Look for operators only in this namespace. @default all namespaces */
  readonly namespace?: string;
}

type CrdCheck =
  | { readonly state: 'ok' }
  | { readonly state: 'missing' | 'not-established'; readonly crd: string; readonly why?: string }
  | { readonly state: 'forbidden'; readonly missing: MissingPermission };

/** Checks every runtime: CRDs present and Established, operator Deployment available with ready pods, version. */
export async function runtimeStatus(kube: KubeApi, opts: StatusOptions = {}): Promise<RuntimeStatus[]> {
  const out: RuntimeStatus[] = [];
  const served = await servedCrdNames(kube);
  for (const { info } of allAdapters()) out.push(await oneRuntime(kube, info, opts, served));
  return out;
}

async function oneRuntime(kube: KubeApi, info: RuntimeInfo, opts: StatusOptions, served: ReadonlySet<string> | undefined): Promise<RuntimeStatus> {
  const crds = info.crdNames.every((crd) => served?.has(crd)) ? ({ state: 'ok' } as const) : await checkCrds(kube, info);
  const base = { id: info.id, name: info.displayName };
  if (crds.state === 'forbidden') {
    return { ...base, installed: null, healthy: null, version: null, message: cannotCheck(crds.missing), forbidden: crds.missing };
  }
  const installed = crds.state === 'ok';
  const crdMessage =
    crds.state === 'missing'
      ? `CRD ${crds.crd} not found`
      : crds.state === 'not-established'
        ? `CRD ${crds.crd} not Established${crds.why ? ` (${crds.why})` : ''}`
        : '';

  const op = await findOperator(kube, info, opts.namespace);
  if (op.found === 'forbidden') {
    const missing = missingPermission(op);
    return { ...base, installed, healthy: null, version: null, message: joinMessages(crdMessage, cannotCheck(missing)), forbidden: missing };
  }
  if (op.found === false) {
    return { ...base, installed, healthy: false, version: null, message: joinMessages(crdMessage, `operator not found (searched ${op.searched})`) };
  }
  const where = `${op.deployment.metadata.namespace}/${op.deployment.metadata.name}`;
  const version = operatorVersion(op.deployment, info);
  let pods: unknown[];
  try {
    pods = await operatorPods(kube, op.deployment);
  } catch (e) {
    if (!(e instanceof ForbiddenError)) throw e;
    const missing = missingPermission(e);
    return {
      ...base,
      installed,
      healthy: null,
      version,
      message: joinMessages(crdMessage, `operator ${where}: ${cannotCheck(missing)}`),
      forbidden: missing,
    };
  }
  const health = deploymentHealth(op.deployment, pods);
  return {
    ...base,
    installed,
    healthy: installed && health.healthy,
    version,
    message: joinMessages(crdMessage, `operator ${where}: ${health.message}`),
  };
}

/**
 * The CRDs whose resources discovery serves, by CRD name (`plural.group`): the aggregated
 * discovery documents the client reads (and caches) anyway, a few kB instead of whole CRDs with
 * their schemas (megabytes). The API server serves a CRD's resources only once its Established
 * condition is True (apiextensions-apiserver v0.36.3, pkg/apiserver/customresource_discovery_controller.go),
 * so a served CRD needs no read. One that is not served is read (checkCrds) to say why: missing,
 * not Established, or not readable. Undefined when discovery cannot be read (refused, not
 * served as aggregated documents, unreachable): the CRDs are then read as before, and their
 * reads report what is wrong.
 */
async function servedCrdNames(kube: KubeApi): Promise<ReadonlySet<string> | undefined> {
  try {
    return new Set((await kube.servedResources()).filter((r) => r.group !== '').map((r) => `${r.plural}.${r.group}`));
  } catch {
    return undefined;
  }
}

async function checkCrds(kube: KubeApi, info: RuntimeInfo): Promise<CrdCheck> {
  for (const crd of info.crdNames) {
    let obj: unknown;
    try {
      obj = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: crd } });
    } catch (e) {
      if (e instanceof ForbiddenError) return { state: 'forbidden', missing: missingPermission(e) };
      throw e;
    }
    if (!obj) return { state: 'missing', crd };
    const established = findCondition(obj, 'Established');
    if (established?.status !== 'True') return { state: 'not-established', crd, why: describeCondition(established) };
  }
  return { state: 'ok' };
}

function missingPermission(e: { readonly permission: string; readonly user?: string }): MissingPermission {
  return { permission: e.permission, ...(e.user ? { user: e.user } : {}) };
}

/** What a refused check says in place of a verdict: it cannot check, and the permission it lacks. */
function cannotCheck(missing: MissingPermission): string {
  return `forbidden: cannot check (missing permission: ${missing.permission})`;
}

function joinMessages(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('; ');
}
