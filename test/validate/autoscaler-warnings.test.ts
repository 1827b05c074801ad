// Autoscaler-safe replicas (issue 18): validate warns when a manifest fixes a replica count an
// autoscaler owns, and `gitops argocd-ignore` lists exactly those counts for Argo CD.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DynamoModel } from '../../index.js';
import { argocdIgnoreDifferences, autoscaledFields } from '../../src/gitops/autoscaled-fields.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { validateManifests } from '../../src/validate/validate-manifests.js';
import { loadCrds } from '../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { objectsOf } from '../support/stacks.js';

const planned = (): KubeObject[] =>
  objectsOf((s) => new DynamoModel(s, 'm', { model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', planner: {} }), { namespace: 'llm' }) as KubeObject[];

function withFixedDecode(objects: KubeObject[], replicas: number): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'DynamoGraphDeployment') return o;
    const copy = structuredClone(o) as KubeObject & { spec: { components: { type: string; replicas?: number }[] } };
    copy.spec.components.find((c) => c.type === 'decode')!.replicas = replicas;
    return copy;
  });
}

describe('validate warns about fixed replicas an autoscaler owns', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'modelstack-autoscale-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (objects: KubeObject[]) => {
    writeFileSync(join(dir, 'stack.yaml'), objects.map((o) => stringify(o)).join('---\n'));
    const store = await loadCrds(resolveCrdsDir(undefined));
    return validateManifests(dir, { source: 'test', store });
  };

  test('a planner graph as modelstack renders it: no warning', async () => {
    expect((await run(planned())).warnings).toEqual([]);
  });

  test('a planner graph with a fixed decode count: one warning naming the field, the planner and the count', async () => {
    const r = await run(withFixedDecode(planned(), 4));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ file: 'stack.yaml', object: 'DynamoGraphDeployment llm/m' });
    expect(r.warnings[0]!.message).toMatch(/spec\.components\[VllmDecodeWorker\]\.replicas is fixed at 4 but the Dynamo planner scales it/);
  });

  test('an HPA whose target fixes spec.replicas', async () => {
    const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'llm' }, spec: { replicas: 2 } };
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'llm' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3 },
    };
    const r = await run([deployment, hpa]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^spec\.replicas is fixed at 2 but HorizontalPodAutoscaler llm\/web scales it/)]);
  });
});

test('argocd-ignore: one entry per autoscaled object with a jq path per worker component', () => {
  expect(argocdIgnoreDifferences(autoscaledFields(planned()))).toEqual([
    {
      group: 'nvidia.com',
      kind: 'DynamoGraphDeployment',
      name: 'm',
      namespace: 'llm',
      jqPathExpressions: [
        '.spec.components[] | select(.name == "VllmPrefillWorker") | .replicas',
        '.spec.components[] | select(.name == "VllmDecodeWorker") | .replicas',
      ],
    },
  ]);
  const noPlanner = objectsOf((s) => new DynamoModel(s, 'm', { model: 'Qwen/Qwen3-0.6B' }), { namespace: 'llm' }) as KubeObject[];
  expect(autoscaledFields(noPlanner)).toEqual([]);
});
