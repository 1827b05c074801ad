import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { ModelstackError } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import { isKubeObject, type KubeObject } from '../model/kube-object.js';

/** An object to import and where it came from. */
export interface SourcedObject {
  readonly object: KubeObject;
  /** The file it was read from, or "namespace NS" for the cluster. */
  readonly source: string;
}

/** The model kinds import reads from a namespace, in the versions it asks for. */
export const LIVE_KINDS = [
  { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment' },
  { apiVersion: 'ray.io/v1', kind: 'RayService' },
] as const;

/** Every object of YAML files (one or more documents each; a `kind: List` counts as its items). */
export async function readObjectFiles(paths: readonly string[]): Promise<SourcedObject[]> {
  const out: SourcedObject[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new ModelstackError('IO', `import: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        hint: 'pass existing YAML files with -f',
      });
    }
    const docs = parseAllDocuments(text);
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      if (doc.errors.length > 0) {
        throw new ModelstackError('INVALID', `import: ${path} document ${i + 1} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, {
          hint: 'fix the YAML, or export the objects again with kubectl get -o yaml',
        });
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      const items = isKubeObject(value) && value.kind === 'List' && Array.isArray(value.items) ? (value.items as unknown[]) : [value];
      for (const item of items) {
        if (!isKubeObject(item)) {
          throw new ModelstackError('INVALID', `import: ${path} document ${i + 1} is not a Kubernetes object (apiVersion, kind and metadata)`, {
            hint: 'pass the YAML of DynamoGraphDeployments and RayServices',
          });
        }
        out.push({ object: item, source: path });
      }
    }
  }
  return out;
}

/** The DynamoGraphDeployments and RayServices of a namespace, as the cluster has them. */
export async function readLiveObjects(kube: KubeApi, namespace: string): Promise<SourcedObject[]> {
  const out: SourcedObject[] = [];
  for (const k of LIVE_KINDS) {
    const items = (await kube.list<Record<string, unknown>>(k.apiVersion, k.kind, { namespace })) ?? [];
    const sorted = items.map((i) => ({ ...i, apiVersion: k.apiVersion, kind: k.kind }) as KubeObject);
    sorted.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    for (const object of sorted) out.push({ object, source: `namespace ${namespace}` });
  }
  return out;
}
