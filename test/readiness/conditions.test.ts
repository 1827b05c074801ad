import { conditionsOf, describeCondition, findCondition, isTrue } from '../../src/readiness/conditions.js';
import { recorded } from './load-recorded.js';

describe('conditions', () => {
  test('reads conditions and describes them', () => {
    const obj = recorded('rayservice-upgrading');
    expect(conditionsOf(obj).map((c) => c.type)).toEqual(['Ready', 'UpgradeInProgress']);
    expect(isTrue(obj, 'UpgradeInProgress')).toBe(true);
    expect(isTrue(obj, 'Missing')).toBe(false);
    expect(describeCondition(findCondition(obj, 'UpgradeInProgress'))).toBe('BothActivePendingClustersExist: Both active and pending Ray clusters exist');
    expect(describeCondition(undefined)).toBe('');
    expect(conditionsOf({ status: { conditions: 'bad' } })).toEqual([]);
  });
});
