import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ModelstackError, errorMessage } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import { allRuntimes } from '../runtimes/registry.js';
import { type CrdStore, crdFromObject, crdStoreOf, loadCrds, splitApiVersion } from '../schema/crd-store.js';
import { resolveCrdsDir } from '../schema/crds-dir.js';
import { type SchemaIssue, validateObject } from '../schema/validate.js';
import { autoscaledFields } from '../gitops/autoscaled-fields.js';
import { type KubeObject, objectRef } from '../model/kube-object.js';
import { manifestFiles } from '../synth/manifest-files.js';
import { parseManifests } from '../synth/render-yaml.js';

export interface ObjectResult {
  readonly file: string;
  readonly object: string;
  /** "valid", "invalid", or "skipped" (not a custom resource the CRDs know). */
  readonly outcome: 'valid' | 'invalid' | 'skipped';
  readonly issues: readonly SchemaIssue[];
  readonly note?: string;
}

/** Not invalid, but likely wrong: e.g. a fixed replica count an autoscaler also sets. */
export interface ValidateWarning {
  readonly file: string;
  readonly object: string;
  readonly message: string;
}

export interface ValidateResult {
  readonly crdSource: string;
  readonly results: readonly ObjectResult[];
  readonly warnings: readonly ValidateWarning[];
  readonly invalid: number;
  readonly valid: number;
  readonly skipped: number;
}

/** Model kinds must always find their CRD; other unknown kinds (Flux, Argo CD, core) are skipped. */
const REQUIRED_KINDS = new Set(allRuntimes().map((r) => `${r.model.group}/${r.model.kind}`));

export interface CrdSource {
  readonly store: CrdStore;
  readonly source: string;
}

/** controller-gen names CRD files `<group>_<plural>.yaml`. */
const CONTROLLER_GEN_FILE = /(^|\/)([a-z0-9.-]+)_[a-z0-9]+\.ya?ml$/;

/**
 * CRDs from a directory (--crds, MODELSTACK_CRDS_DIR, or ../shared/crds). With `groups`, files
 * named the controller-gen way for other API groups are not read (the upstream files are large);
 * files named any other way are always read.
 */
export async function crdsFromDir(explicit?: string, groups?: ReadonlySet<string>): Promise<CrdSource> {
  const dir = resolveCrdsDir(explicit);
  const include = groups
    ? (p: string): boolean => {
        const m = CONTROLLER_GEN_FILE.exec(p);
        return !m || groups.has(m[2]!);
      }
    : undefined;
  return { store: await loadCrds(dir, include ? { include } : {}), source: dir };
}

/** CRDs from the live cluster. */
export async function crdsFromCluster(kube: KubeApi): Promise<CrdSource> {
  const items = (await kube.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')) ?? [];
  const crds = items.map((o) => crdFromObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', ...o }, 'cluster'));
  return { store: crdStoreOf(crds), source: `cluster ${kube.serverUrl}` };
}

/**
 * Validates every custom resource in the manifests under `dir` against the CRDs' schemas.
 * `crds` is a loaded source, or a loader told the API groups the manifests use.
 */
export async function validateManifests(dir: string, crds: CrdSource | ((groups: ReadonlySet<string>) => Promise<CrdSource>)): Promise<ValidateResult> {
  const root = resolve(dir);
  const files = await filesOf(root);
  const parsed: Array<{ rel: string; objects: KubeObject[] }> = [];
  for (const file of files) {
    const rel = relative(root, file) || file;
    parsed.push({ rel, objects: parseManifests(await readFile(file, 'utf8'), rel) });
  }
  const groups = new Set(parsed.flatMap((f) => f.objects.map((o) => splitApiVersion(o.apiVersion).group)));
  const source = typeof crds === 'function' ? await crds(groups) : crds;
  const results: ObjectResult[] = [];
  for (const f of parsed) for (const o of f.objects) results.push(validateOne(o, f.rel, source.store));
  const count = (k: ObjectResult['outcome']): number => results.filter((r) => r.outcome === k).length;
  const fileOf = new Map(parsed.flatMap((f) => f.objects.map((o) => [o, f.rel] as const)));
  const warnings = autoscaledFields(parsed.flatMap((f) => f.objects))
    .filter((a) => a.fixedReplicas !== undefined)
    .map((a) => ({
      file: fileOf.get(a.object) ?? '',
      object: a.ref,
      message: `${a.path} is fixed at ${a.fixedReplicas} but ${a.autoscaler} scales it: every apply or sync resets what it scaled; leave the count out (modelstack's constructs do)`,
    }));
  return { crdSource: source.source, results, warnings, invalid: count('invalid'), valid: count('valid'), skipped: count('skipped') };
}

function validateOne(o: KubeObject, file: string, store: CrdStore): ObjectResult {
  const { group } = splitApiVersion(o.apiVersion);
  const object = objectRef(o);
  if (!store.crdFor(group, o.kind)) {
    if (REQUIRED_KINDS.has(`${group}/${o.kind}`)) {
      return { file, object, outcome: 'invalid', issues: [{ path: '', message: `no CRD for ${o.apiVersion} ${o.kind} in the CRD source` }] };
    }
    return { file, object, outcome: 'skipped', issues: [], note: group === '' || !group.includes('.') ? 'built-in kind' : 'no CRD for this kind' };
  }
  const { issues } = validateObject(o, store);
  return { file, object, outcome: issues.length ? 'invalid' : 'valid', issues };
}

async function filesOf(root: string): Promise<string[]> {
  const s = await stat(root).catch((e: unknown) => {
    throw new ModelstackError('IO', `cannot read ${root}: ${errorMessage(e)}`, {
      hint: 'run "modelstack synth" first, or pass the directory of your manifests',
    });
  });
  return s.isFile() ? [root] : manifestFiles(root);
}
