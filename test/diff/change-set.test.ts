import { diffObjects, hasChanges } from '../../src/diff/change-set.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { configMap, deployment, namespace } from './kube-objects.js';

describe('diffObjects', () => {
  it('finds adds, changes and removes, and counts unchanged objects without listing them', () => {
    const before = [namespace('llm'), deployment('a', 1), deployment('gone')];
    const after = [namespace('llm'), deployment('a', 2), deployment('new')];
    const cs = diffObjects(before, after);
    expect(cs.summary).toEqual({ add: 1, change: 1, remove: 1, unchanged: 1 });
    expect(cs.changes.map((c) => [c.action, c.ref])).toEqual([
      ['change', 'Deployment llm/a'],
      ['add', 'Deployment llm/new'],
      ['remove', 'Deployment llm/gone'],
    ]);
    expect(hasChanges(cs)).toBe(true);
  });

  it('keeps after-side order for adds and changes, then before-side order for removes', () => {
    const before = [deployment('r2'), deployment('c2', 1), deployment('r1'), deployment('c1', 1)];
    const after = [deployment('c1', 2), deployment('a1'), deployment('c2', 2), deployment('a2')];
    expect(diffObjects(before, after).changes.map((c) => c.ref.split('/')[1])).toEqual(['c1', 'a1', 'c2', 'a2', 'r2', 'r1']);
  });

  it('carries key, ref, the objects and a unified diff naming the object', () => {
    const [change] = diffObjects([deployment('a', 1)], [deployment('a', 2)]).changes;
    expect(change!.key).toBe('apps/Deployment/llm/a');
    expect(change!.before).toEqual(deployment('a', 1));
    expect(change!.after).toEqual(deployment('a', 2));
    expect(change!.diff).toContain('--- before: Deployment llm/a\n+++ after: Deployment llm/a\n');
    expect(change!.diff).toContain('-  replicas: 1\n+  replicas: 2\n');
  });

  it('diffs an add against /dev/null and a remove to /dev/null', () => {
    const cs = diffObjects([configMap('old', { k: 'v' })], [configMap('new', { k: 'v' })]);
    const [add, remove] = cs.changes;
    expect(add!.diff.split('\n').slice(0, 3)).toEqual(['--- /dev/null', '+++ after: ConfigMap llm/new', '@@ -0,0 +1,7 @@']);
    expect(add!.before).toBeUndefined();
    expect(remove!.diff.split('\n').slice(0, 3)).toEqual(['--- before: ConfigMap llm/old', '+++ /dev/null', '@@ -1,7 +0,0 @@']);
    expect(remove!.after).toBeUndefined();
  });

  it('ignores key order: reordered objects are unchanged', () => {
    const a = deployment('a');
    const reordered = JSON.parse(
      JSON.stringify({ spec: a.spec, metadata: { labels: a.metadata.labels, namespace: 'llm', name: 'a' }, kind: a.kind, apiVersion: a.apiVersion }),
    ) as KubeObject;
    const cs = diffObjects([reordered], [a]);
    expect(cs.changes).toEqual([]);
    expect(cs.summary.unchanged).toBe(1);
    expect(hasChanges(cs)).toBe(false);
  });

  it('shows only the real change when the sides also order keys differently', () => {
    const a = deployment('a', 1);
    const { replicas, ...rest } = a.spec as Record<string, unknown>;
    const reordered = { spec: { ...rest, replicas }, kind: a.kind, metadata: a.metadata, apiVersion: a.apiVersion } as KubeObject;
    const [change] = diffObjects([reordered], [deployment('a', 4)]).changes;
    const edits = change!.diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    expect(edits).toEqual(['-  replicas: 1', '+  replicas: 4']);
  });

  it('matches by group, kind, namespace and name', () => {
    const cm = configMap('same', { k: 'v' });
    const otherKind: KubeObject = { ...cm, kind: 'Secret' };
    const otherNs = configMap('same', { k: 'v' }, 'other');
    const otherGroup: KubeObject = { ...cm, apiVersion: 'example.com/v1' };
    const cs = diffObjects([cm], [otherKind, otherNs, otherGroup]);
    expect(cs.changes.map((c) => `${c.action} ${c.key}`)).toEqual([
      'add /Secret/llm/same',
      'add /ConfigMap/other/same',
      'add example.com/ConfigMap/llm/same',
      'remove /ConfigMap/llm/same',
    ]);
  });

  it('treats another version of the same group as the same object', () => {
    const v1: KubeObject = { apiVersion: 'example.com/v1alpha1', kind: 'Thing', metadata: { name: 't' }, spec: { a: 1 } };
    const v2: KubeObject = { ...v1, apiVersion: 'example.com/v1' };
    expect(diffObjects([v1], [v2]).changes.map((c) => c.action)).toEqual(['change']);
  });

  it('refuses a side that has the same object twice', () => {
    expect(() => diffObjects([deployment('a'), deployment('a', 2)], [])).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('before side has Deployment llm/a') }),
    );
  });

  it('is empty for two empty sides', () => {
    expect(diffObjects([], [])).toEqual({
      changes: [],
      summary: { add: 0, change: 0, remove: 0, unchanged: 0 },
      byKind: [],
      gpus: { models: [], namespaces: [], before: 0, after: 0, extraDuringRollout: 0 },
    });
  });
});
