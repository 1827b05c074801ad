import { rayServiceState } from '../../../src/runtimes/kuberay/readiness.js';
import { loadCrds } from '../../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../../src/schema/crds-dir.js';
import { validateObject } from '../../../src/schema/validate.js';
import { recorded } from '../../readiness/load-recorded.js';

describe('rayServiceState', () => {
  test.each([
    ['rayservice-ready', 'Ready', 2, 2],
    ['rayservice-deploying', 'Deploying', 0, 1],
    ['rayservice-upgrading', 'Upgrading', 1, 1],
    ['rayservice-deploy-failed', 'Failed', 1, 1],
    ['rayservice-unhealthy', 'Unhealthy', 1, 1],
  ])('%s is %s with %i/%i workers ready', (name, phase, ready, desired) => {
    expect(rayServiceState(recorded(name))).toMatchObject({ phase, ready, desired });
  });

  test('a failed application is named with its message', () => {
    expect(rayServiceState(recorded('rayservice-deploy-failed')).message).toBe('application llm: DEPLOY_FAILED: CUDA out of memory');
  });

  test('without status it is Pending and desired comes from the spec', () => {
    const obj = recorded('rayservice-ready');
    delete obj.status;
    expect(rayServiceState(obj)).toEqual({ phase: 'Pending', ready: 0, desired: 2, message: 'no status yet' });
  });

  test('the recorded statuses are valid against the real RayService CRD', async () => {
    const store = await loadCrds(resolveCrdsDir(), { include: (p) => p.endsWith('ray.io_rayservices.yaml') });
    for (const name of ['rayservice-ready', 'rayservice-deploying', 'rayservice-upgrading', 'rayservice-deploy-failed']) {
      const obj = recorded(name);
      // The recorded objects carry only the spec fields readiness reads; check their status part.
      const { issues } = validateObject(obj, store);
      const statusIssues = issues.filter((i) => i.path.startsWith('status'));
      expect({ name, statusIssues }).toEqual({ name, statusIssues: [] });
    }
  });
});
