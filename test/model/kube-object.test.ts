import { apiGroup, isKubeObject, type KubeObject, objectKey, objectRef } from '../../src/model/kube-object.js';

const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } };
const dgd: KubeObject = { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { name: 'd', namespace: 'llm' } };
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } };

describe('manifest helpers', () => {
  test('apiGroup: the group of an apiVersion, empty for the core group', () => {
    expect([apiGroup('v1'), apiGroup('apps/v1'), apiGroup('nvidia.com/v1beta1')]).toEqual(['', 'apps', 'nvidia.com']);
  });

  test('isKubeObject needs apiVersion, kind and metadata', () => {
    expect(isKubeObject(cm)).toBe(true);
    expect(isKubeObject({ apiVersion: 'v1', kind: 'X' })).toBe(false);
    expect(isKubeObject({ apiVersion: 'v1', kind: 'X', metadata: null })).toBe(false);
    expect(isKubeObject('x')).toBe(false);
    expect(isKubeObject(null)).toBe(false);
  });

  test('objectKey is group/kind/namespace/name', () => {
    expect(objectKey(cm)).toBe('/ConfigMap/ns/c');
    expect(objectKey(dgd)).toBe('nvidia.com/DynamoGraphDeployment/llm/d');
    expect(objectKey(ns)).toBe('/Namespace//llm');
  });

  test('objectRef is a short human name', () => {
    expect(objectRef(dgd)).toBe('DynamoGraphDeployment llm/d');
    expect(objectRef(ns)).toBe('Namespace llm');
    expect(objectRef({ apiVersion: 'v1', kind: 'X', metadata: {} })).toBe('X (unnamed)');
  });
});
