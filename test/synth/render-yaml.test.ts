import { ModelstackError } from '../../src/errors.js';
import { parseManifests, toYaml } from '../../src/synth/render-yaml.js';

const dgd = {
  apiVersion: 'nvidia.com/v1beta1',
  kind: 'DynamoGraphDeployment',
  metadata: { name: 'd', namespace: 'llm', labels: { b: '2', a: '1' } },
  spec: { components: [{ name: 'Frontend', args: ['--http-port', '8000'] }] },
};
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } };

describe('toYaml', () => {
  test('one document per object, separated by ---, keys in the order given, sequences indented', () => {
    expect(toYaml([ns, dgd])).toBe(
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        '  name: llm',
        '---',
        'apiVersion: nvidia.com/v1beta1',
        'kind: DynamoGraphDeployment',
        'metadata:',
        '  name: d',
        '  namespace: llm',
        '  labels:',
        '    b: "2"',
        '    a: "1"',
        'spec:',
        '  components:',
        '    - name: Frontend',
        '      args:',
        '        - --http-port',
        '        - "8000"',
        '',
      ].join('\n'),
    );
  });

  test('deterministic: equal objects give equal bytes', () => {
    expect(toYaml([dgd, ns])).toBe(toYaml([JSON.parse(JSON.stringify(dgd)), JSON.parse(JSON.stringify(ns))]));
  });

  test('long lines are not folded, multi-line strings are block literals', () => {
    const long = 'x'.repeat(300);
    const text = toYaml([{ a: long, b: 'line 1\nline 2\n' }]);
    expect(text).toBe(`a: ${long}\nb: |\n  line 1\n  line 2\n`);
  });

  test('an object used twice is written twice, never as an alias', () => {
    const shared = { name: 'x', value: 'y' };
    const text = toYaml([{ a: shared, b: shared }]);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text).toBe('a:\n  name: x\n  value: y\nb:\n  name: x\n  value: y\n');
  });

  test('round-trips through parseManifests', () => {
    expect(parseManifests(toYaml([ns, dgd]), 'x.yaml')).toEqual([ns, dgd]);
  });
});

describe('parseManifests', () => {
  test('multi-document YAML; empty documents are skipped', () => {
    const text =
      '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n';
    expect(parseManifests(text, 'x.yaml').map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  test('a List stands for its items, with or without metadata', () => {
    const list = (meta: string) =>
      `apiVersion: v1\nkind: List\n${meta}items:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c, namespace: a}\n`;
    expect(parseManifests(list(''), 'l.yaml').map((o) => o.kind)).toEqual(['Namespace', 'ConfigMap']);
    // As `kubectl get -o yaml` writes it.
    expect(parseManifests(list('metadata:\n  resourceVersion: ""\n'), 'l.yaml').map((o) => o.kind)).toEqual(['Namespace', 'ConfigMap']);
  });

  test('JSON arrays and JSON objects', () => {
    expect(parseManifests(JSON.stringify([ns, dgd]), 'x.json')).toEqual([ns, dgd]);
    expect(parseManifests(JSON.stringify(dgd), 'x.json')).toEqual([dgd]);
  });

  test('documents that are not Kubernetes objects are ignored', () => {
    expect(parseManifests('a: 1\n---\n- 1\n- 2\n---\nplain string\n', 'x.yaml')).toEqual([]);
  });

  test('invalid YAML is an IO error naming the source', () => {
    let err: unknown;
    try {
      parseManifests('apiVersion: v1\nkind: [Namespace\n', 'dist/x.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelstackError);
    const e = err as ModelstackError;
    expect(e.code).toBe('IO');
    expect(e.message).toMatch(/^dist\/x\.yaml: not valid YAML: /);
    expect(e.hint).toBe('fix the file or remove it from the directory');
  });
});
