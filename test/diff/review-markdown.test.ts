// Reviewer-grade diff (issue 18): the markdown of a change set with every kind of change (golden),
// the split into comment-sized parts that keeps every object whole, --ignore paths, and Secret
// keys named without their values.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffObjects } from '../../src/diff/change-set.js';
import { parseIgnorePath, withoutIgnored } from '../../src/diff/ignore-paths.js';
import { renderJson } from '../../src/diff/render/json.js';
import { renderMarkdown, renderMarkdownParts } from '../../src/diff/render/markdown.js';
import { writeMarkdownParts } from '../../src/diff/render/split-markdown.js';
import { renderText } from '../../src/diff/render/text.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { repoRoot } from '../support/paths.js';
import { configMap, namespace, secret } from './kube-objects.js';

type Json = Record<string, any>;

const pod = (gpus: number, image = 'vllm:1'): Json => ({
  spec: { containers: [{ name: 'main', image, ...(gpus > 0 ? { resources: { limits: { 'nvidia.com/gpu': String(gpus) } } } : {}) }] },
});
const dgd = (name: string, prefill: number, decode: number, image = 'vllm:1'): KubeObject => ({
  apiVersion: 'nvidia.com/v1beta1',
  kind: 'DynamoGraphDeployment',
  metadata: { name, namespace: 'llm' },
  spec: {
    backendFramework: 'vllm',
    components: [
      { name: 'Frontend', type: 'frontend', replicas: 1, podTemplate: pod(0) },
      { name: 'VllmPrefillWorker', type: 'prefill', replicas: prefill, podTemplate: pod(1, image) },
      { name: 'VllmDecodeWorker', type: 'decode', replicas: decode, podTemplate: pod(1, image) },
    ],
  },
});
const rayService = (image: string, serve = 'applications: []'): KubeObject => ({
  apiVersion: 'ray.io/v1',
  kind: 'RayService',
  metadata: { name: 'ray-llm', namespace: 'ray' },
  spec: {
    serveConfigV2: serve,
    rayClusterConfig: {
      rayVersion: '2.49.0',
      headGroupSpec: { rayStartParams: {}, template: pod(0, 'ray:1') },
      workerGroupSpecs: [{ groupName: 'gpu', replicas: 2, minReplicas: 2, maxReplicas: 2, rayStartParams: {}, template: pod(2, image) }],
    },
  },
});

/** Every kind of change: add, remove, unchanged, a scale in place, a rolling restart, a new RayCluster, a Serve-only change, a Secret key change. */
const BEFORE: KubeObject[] = [
  namespace('llm'),
  dgd('scaled', 1, 2),
  dgd('rolled', 1, 1),
  rayService('ray:1'),
  secret('hf', { data: { token: 'b2xk', same: 'eA==', gone: 'eQ==' } }),
  configMap('old-config', { a: '1' }),
];
const AFTER: KubeObject[] = [
  namespace('llm'),
  dgd('scaled', 2, 4),
  dgd('rolled', 1, 1, 'vllm:2'),
  rayService('ray:2'),
  secret('hf', { data: { token: 'bmV3', same: 'eA==', added: 'eg==' } }),
  configMap('new-config', { b: '2' }),
];

function golden(name: string, actual: string): void {
  const path = join(repoRoot, 'test', 'golden', 'files', name);
  if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(path) && process.env.CI !== 'true')) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('the reviewer markdown', () => {
  const cs = diffObjects(BEFORE, AFTER);

  test('golden: summary table per kind, GPU totals, rollout labels, deletions first, Secret keys named', () => {
    const md = renderMarkdown(cs, { source: 'git origin/main' });
    golden('diff-review.md', md);
    // What the golden file must say, whatever its exact bytes.
    expect(md).toContain('| DynamoGraphDeployment | 0 | 2 | 0 | 0 |');
    expect(md).toContain('| ConfigMap | 1 | 0 | **1** | 0 |');
    expect(md).toMatch(/\*\*GPUs: 9 → 12 \(\+3\)\*\*, and up to 6 more while the rollouts run/);
    expect(md).toContain('in place, no pod restarts (VllmPrefillWorker, VllmDecodeWorker), +3 GPUs');
    expect(md).toContain('rolling restart of VllmPrefillWorker, VllmDecodeWorker, 2 extra GPUs during the rollout');
    expect(md).toContain('new RayCluster (two clusters run side by side until the new one is ready), 4 extra GPUs during the rollout');
    expect(md).toContain('Secret keys: changed: token; added: added; removed: gone (values masked)');
    expect(md).not.toMatch(/b2xk|bmV3|eA==/);
    expect(md.indexOf('Deletions')).toBeLessThan(md.indexOf('#### Changes'));
  });

  test('text and JSON carry the same rollout labels and GPU totals', () => {
    const text = renderText(cs, { color: false });
    const json = JSON.parse(renderJson(cs));
    for (const c of cs.changes.filter((x) => x.rollout)) {
      expect(text).toContain(c.rollout!.label);
      expect(json.changes.find((j: Json) => j.ref === c.ref).rollout.label).toBe(c.rollout!.label);
    }
    expect(text).toContain('GPUs: 9 -> 12, up to 6 more during the rollouts');
    expect(json.gpus.namespaces).toEqual([
      { namespace: 'llm', before: 5, after: 8, extraDuringRollout: 2 },
      { namespace: 'ray', before: 4, after: 4, extraDuringRollout: 4 },
    ]);
    expect(json.changes.find((j: Json) => j.kind === 'Secret').secretKeys).toEqual({ added: ['added'], changed: ['token'], removed: ['gone'] });
  });
});

