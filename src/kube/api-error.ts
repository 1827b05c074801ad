import { ModelstackError } from '../errors.js';

/** A failed API request, with what kubectl users need to act on it. */
export interface ApiFailure {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** The Kubernetes Status object returned, when there was one. */
  readonly body?: Record<string, unknown>;
}

/** The 403 of a request, with the verb and resource the caller lacks. */
export class ForbiddenError extends ModelstackError {
  public constructor(
    message: string,
    public readonly verb: string,
    public readonly resource: string,
    public readonly namespace?: string,
  ) {
    super('FORBIDDEN', message, {
      hint: `ask for RBAC permission to ${verb} ${resource}${namespace ? ` in namespace ${namespace}` : ' (cluster-wide)'}`,
      exitCode: 2,
    });
  }

  /** "get customresourcedefinitions.apiextensions.k8s.io" */
  public get permission(): string {
    return `${this.verb} ${this.resource}${this.namespace ? ` in namespace ${this.namespace}` : ''}`;
  }
}

export class ApiStatusError extends ModelstackError {
  public constructor(
    code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'TIMEOUT' | 'INTERNAL',
    message: string,
    public readonly failure: ApiFailure,
    hint?: string,
    details: readonly string[] = [],
  ) {
    super(code, message, { hint, details, exitCode: 2 });
  }
}

/** Field-level causes of a 422 (or a conflict), as `field: message` lines. */
export function statusCauses(body: Record<string, unknown> | undefined): string[] {
  const details = body?.details as { causes?: Array<{ field?: string; message?: string; reason?: string }> } | undefined;
  return (details?.causes ?? []).map((c) => `${c.field ?? '(object)'}: ${c.message ?? c.reason ?? ''}`.trim());
}

/** Turns a non-2xx response into the matching typed error. */
export function apiError(f: ApiFailure, verb: string, resource: string, namespace?: string): ModelstackError {
  const message = typeof f.body?.message === 'string' ? f.body.message : `HTTP ${f.status}`;
  switch (f.status) {
    case 401:
      return new ModelstackError('KUBECONFIG', `the API server rejected the credentials: ${message}`, {
        hint: 'refresh your credentials or pick another context (--context)',
      });
    case 403:
      return new ForbiddenError(`forbidden: cannot ${verb} ${resource}${namespace ? ` in namespace ${namespace}` : ''}`, verb, resource, namespace);
    case 404:
      return new ApiStatusError('NOT_FOUND', `not found: ${message}`, f);
    case 409:
      return new ApiStatusError('CONFLICT', `conflict: ${message}`, f, undefined, statusCauses(f.body));
    case 422:
      return new ApiStatusError('INVALID', `the API server rejected the object: ${message}`, f, 'fix the fields listed above', statusCauses(f.body));
    case 408:
    case 504:
      return new ApiStatusError('TIMEOUT', `the API server timed out: ${message}`, f, 'retry; the request may still have been applied');
    default:
      return new ApiStatusError('INTERNAL', `the API server answered ${f.status} to ${f.method} ${f.path}: ${message}`, f);
  }
}
