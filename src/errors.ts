/**
 * Typed errors of the modelstack engine. Every error a user can cause carries a stable `code`
 * and, where one exists, a `hint` that says how to fix it. The CLI prints `message` and `hint`
 * (never a stack trace unless --debug) and maps `exitCode` to the process exit status.
 */
export type ErrorCode =
  | 'USAGE'
  | 'VALIDATION'
  | 'SCHEMA'
  | 'APP_FAILED'
  | 'IO'
  | 'CRDS_NOT_FOUND'
  | 'KUBECONFIG'
  | 'UNREACHABLE'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'OWNERSHIP'
  | 'LOCKED'
  | 'MASS_DELETE'
  | 'CONFIRMATION'
  | 'INVALID'
  | 'TIMEOUT'
  | 'PREFLIGHT'
  | 'GIT'
  | 'CONTAINER_RUNTIME'
  | 'LOCAL'
  | 'INTERRUPTED'
  | 'INTERNAL';

export interface ModelstackErrorOptions {
  readonly hint?: string;
  readonly exitCode?: number;
  readonly cause?: unknown;
  /** Extra lines (one per finding) printed under the message. */
  readonly details?: readonly string[];
}

export class ModelstackError extends Error {
  public readonly code: ErrorCode;
  public readonly hint?: string;
  public readonly exitCode: number;
  public readonly details: readonly string[];

  public constructor(code: ErrorCode, message: string, options: ModelstackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelstackError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
    this.details = options.details ?? [];
  }
}

export function isModelstackError(e: unknown): e is ModelstackError {
  return e instanceof ModelstackError;
}

/** The message of any thrown value, for wrapping foreign errors. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
