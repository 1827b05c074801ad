import { DynamoModel, RayModel, secretKey } from '../../../index.js';
import { derivedEnvIssues, reservedLabelIssues } from '../../../constructs/common/reserved.js';
import { errorsOf } from '../../support/stacks.js';

describe('reserved labels and derived env', () => {
  test('labels modelstack tracks ownership by are refused, others pass', () => {
    expect(
      reservedLabelIssues({ team: 'a', 'modelstack.io/stack': 'x', 'app.kubernetes.io/managed-by': 'helm', 'applyset.kubernetes.io/part-of': 'y' }).map(
        (i) => i.prop,
      ),
    ).toEqual(['labels.modelstack.io/stack', 'labels.app.kubernetes.io/managed-by', 'labels.applyset.kubernetes.io/part-of']);
    expect(reservedLabelIssues(undefined)).toEqual([]);
  });

  test('env variables derived from props are refused with the prop to use', () => {
    expect(derivedEnvIssues({ HF_TOKEN: { secretKeyRef: { name: 's', key: 'k' } }, OTHER: 'x' }, { HF_TOKEN: 'hfTokenSecret' })).toEqual([
      {
        prop: 'env.HF_TOKEN',
        value: { secretKeyRef: { name: 's', key: 'k' } },
        problem: 'is set by modelstack from hfTokenSecret',
        fix: 'remove it from env and use hfTokenSecret',
      },
    ]);
  });

  test('the model constructs report both, with path, prop and fix', () => {
    const errors = errorsOf((stack) => {
      new DynamoModel(stack, 'd', {
        model: 'm',
        labels: { 'modelstack.io/stack': 'other' },
        env: { DYN_ROUTER_MODE: 'kv', HF_TOKEN: { secretKeyRef: secretKey('hf', 'token') } },
        hfTokenSecret: secretKey('hf', 'token'),
      });
      new RayModel(stack, 'r', { model: 'm', labels: { 'app.kubernetes.io/managed-by': 'helm' } });
    });
    expect(errors).toEqual([
      '[test/d] env.DYN_ROUTER_MODE: "(literal value hidden)" is set by modelstack from router. Fix: remove it from env and use router',
      '[test/d] env.HF_TOKEN: {"secretKeyRef":{"name":"hf","key":"token"}} is set by modelstack from hfTokenSecret. Fix: remove it from env and use hfTokenSecret',
      '[test/d] labels.modelstack.io/stack: "other" is a label modelstack sets itself to track what a stack owns. Fix: remove it (set the stack name with ModelStack\'s stackName prop)',
      '[test/r] labels.app.kubernetes.io/managed-by: "helm" is a label modelstack sets itself to track what a stack owns. Fix: remove it (set the stack name with ModelStack\'s stackName prop)',
    ]);
  });
});