describe('--split-dir: parts of at most the limit, every object whole', () => {
  const many = (n: number, size: number): KubeObject[] => Array.from({ length: n }, (_, i) => configMap(`cm-${i}`, { v: `${i}`.repeat(size) }));

  test('each part is under the limit, starts with a heading, and holds whole sections; together they hold every section once', () => {
    const cs = diffObjects([...many(3, 10), configMap('gone', { a: '1' })], [...many(40, 400).slice(3), ...many(3, 20)]);
    const limit = 4_000;
    const parts = renderMarkdownParts(cs, { limit });
    expect(parts.length).toBeGreaterThan(3);
    for (const [i, p] of parts.entries()) {
      expect(p.length).toBeLessThanOrEqual(limit);
      expect(p.startsWith(i === 0 ? '### modelstack diff\n' : `### modelstack diff (part ${i + 1} of ${parts.length})\n`)).toBe(true);
      expect(p.split('<details>').length).toBe(p.split('</details>').length);
    }
    for (const c of cs.changes) {
      const holders = parts.filter((p) => p.includes(`</code> ${c.ref}<`) || p.includes(`</code> ${c.ref} `));
      expect(holders).toHaveLength(1);
      expect(holders[0]).toContain(c.diff.split('\n').slice(-2).join('\n'));
    }
    expect(parts[0]).toContain('Deletions');
  });

  test('an object whose diff alone is over the limit keeps its heading and says where to see it, nothing is cut', () => {
    const cs = diffObjects([], [configMap('huge', { v: 'x'.repeat(10_000) }), configMap('small', { v: '1' })]);
    const parts = renderMarkdownParts(cs, { limit: 3_000 });
    const all = parts.join('');
    expect(all).toContain('</code> ConfigMap llm/huge</summary>');
    expect(all).toMatch(/The diff of this object \([\d,]+ characters\) is over the limit/);
    expect(all).toContain('+data:');
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3_000);
  });

  test('the files are numbered, and the parts of an earlier run are removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'split-'));
    try {
      writeFileSync(join(dir, 'modelstack-diff-9.md'), 'stale');
      writeFileSync(join(dir, 'notes.md'), 'kept');
      const paths = await writeMarkdownParts(dir, ['a', 'b']);
      expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(['modelstack-diff-1.md', 'modelstack-diff-2.md']);
      expect(readdirSync(dir).sort()).toEqual(['modelstack-diff-1.md', 'modelstack-diff-2.md', 'notes.md']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--ignore PATH', () => {
  test('drops a field on both sides, so a change only there is no change', () => {
    const b = dgd('m', 1, 2);
    const a = dgd('m', 1, 5);
    expect(diffObjects([b], [a]).summary.change).toBe(1);
    const ignore = [parseIgnorePath('DynamoGraphDeployment:spec.components[type=decode].replicas')];
    expect(diffObjects([b], [a], { ignore }).summary).toEqual({ add: 0, change: 0, remove: 0, unchanged: 1 });
    // Other kinds are left alone by a Kind: prefix.
    expect(withoutIgnored(configMap('c', { a: '1' }), [parseIgnorePath('ConfigMap:data.a')]).data).toEqual({});
    expect(withoutIgnored(configMap('c', { a: '1' }), ignore).data).toEqual({ a: '1' });
  });

  test('quoted keys, indexes and every element', () => {
    const o: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'example.com/build': '7', keep: 'x' } },
      data: { list: '' },
    };
    expect(withoutIgnored(o, [parseIgnorePath('metadata.annotations["example.com/build"]')]).metadata.annotations).toEqual({ keep: 'x' });
    const d = dgd('m', 1, 1);
    const noReplicas = withoutIgnored(d, [parseIgnorePath('spec.components[].replicas')]) as Json;
    expect(noReplicas.spec.components.map((c: Json) => c.replicas)).toEqual([undefined, undefined, undefined]);
    expect((withoutIgnored(d, [parseIgnorePath('spec.components[0]')]) as Json).spec.components).toHaveLength(2);
    expect((d.spec as Json).components).toHaveLength(3); // the input is never changed
  });

  test('a path it cannot read is a usage error naming the path', () => {
    expect(() => parseIgnorePath('spec..x')).toThrow(/--ignore "spec\.\.x": cannot read the path at "\.\.x"/);
    expect(() => parseIgnorePath('spec[')).toThrow(/cannot read the path/);
  });
});
