import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { DynamoModel, Model, RayModel } from '../../../index.js';
import { toYaml } from '../../../src/synth/render-yaml.js';
import { crdsFromDir, validateManifests } from '../../../src/validate/validate-manifests.js';
import { buildStack, errorsOf, type Json, objectsOf, single } from '../../support/stacks.js';
import { Testing } from '../../../index.js';

const MODEL = 'Qwen/Qwen3-0.6B';

describe('metrics: scrape objects for prometheus-operator', () => {
  test('DynamoModel podMonitor: the graph\'s pods with metrics enabled, frontend "http" and worker "system" ports, labelled as the stack\'s', () => {
    const objects = objectsOf(
      (s) => new DynamoModel(s, 'qwen3', { model: MODEL, namespace: 'llm', metrics: { podMonitor: true, interval: '30s', labels: { release: 'kps' } } }),
    );
    const pm = single(objects, 'PodMonitor');
    expect(pm).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: {
        name: 'qwen3',
        namespace: 'llm',
        labels: { release: 'kps', 'modelstack.io/runtime': 'dynamo', 'app.kubernetes.io/managed-by': 'modelstack', 'modelstack.io/stack': 'test' },
      },
      spec: {
        selector: { matchLabels: { 'nvidia.com/dynamo-graph-deployment-name': 'qwen3', 'nvidia.com/metrics-enabled': 'true' } },
        namespaceSelector: { matchNames: ['llm'] },
        podMetricsEndpoints: [
          { port: 'http', path: '/metrics', interval: '30s' },
          { port: 'system', path: '/metrics', interval: '30s' },
        ],
      },
    });
    // The selector names the graph the model renders.
    expect(single(objects, 'DynamoGraphDeployment').metadata.name).toBe(pm.spec.selector.matchLabels['nvidia.com/dynamo-graph-deployment-name']);
  });

  test('RayModel serviceMonitor: the RayService\'s Services, head port "metrics"', () => {
    const sm = single(
      objectsOf((s) => new RayModel(s, 'qwen', { model: MODEL, namespace: 'llm', metrics: { serviceMonitor: true } })),
      'ServiceMonitor',
    );
    expect(sm.metadata).toMatchObject({ name: 'qwen', namespace: 'llm', labels: { 'modelstack.io/runtime': 'kuberay', 'modelstack.io/stack': 'test' } });
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'ray.io/originated-from-crd': 'RayService', 'ray.io/originated-from-cr-name': 'qwen' } },
      namespaceSelector: { matchNames: ['llm'] },
      endpoints: [{ port: 'metrics', path: '/metrics' }],
    });
  });

  test('Model passes metrics to either runtime; no metrics prop renders no scrape object', () => {
    const kinds = (o: Json[]): string[] => o.map((x) => x.kind as string);
    expect(kinds(objectsOf((s) => new Model(s, 'm', { runtime: 'kuberay', model: MODEL, metrics: { serviceMonitor: true } })))).toContain('ServiceMonitor');
    expect(kinds(objectsOf((s) => new Model(s, 'm', { runtime: 'dynamo', model: MODEL, metrics: { podMonitor: true } })))).toContain('PodMonitor');
    const plain = kinds(objectsOf((s) => new DynamoModel(s, 'm', { model: MODEL, metrics: { podMonitor: false } })));
    expect(plain.filter((k) => k.endsWith('Monitor'))).toEqual([]);
  });

  test("the kind that cannot select a runtime's endpoints, and a bad interval, are synth errors with the fix", () => {
    expect(errorsOf((s) => new RayModel(s, 'r', { model: MODEL, metrics: { podMonitor: true } }))).toEqual([
      "[test/r] metrics.podMonitor: true cannot select KubeRay models: the operator labels a RayService's Services, not its pods. Fix: use metrics: { serviceMonitor: true }",
    ]);
    expect(errorsOf((s) => new DynamoModel(s, 'd', { model: MODEL, metrics: { serviceMonitor: true } }))).toEqual([
      '[test/d] metrics.serviceMonitor: true cannot select every NVIDIA Dynamo metric endpoint: workers publish theirs on a pod port no Service exposes. Fix: use metrics: { podMonitor: true }',
    ]);
    const bad = errorsOf((s) => new DynamoModel(s, 'd', { model: MODEL, metrics: { podMonitor: true, interval: 'often' } }));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^\[test\/d\] metrics\.interval: "often" is not a duration/);
  });

  test('validate checks the scrape objects against the prometheus-operator v0.93.0 CRDs (../shared/crds)', async () => {
    const { app, stack } = buildStack((s) => {
      new DynamoModel(s, 'qwen3', { model: MODEL, namespace: 'llm', metrics: { podMonitor: true, interval: '15s' } });
      new RayModel(s, 'qwen', { model: MODEL, namespace: 'llm', metrics: { serviceMonitor: true } });
      // A field the CRD does not have, slipped in by an escape hatch: validate must catch it.
      const broken = new RayModel(s, 'broken', { model: MODEL, namespace: 'llm', metrics: { serviceMonitor: true } });
      (broken.node.findChild('Metrics') as ApiObject).addJsonPatch(JsonPatch.add('/spec/endpoints/0/portt', 'metrics'));
    });
    expect(Testing.problems(app)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-metrics-validate-'));
    try {
      writeFileSync(join(dir, 'test.k8s.yaml'), toYaml(Testing.synth(stack)));
      const r = await validateManifests(dir, (groups) => crdsFromDir(undefined, groups));
      const monitors = r.results.filter((o) => o.object.includes('Monitor '));
      expect(monitors.map((o) => [o.object, o.outcome])).toEqual([
        ['PodMonitor llm/qwen3', 'valid'],
        ['ServiceMonitor llm/qwen', 'valid'],
        ['ServiceMonitor llm/broken', 'invalid'],
      ]);
      expect(monitors[2]!.issues.map((i) => [i.path, i.message])).toEqual([['spec.endpoints[0].portt', 'unknown field "portt"']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
