import { ModelstackError } from '../errors.js';
import { isKubeObject, type KubeObject } from '../model/kube-object.js';
import { yaml } from '../util/yaml-on-demand.js';

/**
 * The one YAML form modelstack writes: keys as given, no line folding, block literals for
 * multi-line strings. Same objects, same bytes.
 */
export function toYaml(objects: readonly unknown[]): string {
  return objects.map((o) => yaml().stringify(o, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false })).join('---\n');
}

/** Parses every document of a YAML (or JSON) text; empty documents are skipped. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of yaml().parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new ModelstackError('IO', `${source}: not valid YAML: ${doc.errors[0]!.message}`, {
        hint: 'fix the file or remove it from the directory',
      });
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) if (isKubeObject(v)) out.push(v);
      continue;
    }
    // A List (as `kubectl get -o yaml` writes it, metadata included) stands for its items.
    if (typeof value === 'object' && (value as Record<string, unknown>).kind === 'List') {
      const items = (value as Record<string, unknown>).items;
      for (const v of Array.isArray(items) ? items : []) if (isKubeObject(v)) out.push(v);
    } else if (isKubeObject(value)) out.push(value);
  }
  return out;
}
