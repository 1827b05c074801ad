import { DynamoModel, RayModel } from '../../index.js';
import { LEGACY_PROVIDER_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUNTIME_LABEL, SHARED_RUNTIME_LABEL_VALUE, STACK_LABEL } from '../../src/model/labels.js';
import { listModels } from '../../src/list/list-models.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { objectsOf } from '../support/stacks.js';
import { FakeKube } from '../support/fake-kube.js';

/** Kubernetes label key syntax: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && PREFIX.test(prefix) && NAME.test(key.slice(slash + 1));
}

describe('labels', () => {
  test('the keys and values clusters already carry (list reads them back): changing one is a breaking change', () => {
    expect([MANAGED_BY_LABEL, STACK_LABEL, RUNTIME_LABEL, LEGACY_PROVIDER_LABEL]).toEqual([
      'app.kubernetes.io/managed-by',
      'modelstack.io/stack',
      'modelstack.io/runtime',
      'kubefoundry.io/provider',
    ]);
    expect([MANAGED_BY_VALUE, SHARED_RUNTIME_LABEL_VALUE]).toEqual(['modelstack', 'shared']);
  });

  test('are valid label keys and values', () => {
    for (const key of [MANAGED_BY_LABEL, STACK_LABEL, RUNTIME_LABEL, LEGACY_PROVIDER_LABEL]) expect(isLabelKey(key)).toBe(true);
    for (const value of [MANAGED_BY_VALUE, SHARED_RUNTIME_LABEL_VALUE]) expect(value).toMatch(NAME);
    expect(isLabelKey('bad key')).toBe(false);
    expect(isLabelKey('Upper.Case/x')).toBe(false);
  });

  test('what the constructs write is what list reads: the stack, and a runtime that agrees with the kind', async () => {
    const objects = objectsOf(
      (s) => {
        new DynamoModel(s, 'd', { model: 'a/b', namespace: 'llm' });
        new RayModel(s, 'r', { model: 'a/b', namespace: 'llm' });
      },
      { stackName: 'prod' },
    ) as KubeObject[];
    const cluster = new FakeKube().serve('nvidia.com/v1beta1', 'DynamoGraphDeployment').serve('ray.io/v1', 'RayService');
    const models = objects.filter((o) => o.kind === 'DynamoGraphDeployment' || o.kind === 'RayService');
    expect(models).toHaveLength(2);
    for (const o of models) {
      expect(o.metadata.labels).toMatchObject({ [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [STACK_LABEL]: 'prod' });
      cluster.put(o);
    }
    const listed = await listModels(cluster, { namespace: 'llm' });
    expect(listed.models.map((m) => [m.kind, m.stack])).toEqual([
      ['DynamoGraphDeployment', 'prod'],
      ['RayService', 'prod'],
    ]);
    expect(listed.models.every((m) => !m.message.includes('labelled runtime'))).toBe(true);
  });
});
