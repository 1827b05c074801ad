import { adapterFor, adapterForKind, allAdapters, modelStateOf } from '../../src/runtimes/adapters.js';
import { allRuntimes, runtimeInfo } from '../../src/runtimes/registry.js';
import { recorded } from '../readiness/load-recorded.js';

describe('runtime adapters', () => {
  test('one per runtime, in registry order, carrying the registry facts', () => {
    expect(allAdapters().map((a) => a.info)).toEqual([...allRuntimes()]);
    expect(adapterFor('dynamo').info).toBe(runtimeInfo('dynamo'));
    expect(adapterFor('kuberay').info).toBe(runtimeInfo('kuberay'));
  });

  test('found by the model resource group and kind; the group must match too', () => {
    expect(adapterForKind('nvidia.com', 'DynamoGraphDeployment')).toBe(adapterFor('dynamo'));
    expect(adapterForKind('ray.io', 'RayService')).toBe(adapterFor('kuberay'));
    expect(adapterForKind('example.io', 'RayService')).toBeUndefined();
    expect(adapterForKind('apps', 'Deployment')).toBeUndefined();
  });

  test('each reads its own model readiness', () => {
    expect(adapterFor('dynamo').modelState(recorded('dgd-successful')).phase).toBe('Ready');
    expect(adapterFor('kuberay').modelState(recorded('rayservice-upgrading')).phase).toBe('Upgrading');
  });
});

describe('modelStateOf', () => {
  test('dispatches by apiVersion group and kind', () => {
    expect(modelStateOf({ apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment' }, recorded('dgd-successful')).phase).toBe('Ready');
    expect(modelStateOf({ apiVersion: 'ray.io/v1', kind: 'RayService' }, recorded('rayservice-upgrading')).phase).toBe('Upgrading');
    expect(modelStateOf({ apiVersion: 'apps/v1', kind: 'Deployment' }, {})).toEqual({
      phase: 'Unknown',
      ready: 0,
      desired: 0,
      message: 'unknown kind Deployment',
    });
  });
});
