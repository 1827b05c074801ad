import { createHash } from 'node:crypto';
import {
  APPLYSET_GROUP_KINDS,
  APPLYSET_ID,
  APPLYSET_PART_OF,
  stackApplySet,
  APPLYSET_TOOLING,
  applySetParent,
  groupKind,
  parentObject,
  parseGroupKinds,
  TOOLING,
  withPartOf,
} from '../../src/clusterapply/applyset.js';
import type { KubeObject } from '../../src/model/kube-object.js';

/** The KEP-3659 id of a ConfigMap parent, computed independently: RFC 4648 URL-safe base64 without padding. */
function kepId(name: string, namespace: string): string {
  const b64 = createHash('sha256').update([name, namespace, 'ConfigMap', ''].join('.')).digest('base64');
  return `applyset-${b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}-v1`;
}

describe('applySetParent', () => {
  test('a ConfigMap modelstack-<stack> in the namespace, with the KEP id of <name>.<namespace>.ConfigMap.<core group>', () => {
    const p = applySetParent('prod', 'ops');
    expect(p).toEqual({ name: 'modelstack-prod', namespace: 'ops', id: kepId('modelstack-prod', 'ops') });
  });

  test('the id is a valid label value: applyset-<43 base64url chars>-v1, no padding', () => {
    for (const [stack, ns] of [
      ['a', 'default'],
      ['my-long-stack-name', 'team-a'],
      ['x', 'y'],
    ] as const) {
      const { id } = applySetParent(stack, ns);
      expect(id).toMatch(/^applyset-[A-Za-z0-9_-]{43}-v1$/);
      expect(id.length).toBeLessThanOrEqual(63);
    }
  });

  test('the id depends on both the stack and the namespace', () => {
    const ids = new Set([applySetParent('a', 'default'), applySetParent('b', 'default'), applySetParent('a', 'other')].map((p) => p.id));
    expect(ids.size).toBe(3);
    expect(applySetParent('a', 'default').id).toBe(applySetParent('a', 'default').id);
  });
});

describe('groupKind and parseGroupKinds', () => {
  test('Kind.group, and the bare kind for the core group', () => {
    expect(groupKind({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('Deployment.apps');
    expect(groupKind({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe('ConfigMap');
    expect(groupKind({ apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment' })).toBe('DynamoGraphDeployment.nvidia.com');
    expect(groupKind({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' })).toBe('ClusterRole.rbac.authorization.k8s.io');
  });

  test('the annotation split on commas, blanks dropped', () => {
    expect(parseGroupKinds(undefined)).toEqual([]);
    expect(parseGroupKinds('')).toEqual([]);
    expect(parseGroupKinds(' ConfigMap, ,Deployment.apps,')).toEqual(['ConfigMap', 'Deployment.apps']);
  });
});

describe('parentObject', () => {
  test('the id label, the tooling and the group-kinds (deduplicated, sorted)', () => {
    const p = applySetParent('prod', 'ops');
    expect(parentObject(p, 'prod', ['RayService.ray.io', 'ConfigMap', 'Deployment.apps', 'ConfigMap'])).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'modelstack-prod',
        namespace: 'ops',
        labels: { [APPLYSET_ID]: p.id, 'app.kubernetes.io/managed-by': 'modelstack', 'modelstack.io/stack': 'prod' },
        annotations: { [APPLYSET_TOOLING]: TOOLING, [APPLYSET_GROUP_KINDS]: 'ConfigMap,Deployment.apps,RayService.ray.io' },
      },
    });
    expect(TOOLING).toBe('modelstack/v1');
  });

  test('no kinds: an empty list', () => {
    expect(parentObject(applySetParent('s', 'default'), 's', new Set<string>()).metadata.annotations?.[APPLYSET_GROUP_KINDS]).toBe('');
  });
});

describe('withPartOf', () => {
  test('a copy with the part-of label added; other labels and the original kept', () => {
    const p = applySetParent('prod', 'ops');
    const o: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', labels: { app: 'x' } }, spec: { ports: [] } };
    const marked = withPartOf(o, p);
    expect(marked).toEqual({ ...o, metadata: { ...o.metadata, labels: { app: 'x', [APPLYSET_PART_OF]: p.id } } });
    expect(o.metadata.labels).toEqual({ app: 'x' });
    expect(withPartOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }, p).metadata.labels).toEqual({ [APPLYSET_PART_OF]: p.id });
  });
});

describe('stackApplySet', () => {
  test('names the stack by its stack name (else its id), puts the parent in "default" unless told, marks every object', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'llm', labels: { a: 'b' } } };
    const s = stackApplySet({ id: 'chart', stackName: 'inference', objects: [cm] });
    expect(s.stack).toBe('inference');
    expect(s.parent).toEqual(applySetParent('inference', 'default'));
    expect(s.desired).toEqual([{ ...cm, metadata: { ...cm.metadata, labels: { a: 'b', [APPLYSET_PART_OF]: s.parent.id } } }]);
    expect(stackApplySet({ id: 'chart', objects: [] }, 'ops').parent).toEqual(applySetParent('chart', 'ops'));
  });
});
