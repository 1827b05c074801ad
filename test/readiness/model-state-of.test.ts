import { modelState } from '../../src/readiness/model-state-of.js';
import { recorded } from './load-recorded.js';

describe('modelState', () => {
  test('dispatches by kind', () => {
    expect(modelState('DynamoGraphDeployment', recorded('dgd-successful')).phase).toBe('Ready');
    expect(modelState('RayService', recorded('rayservice-upgrading')).phase).toBe('Upgrading');
    expect(modelState('Deployment', {})).toEqual({ phase: 'Unknown', ready: 0, desired: 0, message: 'unknown kind Deployment' });
  });
});
