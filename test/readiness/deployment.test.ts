import { deploymentHealth } from '../../src/readiness/deployment.js';
import { recorded } from './load-recorded.js';

describe('deploymentHealth', () => {
  test('available with every pod ready is healthy', () => {
    expect(deploymentHealth(recorded('deployment-available'), [recorded('pod-ready')])).toMatchObject({
      healthy: true,
      available: true,
      readyPods: 1,
      totalPods: 1,
    });
  });

  test('available but a pod not ready is not healthy', () => {
    const h = deploymentHealth(recorded('deployment-available'), [recorded('pod-ready'), recorded('pod-not-ready')]);
    expect(h).toMatchObject({ healthy: false, message: '1/2 pods ready' });
  });

  test('not available is not healthy, with the condition reason', () => {
    const h = deploymentHealth(recorded('deployment-unavailable'), [recorded('pod-ready')]);
    expect(h.healthy).toBe(false);
    expect(h.message).toBe('not available (MinimumReplicasUnavailable: Deployment does not have minimum availability.)');
  });

  test('no pods, or no status yet, is not healthy', () => {
    expect(deploymentHealth(recorded('deployment-available'), []).message).toBe('no pods found');
    const fresh = recorded('deployment-available');
    delete fresh.status;
    expect(deploymentHealth(fresh, [recorded('pod-ready')])).toMatchObject({ healthy: false, message: 'no Available condition yet (rollout not observed)' });
  });
});
