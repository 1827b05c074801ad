import { conflictsOf } from '../../src/apply/conflicts.js';
import { ModelstackError } from '../../src/errors.js';
import { apiError } from '../../src/kube/api-error.js';

const OBJ = 'Deployment web/frontend';

/** The 409 the client throws for a server-side apply conflict with these causes. */
function conflict(
  causes: Array<{ message?: string; field?: string }>,
  message = 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
): Error {
  return apiError(
    { status: 409, method: 'PATCH', path: '/apis/apps/v1/namespaces/web/deployments/frontend', body: { message, details: { causes } } },
    'patch',
    'deployments.apps',
    'web',
  );
}

describe('conflictsOf', () => {
  test('not a conflict: undefined (other errors are not conflicts)', () => {
    expect(conflictsOf(new Error('x'), OBJ)).toBeUndefined();
    expect(conflictsOf(new ModelstackError('CONFLICT', 'not from the API'), OBJ)).toBeUndefined();
    expect(conflictsOf(apiError({ status: 422, method: 'PATCH', path: '/', body: {} }, 'patch', 'x'), OBJ)).toBeUndefined();
    expect(conflictsOf(undefined, OBJ)).toBeUndefined();
  });

  test('the manager from `conflict with "x"`, the field from the cause', () => {
    expect(conflictsOf(conflict([{ message: 'conflict with "helm"', field: '.spec.replicas' }]), OBJ)).toEqual([
      { object: OBJ, manager: 'helm', field: '.spec.replicas' },
    ]);
  });

  test('an Update manager: `conflict with "x" using apps/v1`', () => {
    expect(conflictsOf(conflict([{ message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }]), OBJ)).toEqual([
      { object: OBJ, manager: 'kubectl-edit', field: '.spec.replicas' },
    ]);
  });

  test('no field in the cause: the path after the colon, as in `conflict with "x" using apps/v1: .spec.replicas`', () => {
    expect(conflictsOf(conflict([{ message: 'conflict with "kubectl-edit" using apps/v1: .spec.replicas' }]), OBJ)).toEqual([
      { object: OBJ, manager: 'kubectl-edit', field: '.spec.replicas' },
    ]);
    expect(conflictsOf(conflict([{ message: 'conflict with "helm": .data.key' }]), OBJ)).toEqual([{ object: OBJ, manager: 'helm', field: '.data.key' }]);
  });

  test('a manager of a subresource (e.g. an autoscaler writing /scale) is still named', () => {
    expect(
      conflictsOf(
        conflict([{ message: 'conflict with "kube-controller-manager" with subresource "scale" using autoscaling/v1', field: '.spec.replicas' }]),
        OBJ,
      ),
    ).toEqual([{ object: OBJ, manager: 'kube-controller-manager', field: '.spec.replicas' }]);
  });

  test('a manager with a time (`using v at <RFC3339>`) is named, and a path after it found', () => {
    expect(conflictsOf(conflict([{ message: 'conflict with "ops" using apps/v1 at 2026-01-02T03:04:05Z: .spec.replicas' }]), OBJ)).toEqual([
      { object: OBJ, manager: 'ops', field: '.spec.replicas' },
    ]);
  });

  test('one entry per cause', () => {
    const e = conflict([
      { message: 'conflict with "a"', field: '.spec.replicas' },
      { message: 'conflict with "b" using apps/v1', field: '.spec.template.spec.containers[name="web"].image' },
    ]);
    expect(conflictsOf(e, OBJ)!.map((c) => `${c.manager} ${c.field}`)).toEqual(['a .spec.replicas', 'b .spec.template.spec.containers[name="web"].image']);
  });

  test('a cause that says nothing usable: another manager, unknown field', () => {
    expect(conflictsOf(conflict([{ message: 'something else' }, {}]), OBJ)).toEqual([
      { object: OBJ, manager: 'another manager', field: '(unknown field)' },
      { object: OBJ, manager: 'another manager', field: '(unknown field)' },
    ]);
  });

  test('no causes at all: one entry carrying the error message', () => {
    const e = conflict([], 'Operation cannot be fulfilled: the object has been modified');
    expect(conflictsOf(e, OBJ)).toEqual([
      { object: OBJ, manager: 'another manager', field: 'conflict: Operation cannot be fulfilled: the object has been modified' },
    ]);
  });
});
