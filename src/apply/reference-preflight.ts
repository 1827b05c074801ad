import { ForbiddenError } from '../kube/api-error.js';
import { ModelstackError, errorMessage } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectRef, type KubeObject } from '../model/kube-object.js';

/** Something the objects reference that must exist in the cluster before they can run. */
export interface Reference {
  readonly kind: 'Secret' | 'PersistentVolumeClaim' | 'StorageClass';
  readonly namespace?: string;
  readonly name: string;
  /** The Secret key read, when one is. */
  readonly key?: string;
  /** Who references it: `Kind namespace/name`. */
  readonly by: string;
}

/** One reference that failed its check: what, where, what is missing, and the fix. */
export interface ReferenceProblem {
  readonly reference: Reference;
  readonly problem: string;
  readonly fix: string;
  /** The check itself was refused (RBAC): the object may well exist. */
  readonly unchecked: boolean;
}

/**
 * The Secrets (env secretKeyRef, envFrom secretRef, secret volumes), PVCs (volumes, Dynamo's
 * compilationCache) and storage classes (of the PVCs rendered) the objects reference, in their
 * own namespace, leaving out those the objects themselves create.
 */
export function referencesOf(objects: readonly KubeObject[]): Reference[] {
  const rendered = new Set(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`));
  const out = new Map<string, Reference>();
  const add = (r: Reference): void => {
    if (r.kind !== 'StorageClass' && rendered.has(`${r.kind}/${r.namespace}/${r.name}`)) return;
    const k = `${r.kind}/${r.namespace ?? ''}/${r.name}/${r.key ?? ''}`;
    if (!out.has(k)) out.set(k, r);
  };
  for (const o of objects) {
    if (o.kind === 'Secret' || o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition') continue;
    const namespace = o.metadata.namespace ?? 'default';
    const by = objectRef(o);
    if (o.kind === 'PersistentVolumeClaim' && o.apiVersion === 'v1') {
      const sc = (o.spec as { storageClassName?: unknown } | undefined)?.storageClassName;
      if (typeof sc === 'string' && sc !== '') add({ kind: 'StorageClass', name: sc, by });
      continue;
    }
    walk(o, (node) => {
      const ref = node.secretKeyRef as { name?: unknown; key?: unknown } | undefined;
      if (ref && typeof ref.name === 'string' && typeof ref.key === 'string') add({ kind: 'Secret', namespace, name: ref.name, key: ref.key, by });
      const envFrom = node.secretRef as { name?: unknown; optional?: unknown } | undefined;
      if (envFrom && typeof envFrom.name === 'string' && envFrom.optional !== true) add({ kind: 'Secret', namespace, name: envFrom.name, by });
      const vol = node.secret as { secretName?: unknown; optional?: unknown } | undefined;
      if (vol && typeof vol.secretName === 'string' && vol.optional !== true) add({ kind: 'Secret', namespace, name: vol.secretName, by });
      const pvc = node.persistentVolumeClaim as { claimName?: unknown } | undefined;
      if (pvc && typeof pvc.claimName === 'string') add({ kind: 'PersistentVolumeClaim', namespace, name: pvc.claimName, by });
      const cc = node.compilationCache as { pvcName?: unknown } | undefined;
      if (cc && typeof cc.pvcName === 'string') add({ kind: 'PersistentVolumeClaim', namespace, name: cc.pvcName, by });
    });
  }
  return [...out.values()];
}

function walk(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const x of node) walk(x, visit);
  else if (typeof node === 'object' && node !== null) {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

const GET: Record<Reference['kind'], { apiVersion: string; resource: string }> = {
  Secret: { apiVersion: 'v1', resource: 'secrets' },
  PersistentVolumeClaim: { apiVersion: 'v1', resource: 'persistentvolumeclaims' },
  StorageClass: { apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses.storage.k8s.io' },
};

function describeRef(r: Reference): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** Checks one reference against the cluster; undefined when it is fine. */
async function check(kube: KubeApi, r: Reference): Promise<ReferenceProblem | undefined> {
  const g = GET[r.kind];
  let live: Record<string, unknown> | undefined;
  try {
    live = await kube.get({ apiVersion: g.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } });
  } catch (e) {
    if (e instanceof ForbiddenError) {
      return {
        reference: r,
        problem: `cannot be checked: reading it was refused (${e.permission})`,
        fix: `ask for RBAC permission to ${e.permission}, or pass --skip-preflight if you know it is there`,
        unchecked: true,
      };
    }
    return { reference: r, problem: `cannot be checked: ${errorMessage(e)}`, fix: 'retry, or pass --skip-preflight if you know it is there', unchecked: true };
  }
  if (live === undefined) {
    switch (r.kind) {
      case 'Secret':
        return {
          reference: r,
          problem: `does not exist in namespace "${r.namespace}"`,
          fix: `create it before applying: kubectl create secret generic ${r.name} -n ${r.namespace}${r.key ? ` --from-literal=${r.key}=<value>` : ' --from-literal=<key>=<value>'} (create the namespace first if it is new)`,
          unchecked: false,
        };
      case 'PersistentVolumeClaim':
        return {
          reference: r,
          problem: `does not exist in namespace "${r.namespace}"`,
          fix: 'create it (kubectl get pvc -n <namespace> lists what there is), or drop existingClaim and give the ModelCache a size so it creates its own',
          unchecked: false,
        };
      case 'StorageClass':
        return {
          reference: r,
          problem: 'does not exist in the cluster',
          fix: "use one of the cluster's storage classes (kubectl get storageclass), or leave storageClass unset for the default one",
          unchecked: false,
        };
    }
  }
  if (r.kind === 'Secret' && r.key !== undefined) {
    const keys = [...Object.keys((live.data as object | undefined) ?? {}), ...Object.keys((live.stringData as object | undefined) ?? {})];
    if (!keys.includes(r.key)) {
      return {
        reference: r,
        problem: `has no key "${r.key}" (its keys: ${keys.length ? keys.sort().join(', ') : 'none'})`,
        fix: `add the key "${r.key}" to the Secret, or reference the key it has`,
        unchecked: false,
      };
    }
  }
  if (r.kind === 'PersistentVolumeClaim') {
    const phase = (live.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Lost') {
      return {
        reference: r,
        problem: 'is Lost: the PersistentVolume it was bound to is gone',
        fix: 'recreate the claim (and restore the volume), or use another one',
        unchecked: false,
      };
    }
    const sc = (live.spec as { storageClassName?: string } | undefined)?.storageClassName;
    if (phase !== 'Bound' && sc) {
      const scProblem = await check(kube, { kind: 'StorageClass', name: sc, by: describeRef(r) });
      if (scProblem && !scProblem.unchecked) {
        return {
          reference: r,
          problem: `is ${phase ?? 'not bound'} and its storage class "${sc}" does not exist, so it can never bind`,
          fix: 'recreate the claim with an existing storage class',
          unchecked: false,
        };
      }
    }
  }
  return undefined;
}

/**
 * Refuses, before anything is written, when a Secret (and key), PVC or storage class the
 * objects reference is missing from their namespace (or the cluster): today's alternative is
 * pods that fail long after apply. Each problem names the object, the namespace, what is
 * missing, who references it and the fix; a check the caller may not make (403) is said as
 * "cannot be checked", never as missing.
 */
export async function referencePreflight(kube: KubeApi, objects: readonly KubeObject[]): Promise<readonly ReferenceProblem[]> {
  const refs = referencesOf(objects);
  const problems = (await Promise.all(refs.map((r) => check(kube, r)))).filter((p): p is ReferenceProblem => p !== undefined);
  if (problems.length === 0) return [];
  const missing = problems.filter((p) => !p.unchecked).length;
  const unchecked = problems.length - missing;
  const what = [...(missing ? [`${missing} referenced object(s) missing`] : []), ...(unchecked ? [`${unchecked} reference(s) cannot be checked`] : [])];
  throw new ModelstackError('PREFLIGHT', `preflight failed: ${what.join('; ')}; nothing was written`, {
    details: problems.flatMap((p) => [
      `${describeRef(p.reference)}${p.reference.key ? ` (key "${p.reference.key}")` : ''}, referenced by ${p.reference.by}: ${p.problem}`,
      `  fix: ${p.fix}`,
    ]),
    hint: 'fix the references above, or pass --skip-preflight to apply anyway',
    exitCode: 2,
  });
}
