import { parse } from 'yaml';
import { layoutFiles, LAYOUTS } from '../../src/synth/layout.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { parseManifests } from '../../src/synth/render-yaml.js';
import { thrown } from '../support/thrown.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

const inference: StackManifest = {
  id: 'inference',
  stackName: 'inference',
  objects: [
    obj('v1', 'Namespace', 'llm'),
    obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'dynamo-platform', 'dynamo-system'),
    obj('nvidia.com/v1beta1', 'DynamoGraphDeployment', 'qwen', 'llm'),
    obj('ray.io/v1', 'RayService', 'qwen-ray', 'llm'),
  ],
};
const other: StackManifest = { id: 'Other Stack', objects: [obj('v1', 'ConfigMap', 'c', 'x')] };

describe('layoutFiles', () => {
  test('the layouts', () => {
    expect(LAYOUTS).toEqual(['file-per-chart', 'file-per-resource']);
  });

  test('file-per-chart: one <chart>.k8s.yaml per stack, objects in order', () => {
    const files = layoutFiles([inference, other], { layout: 'file-per-chart', kustomization: false });
    expect(files.map((f) => f.path)).toEqual(['inference.k8s.yaml', 'Other-Stack.k8s.yaml']);
    expect(parseManifests(files[0]!.content, 'x')).toEqual(inference.objects);
  });

  test('file-per-resource: <chart>/<kind>-<namespace>-<name>.yaml, cluster-scoped without namespace', () => {
    const files = layoutFiles([inference, other], { layout: 'file-per-resource', kustomization: false });
    expect(files.map((f) => f.path)).toEqual([
      'inference/namespace-llm.yaml',
      'inference/helmrelease-dynamo-system-dynamo-platform.yaml',
      'inference/dynamographdeployment-llm-qwen.yaml',
      'inference/rayservice-llm-qwen-ray.yaml',
      'Other-Stack/configmap-x-c.yaml',
    ]);
    expect(parseManifests(files[2]!.content, 'x')).toEqual([inference.objects[2]]);
  });

  test('file-per-resource: a clash of kind/namespace/name adds the API group', () => {
    const stack: StackManifest = {
      id: 's',
      objects: [obj('argoproj.io/v1alpha1', 'Application', 'a', 'n'), obj('app.k8s.io/v1beta1', 'Application', 'a', 'n')],
    };
    expect(layoutFiles([stack], { layout: 'file-per-resource', kustomization: false }).map((f) => f.path)).toEqual([
      's/application-n-a.yaml',
      's/application-app.k8s.io-n-a.yaml',
    ]);
  });

  test.each(LAYOUTS)('%s: the kustomization lists every file in object order', (layout) => {
    const files = layoutFiles([inference, other], { layout, kustomization: true });
    const kustomization = files.at(-1)!;
    expect(kustomization.path).toBe('kustomization.yaml');
    expect(parse(kustomization.content)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: files.slice(0, -1).map((f) => f.path),
    });
    // Apply order: reading the files in kustomization order gives the objects in stack order.
    const objects = (parse(kustomization.content).resources as string[]).flatMap((p) => parseManifests(files.find((f) => f.path === p)!.content, p));
    expect(objects).toEqual([...inference.objects, ...other.objects]);
  });

  test('two stacks writing one path is a usage error', () => {
    const e = thrown(() => layoutFiles([inference, { ...other, id: 'inference' }], { layout: 'file-per-chart', kustomization: false }));
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe('two stacks would both write inference.k8s.yaml');
    expect(e.hint).toBe('give every chart (stack) in the app its own construct id');
    const same = obj('v1', 'ConfigMap', 'c', 'x');
    const twice = thrown(() => layoutFiles([{ id: 's', objects: [same, same, same] }], { layout: 'file-per-resource', kustomization: false }));
    expect(twice.message).toBe('two stacks would both write s/configmap-core-x-c.yaml');
  });

  test('no stacks, no files', () => {
    expect(layoutFiles([], { layout: 'file-per-chart', kustomization: false })).toEqual([]);
  });
});
