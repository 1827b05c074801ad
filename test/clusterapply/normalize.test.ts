import { APPLIED_HASH } from '../../src/clusterapply/applied-config.js';
import { normalizeLive } from '../../src/clusterapply/normalize.js';
import type { KubeObject } from '../../src/model/kube-object.js';

const live = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'c',
    namespace: 'app',
    labels: { a: 'b' },
    annotations: { note: 'kept' },
    managedFields: [{ manager: 'modelstack' }],
    resourceVersion: '12',
    uid: '0000-1111',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    selfLink: '/api/v1/namespaces/app/configmaps/c',
    finalizers: ['x'],
  },
  data: { k: 'v' },
  status: { phase: 'whatever' },
} as unknown as KubeObject;

describe('normalizeLive', () => {
  test('drops status and the server-owned metadata; keeps what a stack declares', () => {
    expect(normalizeLive(live)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'app', labels: { a: 'b' }, annotations: { note: 'kept' }, finalizers: ['x'] },
      data: { k: 'v' },
    });
  });

  test('an empty annotations map is dropped; an empty labels map is not touched', () => {
    const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: {}, labels: {} } } as KubeObject;
    expect(normalizeLive(o).metadata).toEqual({ name: 'c', labels: {} });
  });

  test("apply's applied-configuration hash is dropped (it changes whenever anything else does); with nothing else, so are the annotations", () => {
    const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [APPLIED_HASH]: 'sha256:00', note: 'kept' } } } as KubeObject;
    expect(normalizeLive(o).metadata).toEqual({ name: 'c', annotations: { note: 'kept' } });
    const only = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [APPLIED_HASH]: 'sha256:00' } } } as KubeObject;
    expect(normalizeLive(only).metadata).toEqual({ name: 'c' });
  });

  test('the input is not modified', () => {
    const copy = structuredClone(live);
    normalizeLive(live);
    expect(live).toEqual(copy);
  });

  test('an already normal object is returned equal', () => {
    const o = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { replicas: 1 } } as KubeObject;
    expect(normalizeLive(o)).toEqual(o);
  });
});
