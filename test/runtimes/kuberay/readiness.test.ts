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
    // Issue 11 shapes. These two are not captured from a live operator: they are written to the
    // KubeRay 1.7.0 RayService status schema (checked below against the real CRD), with the
    // incremental-upgrade fields as the Ray docs' "RayService Zero-Downtime Incremental Upgrades"
    // guide shows them, and worker counts in pods as KubeRay counts them.
    ['rayservice-multihost-deploying', 'Deploying', 2, 4],
    ['rayservice-incremental-upgrading', 'Upgrading', 2, 2],
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

  test('a multi-host group without status: desired counts pods (replicas × numOfHosts)', () => {
    const obj = recorded('rayservice-multihost-deploying');
    delete obj.status;
    expect(rayServiceState(obj)).toEqual({ phase: 'Pending', ready: 0, desired: 4, message: 'no status yet' });
  });

  test('an incremental upgrade says how far the new cluster has come', () => {
    expect(rayServiceState(recorded('rayservice-incremental-upgrading')).message).toBe(
      'BothActivePendingClustersExist: Both active and pending Ray clusters exist; new cluster: 20% of traffic, target capacity 40%',
    );
    // A NewCluster upgrade has no such progress.
    expect(rayServiceState(recorded('rayservice-upgrading')).message).toBe('BothActivePendingClustersExist: Both active and pending Ray clusters exist');
  });

  test('the recorded statuses are valid against the real RayService CRD', async () => {
    const store = await loadCrds(resolveCrdsDir(), { include: (p) => p.endsWith('ray.io_rayservices.yaml') });
    for (const name of [
      'rayservice-ready',
      'rayservice-deploying',
      'rayservice-upgrading',
      'rayservice-deploy-failed',
      'rayservice-multihost-deploying',
      'rayservice-incremental-upgrading',
    ]) {
      const obj = recorded(name);
      // The recorded objects carry only the spec fields readiness reads; check their status part.
      const { issues } = validateObject(obj, store);
      const statusIssues = issues.filter((i) => i.path.startsWith('status'));
      expect({ name, statusIssues }).toEqual({ name, statusIssues: [] });
    }
  });
});
