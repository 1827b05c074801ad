import { dynamoState } from '../../../src/runtimes/dynamo/readiness.js';
import { loadCrds } from '../../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../../src/schema/crds-dir.js';
import { validateObject } from '../../../src/schema/validate.js';
import { recorded } from '../../readiness/load-recorded.js';

describe('dynamoState', () => {
  test.each([
    ['dgd-new', 'Pending', 0, 2],
    ['dgd-initializing', 'Deploying', 1, 3],
    ['dgd-successful', 'Ready', 4, 4],
    ['dgd-failed', 'Failed', 0, 2],
    ['dgd-spec-changed', 'Upgrading', 3, 4],
  ])('%s is %s with %i/%i replicas ready', (name, phase, ready, desired) => {
    const state = dynamoState(recorded(name));
    expect(state).toMatchObject({ phase, ready, desired });
  });

  test('the message comes from the Ready condition', () => {
    expect(dynamoState(recorded('dgd-failed')).message).toBe('ReconcileFailed: failed to create PodCliqueSet');
    expect(dynamoState(recorded('dgd-new')).message).toBe('no status yet');
  });

  test('a successful state whose Ready condition is False is Unhealthy', () => {
    const obj = recorded('dgd-successful');
    const status = obj.status as { conditions: Array<{ status: string }> };
    status.conditions[0]!.status = 'False';
    expect(dynamoState(obj).phase).toBe('Unhealthy');
  });

  test('the recorded statuses are valid against the real DynamoGraphDeployment CRD', async () => {
    const store = await loadCrds(resolveCrdsDir(), { include: (p) => p.endsWith('nvidia.com_dynamographdeployments.yaml') });
    for (const name of ['dgd-initializing', 'dgd-successful', 'dgd-failed', 'dgd-spec-changed']) {
      expect({ name, issues: validateObject(recorded(name), store).issues }).toEqual({ name, issues: [] });
    }
  });
});
