import { ModelstackError } from '../errors.js';
import { apiGroup, type KubeObject, type StackManifest } from '../model/kube-object.js';
import { toYaml } from './render-yaml.js';
import { yaml } from '../util/yaml-on-demand.js';
import type { YamlCache } from './yaml-cache.js';

export type Layout = 'file-per-chart' | 'file-per-resource';
export const LAYOUTS: readonly Layout[] = ['file-per-chart', 'file-per-resource'];

export interface OutputFile {
  /** Path relative to the output directory, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

export interface LayoutOptions {
  readonly layout: Layout;
  /** Also write a kustomization.yaml listing every file in apply order. */
  readonly kustomization: boolean;
  /** Texts of unchanged objects from the last synth (yaml-cache.ts). @default none: every object is rendered */
  readonly cache?: YamlCache;
}

/** Lays the stacks out as files. Object order inside files and in the kustomization is apply order. */
export function layoutFiles(stacks: readonly StackManifest[], opts: LayoutOptions): OutputFile[] {
  const files = opts.layout === 'file-per-chart' ? perChart(stacks, opts.cache) : perResource(stacks, opts.cache);
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) {
      throw new ModelstackError('USAGE', `two stacks would both write ${f.path}`, {
        hint: 'give every chart (stack) in the app its own construct id',
      });
    }
    seen.add(f.path);
  }
  if (opts.kustomization) files.push(kustomization(files.map((f) => f.path)));
  return files;
}

function perChart(stacks: readonly StackManifest[], cache: YamlCache | undefined): OutputFile[] {
  return stacks.map((s) => ({ path: `${fileSafe(s.id)}.k8s.yaml`, content: toYaml(s.objects, cache) }));
}

function perResource(stacks: readonly StackManifest[], cache: YamlCache | undefined): OutputFile[] {
  const out: OutputFile[] = [];
  for (const s of stacks) {
    const used = new Set<string>();
    for (const o of s.objects) {
      let base = resourceFileName(o, false);
      if (used.has(base)) base = resourceFileName(o, true);
      used.add(base);
      out.push({ path: `${fileSafe(s.id)}/${base}.yaml`, content: toYaml([o], cache) });
    }
  }
  return out;
}

/** `kind-namespace-name` (or `kind-name` for cluster-scoped objects), lower case. */
function resourceFileName(o: KubeObject, withGroup: boolean): string {
  const group = apiGroup(o.apiVersion) || 'core';
  const parts = [o.kind, ...(withGroup ? [group] : []), o.metadata.namespace, o.metadata.name].filter((p): p is string => typeof p === 'string' && p !== '');
  return fileSafe(parts.join('-').toLowerCase());
}

function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-');
}

function kustomization(paths: readonly string[]): OutputFile {
  const doc = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...paths],
  };
  return { path: 'kustomization.yaml', content: yaml().stringify(doc, { lineWidth: 0, indentSeq: true }) };
}
