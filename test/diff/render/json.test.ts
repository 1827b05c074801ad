import { diffObjects } from '../../../src/diff/change-set.js';
import { renderJson, toJsonReport } from '../../../src/diff/render/json.js';
import { configMap, deployment, namespace } from '../kube-objects.js';

const before = [namespace('old'), configMap('same', { k: 'v' }), deployment('a', 1)];
const after = [configMap('same', { k: 'v' }), deployment('a', 2), namespace('new')];

describe('renderJson', () => {
  it('has the summary and every change with its identity, diff and objects', () => {
    const report = JSON.parse(renderJson(diffObjects(before, after))) as ReturnType<typeof toJsonReport>;
    expect(report.summary).toEqual({ add: 1, change: 1, remove: 1, unchanged: 1 });
    expect(report.changes.map((c) => Object.keys(c))).toEqual([
      ['action', 'key', 'ref', 'apiVersion', 'kind', 'namespace', 'name', 'diff', 'before', 'after'],
      ['action', 'key', 'ref', 'apiVersion', 'kind', 'name', 'diff', 'after'],
      ['action', 'key', 'ref', 'apiVersion', 'kind', 'name', 'diff', 'before'],
    ]);
    expect(report.changes[0]).toMatchObject({
      action: 'change',
      key: 'apps/Deployment/llm/a',
      ref: 'Deployment llm/a',
      kind: 'Deployment',
      namespace: 'llm',
      name: 'a',
    });
    expect(report.changes[0]!.diff).toContain('+  replicas: 2');
    expect(report.changes.map((c) => `${c.action} ${c.ref}`)).toEqual(['change Deployment llm/a', 'add Namespace new', 'remove Namespace old']);
  });

  it('is stable: the same change sets give the same bytes, ending in a newline', () => {
    const one = renderJson(diffObjects(before, after));
    expect(renderJson(diffObjects(structuredClone(before), structuredClone(after)))).toBe(one);
    expect(one.endsWith('}\n')).toBe(true);
  });

  it('is an empty list with the counts when nothing changes', () => {
    const report = toJsonReport(diffObjects(before, before));
    expect(report.summary).toEqual({ add: 0, change: 0, remove: 0, unchanged: 3 });
    expect(report.changes).toEqual([]);
    expect(report.byKind.map((k) => [k.kind, k.unchanged])).toEqual(
      [...new Set(before.map((o) => o.kind))].map((k) => [k, before.filter((o) => o.kind === k).length]),
    );
  });
});
