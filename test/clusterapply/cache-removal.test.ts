import { applySetParent, withPartOf } from '../../src/clusterapply/applyset.js';
import { withOwnershipRecord } from '../../src/clusterapply/ownership.js';
import { planRemoval } from '../../src/clusterapply/removal-plan.js';
import { objectRef, type KubeObject } from '../../src/model/kube-object.js';
import { FakeKube } from '../support/fake-kube.js';

const ID = 'demo-0000id';
const parent = applySetParent('demo', 'default');
const created = (o: KubeObject): KubeObject => withOwnershipRecord(withPartOf(o, parent), undefined, ID);
const pvc = (name: string, policy: 'retain' | 'delete'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'llm', uid: `u-${name}`, annotations: { 'modelstack.io/removal-policy': policy } } as KubeObject['metadata'],
});
const mounting = (kind: string, name: string, claim: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: kind === 'Pod' ? 'v1' : 'nvidia.com/v1beta1',
  kind,
  metadata: { name, namespace: 'llm', uid: `u-${name}`, ...extra } as KubeObject['metadata'],
  spec: { template: { spec: { volumes: [{ name: 'model-cache', persistentVolumeClaim: { claimName: claim, readOnly: true } }] } } },
});

function cluster(): FakeKube {
  return new FakeKube().serveBuiltins().serve('v1', 'PersistentVolumeClaim').serve('nvidia.com/v1beta1', 'DynamoGraphDeployment');
}

describe('planRemoval of ModelCache volumes', () => {
  test('retain (the default): released, never deleted, even when nothing mounts it', async () => {
    const c = cluster();
    const weights = c.put(created(pvc('weights', 'retain')));
    const plan = await planRemoval(c, [weights], { stackId: ID });
    expect(plan.deletes).toEqual([]);
    expect(plan.releases.map((r) => `${objectRef(r.object)}: ${r.reason}`)).toEqual([
      'PersistentVolumeClaim llm/weights: a model cache kept by its removal policy "retain": the downloaded weights stay for the next apply or another stack (set removalPolicy: "delete" on the ModelCache to have prune and destroy delete it)',
    ]);
  });

  test("delete: deleted when only what goes mounts it (the stack's own model and its pods)", async () => {
    const c = cluster();
    const weights = c.put(created(pvc('weights', 'delete')));
    const model = c.put(created(mounting('DynamoGraphDeployment', 'mine', 'weights')));
    c.put(mounting('Pod', 'mine-worker-0', 'weights', { ownerReferences: [{ uid: 'u-mine' }] }));
    const plan = await planRemoval(c, [weights, model], { stackId: ID });
    expect(plan.deletes.map(objectRef)).toEqual(['PersistentVolumeClaim llm/weights', 'DynamoGraphDeployment llm/mine']);
    expect(plan.releases).toEqual([]);
  });

  test("delete: released while another stack's model (or its pods) still mounts it, naming them and their stack", async () => {
    const c = cluster();
    const weights = c.put(created(pvc('weights', 'delete')));
    c.put(mounting('DynamoGraphDeployment', 'theirs', 'weights', { labels: { 'modelstack.io/stack': 'other' } }));
    c.put(mounting('Pod', 'theirs-worker-0', 'weights'));
    c.put(mounting('Pod', 'unrelated', 'another-claim'));
    const plan = await planRemoval(c, [weights], { stackId: ID });
    expect(plan.deletes).toEqual([]);
    expect(plan.releases.map((r) => r.reason)).toEqual([
      'a model cache still mounted by DynamoGraphDeployment llm/theirs (stack other), Pod llm/theirs-worker-0',
    ]);
  });
});
