import { applyStages, deleteStages, STAGES, stageOf } from '../../src/apply/order.js';
import type { KubeObject } from '../../src/model/kube-object.js';

const obj = (apiVersion: string, kind: string, name = kind.toLowerCase()): KubeObject => ({ apiVersion, kind, metadata: { name } });

describe('stageOf', () => {
  test.each([
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'crds'],
    ['v1', 'Namespace', 'namespaces'],
    ['v1', 'ServiceAccount', 'rbac-config'],
    ['rbac.authorization.k8s.io/v1', 'Role', 'rbac-config'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'rbac-config'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rbac-config'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'rbac-config'],
    ['v1', 'ConfigMap', 'rbac-config'],
    ['v1', 'Secret', 'rbac-config'],
    ['source.toolkit.fluxcd.io/v1', 'HelmRepository', 'operators'],
    ['helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'operators'],
    ['argoproj.io/v1alpha1', 'Application', 'operators'],
    ['apps/v1', 'Deployment', 'operators'],
    ['v1', 'Service', 'operators'],
    ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'operators'],
    ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'operators'],
    ['nvidia.com/v1beta1', 'DynamoGraphDeployment', 'models'],
    ['ray.io/v1', 'RayService', 'models'],
    ['v1', 'PersistentVolumeClaim', 'other'],
    ['batch/v1', 'Job', 'other'],
    ['ray.io/v1', 'RayCluster', 'other'],
  ])('%s %s: %s', (apiVersion, kind, stage) => {
    expect(stageOf(obj(apiVersion, kind))).toBe(stage);
  });

  test('kinds are matched with their group: a Namespace or RayService of another group is not one', () => {
    expect(stageOf(obj('example.io/v1', 'Namespace'))).toBe('other');
    expect(stageOf(obj('example.io/v1', 'RayService'))).toBe('other');
    expect(stageOf(obj('example.io/v1', 'DynamoGraphDeployment'))).toBe('other');
  });
});

describe('applyStages and deleteStages', () => {
  const objects = [
    obj('ray.io/v1', 'RayService', 'm1'),
    obj('apps/v1', 'Deployment', 'op'),
    obj('v1', 'ConfigMap', 'c1'),
    obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'crd'),
    obj('nvidia.com/v1beta1', 'DynamoGraphDeployment', 'm2'),
    obj('v1', 'Namespace', 'ns'),
    obj('v1', 'Secret', 'c2'),
  ];
  const names = (stages: ReturnType<typeof applyStages>): string[] => stages.map((s) => `${s.stage}: ${s.objects.map((o) => o.metadata.name).join(' ')}`);

  test('the stage order', () => {
    expect(STAGES).toEqual(['crds', 'namespaces', 'rbac-config', 'operators', 'other', 'models']);
  });

  test('apply: CRDs, namespaces, RBAC and config, operators, models; synth order within a stage; empty stages left out', () => {
    expect(names(applyStages(objects))).toEqual(['crds: crd', 'namespaces: ns', 'rbac-config: c1 c2', 'operators: op', 'models: m1 m2']);
    expect(applyStages([])).toEqual([]);
  });

  test('delete: the reverse, within stages too', () => {
    expect(names(deleteStages(objects))).toEqual(['models: m2 m1', 'operators: op', 'rbac-config: c2 c1', 'namespaces: ns', 'crds: crd']);
  });

  test('the input is not reordered in place', () => {
    const copy = [...objects];
    deleteStages(objects);
    expect(objects).toEqual(copy);
  });
});
