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
    /** The user the API server says was refused, when its message names one. */
    public readonly user?: string,
  ) {
    super('FORBIDDEN', message, {
      hint: `ask for RBAC permission to ${verb} ${resource} ${namespace ? `in namespace ${namespace}` : 'cluster-wide'}`,
      exitCode: 2,
    });
  }

  /** "get customresourcedefinitions.apiextensions.k8s.io cluster-wide", "list pods in namespace a" */
  public get permission(): string {
    return `${this.verb} ${this.resource} ${this.namespace ? `in namespace ${this.namespace}` : 'cluster-wide'}`;
  }
}

/**
 * The user named in an API server's 403 message (`... is forbidden: User "alice" cannot list
 * ...`). A user name, never a credential: the server names who it authenticated.
 */
export function forbiddenUser(body: Record<string, unknown> | undefined): string | undefined {
  const message = typeof body?.message === 'string' ? body.message : '';
  return /\bUser "([^"]+)" cannot\b/.exec(message)?.[1];
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
    case 403: {
      const user = forbiddenUser(f.body);
      return new ForbiddenError(
        `forbidden: ${user ? `user "${user}" ` : ''}cannot ${verb} ${resource}${namespace ? ` in namespace ${namespace}` : ''}`,
        verb,
        resource,
        namespace,
        user,
      );
    }
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
