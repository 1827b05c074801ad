import { ModelstackError } from '../errors.js';
import { isKubeObject, type KubeObject } from '../model/kube-object.js';
import { yaml } from '../util/yaml-on-demand.js';
import type { YamlCache } from './yaml-cache.js';

/**
 * The one YAML form modelstack writes: keys as given, no line folding, block literals for
 * multi-line strings. Same objects, same bytes. (`directives: false`: a document made from plain
 * values has no directive to write, and without it yaml 2.9.1 does not walk the whole document
 * looking for tags, src: dist/doc/directives.js Directives.toString, about a tenth of the time.)
 */
export function toYaml(objects: readonly unknown[], cache?: YamlCache): string {
  return objects.map((o) => (cache ? cache.render(o, renderOne) : renderOne(o))).join('---\n');
}

function renderOne(o: unknown): string {
  return yaml().stringify(o, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false, directives: false });
}

/** Holds the kinds of values manifests do: nested maps and lists, plain and quoted strings, a block literal, numbers, booleans, null. */
const WARM_UP_OBJECT = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'warm-up', labels: { 'app.kubernetes.io/name': 'warm-up', port: '8000' } },
  data: { 'config.yaml': 'a: 1\nb: [x, y]\n', empty: '', flag: 'true' },
  spec: { replicas: 2, ratio: 0.5, enabled: false, none: null, args: ['--port', '8000'], env: [{ name: 'A', value: 'b c' }], map: {}, list: [] },
};

/**
 * Loads the yaml package and writes one small object, so that loading the writer and compiling
 * its code on first use (about 30 ms and 20-40 ms here) happen now rather than when the output is
 * written: run-app.ts calls it while the app runs, when this process is otherwise idle.
 */
export function warmUpToYaml(): void {
  toYaml([WARM_UP_OBJECT]);
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
