import { ModelstackError } from '../../src/errors.js';
import { type ApiFailure, ApiStatusError, apiError, ForbiddenError, statusCauses } from '../../src/kube/api-error.js';

const failure = (status: number, body?: Record<string, unknown>): ApiFailure => ({
  status,
  method: 'PATCH',
  path: '/apis/apps/v1/namespaces/ns/deployments/web',
  body,
});

const causes422 = {
  kind: 'Status',
  message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  details: {
    causes: [
      { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
      { reason: 'FieldValueRequired', field: 'spec.selector' },
      { message: 'object-level problem' },
    ],
  },
};

describe('statusCauses', () => {
  test('one `field: message` line per cause; the reason when there is no message; (object) without a field', () => {
    expect(statusCauses(causes422)).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.selector: FieldValueRequired',
      '(object): object-level problem',
    ]);
  });

  test('no body or no causes: no lines', () => {
    expect(statusCauses(undefined)).toEqual([]);
    expect(statusCauses({ message: 'x' })).toEqual([]);
    expect(statusCauses({ details: {} })).toEqual([]);
  });
});

describe('apiError', () => {
  test('401: a KUBECONFIG error about the credentials', () => {
    const e = apiError(failure(401, { message: 'Unauthorized' }), 'get', 'pods');
    expect(e).not.toBeInstanceOf(ApiStatusError);
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe('the API server rejected the credentials: Unauthorized');
    expect(e.hint).toBe('refresh your credentials or pick another context (--context)');
    expect(e.exitCode).toBe(2);
  });

  test('403 in a namespace: FORBIDDEN naming verb, resource and namespace, with the RBAC hint', () => {
    const e = apiError(failure(403, { message: 'ignored server text' }), 'list', 'deployments.apps', 'team-a');
    expect(e).toBeInstanceOf(ForbiddenError);
    const f = e as ForbiddenError;
    expect(f.code).toBe('FORBIDDEN');
    expect(f.message).toBe('forbidden: cannot list deployments.apps in namespace team-a');
    expect(f.hint).toBe('ask for RBAC permission to list deployments.apps in namespace team-a');
    expect(f.permission).toBe('list deployments.apps in namespace team-a');
    expect([f.verb, f.resource, f.namespace, f.user]).toEqual(['list', 'deployments.apps', 'team-a', undefined]);
  });

  test('403 naming the user (as kube-apiserver does): the user is kept and said', () => {
    const body = {
      message:
        'deployments.apps is forbidden: User "system:serviceaccount:ci:deployer" cannot list resource "deployments" in API group "apps" in the namespace "team-a"',
    };
    const f = apiError(failure(403, body), 'list', 'deployments.apps', 'team-a') as ForbiddenError;
    expect(f.user).toBe('system:serviceaccount:ci:deployer');
    expect(f.message).toBe('forbidden: user "system:serviceaccount:ci:deployer" cannot list deployments.apps in namespace team-a');
  });

  test('403 cluster-wide: the hint and the permission say cluster-wide', () => {
    const f = apiError(failure(403), 'get', 'customresourcedefinitions.apiextensions.k8s.io') as ForbiddenError;
    expect(f.message).toBe('forbidden: cannot get customresourcedefinitions.apiextensions.k8s.io');
    expect(f.hint).toBe('ask for RBAC permission to get customresourcedefinitions.apiextensions.k8s.io cluster-wide');
    expect(f.permission).toBe('get customresourcedefinitions.apiextensions.k8s.io cluster-wide');
  });

  test('404: NOT_FOUND with the server message, keeping the failure', () => {
    const f = failure(404, { message: 'deployments.apps "web" not found' });
    const e = apiError(f, 'get', 'deployments.apps') as ApiStatusError;
    expect(e).toBeInstanceOf(ApiStatusError);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('not found: deployments.apps "web" not found');
    expect(e.failure).toBe(f);
    expect(e.hint).toBeUndefined();
  });

  test('409: CONFLICT with the causes as details', () => {
    const e = apiError(
      failure(409, {
        message: 'Apply failed with 1 conflict',
        details: { causes: [{ message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }] },
      }),
      'patch',
      'deployments.apps',
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('conflict: Apply failed with 1 conflict');
    expect(e.details).toEqual(['.spec.replicas: conflict with "kubectl-edit" using apps/v1']);
  });

  test('422: INVALID with each field path as a detail, and a hint pointing at them', () => {
    const e = apiError(failure(422, causes422), 'patch', 'deployments.apps', 'ns');
    expect(e.code).toBe('INVALID');
    expect(e.message).toBe(`the API server rejected the object: ${causes422.message}`);
    expect(e.details).toEqual(statusCauses(causes422));
    expect(e.details[0]).toMatch(/^spec\.replicas: /);
    expect(e.hint).toBe('fix the fields listed above');
  });

  test.each([408, 504])('%i: TIMEOUT, warning the request may have been applied', (status) => {
    const e = apiError(failure(status, { message: 'Timeout: request did not complete' }), 'patch', 'x');
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('the API server timed out: Timeout: request did not complete');
    expect(e.hint).toBe('retry; the request may still have been applied');
  });

  test('any other status: INTERNAL naming status, method and path; HTTP <status> when the body has no message', () => {
    const e = apiError(failure(500, { message: 'etcdserver: leader changed' }), 'patch', 'x');
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('the API server answered 500 to PATCH /apis/apps/v1/namespaces/ns/deployments/web: etcdserver: leader changed');
    expect(apiError(failure(503), 'get', 'x').message).toBe('the API server answered 503 to PATCH /apis/apps/v1/namespaces/ns/deployments/web: HTTP 503');
    expect(apiError(failure(502, { message: 42 }), 'get', 'x').message).toMatch(/: HTTP 502$/);
  });

  test('every error is a ModelstackError with exit code 2', () => {
    for (const status of [401, 403, 404, 408, 409, 422, 500, 504]) {
      const e = apiError(failure(status), 'get', 'x');
      expect(e).toBeInstanceOf(ModelstackError);
      expect(e.exitCode).toBe(2);
    }
  });
});
