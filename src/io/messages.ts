import { type KubeObject, objectRef } from '../model/kube-object.js';
import type { IoLevel, IoMessage, IoRequest } from './io-host.js';

/**
 * The registered messages of the engine: each has a stable code, a level and typed data, so a
 * caller (a GitOps bot, a test, the CLI) can react to `msg.code` and read `msg.data` without
 * parsing text. `message` is the human line the CLI prints.
 */
export interface MessageType<T> {
  readonly code: string;
  readonly level: IoLevel;
  /** What the message means, for the README's list of codes. */
  readonly description: string;
  /** A message of this type with its text and data. */
  make(message: string, data: T): IoMessage<T>;
  /** Whether `m` is a message of this type (narrows `m.data`). */
  is(m: IoMessage): m is IoMessage<T>;
}

function type<T>(code: string, level: IoLevel, description: string): MessageType<T> {
  return {
    code,
    level,
    description,
    make: (message, data) => ({ level, code, message, data }),
    is: (m): m is IoMessage<T> => m.code === code,
  };
}

/** A registered request: a message the host answers (see IoHost.requestResponse). */
export interface RequestType<T, R> extends MessageType<T> {
  /** The request, with the answer used when the host cannot ask anybody. */
  request(message: string, data: T, defaultResponse: R): IoRequest<T, R>;
}

function requestType<T, R>(code: string, level: IoLevel, description: string): RequestType<T, R> {
  return { ...type<T>(code, level, description), request: (message, data, defaultResponse) => ({ level, code, message, data, defaultResponse }) };
}

/** What an applied, pruned or deleted object is. */
export interface ObjectData {
  /** `Kind namespace/name`. */
  readonly ref: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The stack (ApplySet) it belongs to. */
  readonly stack: string;
}

/** The ObjectData of a synthesized or live object. */
export function objectData(o: KubeObject, stack: string): ObjectData {
  return {
    ref: objectRef(o),
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name ?? '',
    stack,
  };
}

/** What destroy will do, stack by stack, as DESTROY_CONFIRM asks about it. */
export interface DestroyPlanData {
  readonly stacks: ReadonlyArray<{
    readonly stack: string;
    readonly deletes: readonly string[];
    readonly releases: ReadonlyArray<{ readonly ref: string; readonly reason: string }>;
    /** Namespaces deleted, with everything in them (`3 Pod, 1 Secret`). */
    readonly namespaces: ReadonlyArray<{ readonly namespace: string; readonly contents: string }>;
  }>;
}

export const MESSAGES = {
  APP_RUN: type<{ readonly command: string }>('APP_RUN', 'debug', 'the app command that synthesizes the stacks is run'),
  APPLIED: type<ObjectData & { readonly action: 'created' | 'adopted' | 'configured' | 'unchanged'; readonly dryRun: boolean }>(
    'APPLIED',
    'info',
    'an object was applied with server-side apply (created, adopted: it existed before and the stack now manages it but will never delete it, configured or unchanged)',
  ),
  PRUNE: type<ObjectData & { readonly dryRun: boolean; readonly namespaceContents?: string }>(
    'PRUNE',
    'warn',
    'apply --prune will delete an object the stack created and no longer has (a namespace with everything in it)',
  ),
  DELETE: type<ObjectData & { readonly dryRun: boolean; readonly namespaceContents?: string }>(
    'DELETE',
    'info',
    'destroy deletes an object the stack created (a namespace with everything in it)',
  ),
  RELEASE: type<ObjectData & { readonly dryRun: boolean; readonly reason: string; readonly keptFields: boolean }>(
    'RELEASE',
    'warn',
    "prune or destroy releases an object instead of deleting it (adopted, or a namespace that holds what the stack does not own): the stack's marks and fields are dropped, the object stays",
  ),
  DESTROY_CONFIRM: requestType<DestroyPlanData, boolean>(
    'DESTROY_CONFIRM',
    'warn',
    'destroy asks to confirm what it will delete and release (answered yes by --yes; no when nobody can be asked)',
  ),
  OWNERSHIP_NOTE: type<{ readonly stack: string; readonly parent: string }>(
    'OWNERSHIP_NOTE',
    'warn',
    "something about a stack's ownership record: a parent claimed for the stack's id, or owned objects found by their marks that the record missed (and the record repaired)",
  ),
  LOCK: type<{ readonly stack: string; readonly kind: 'waiting' | 'taken-over' | 'broken' | 'lost'; readonly holder: string; readonly since?: string }>(
    'LOCK',
    'warn',
    "the stack's lock: waiting for another run, a stale lock taken over, a lock broken with --break-lock, or the lock lost",
  ),
  WAIT_START: type<{ readonly models: number; readonly timeoutMs: number }>('WAIT_START', 'info', 'apply --wait starts waiting for models'),
  WAIT_PROGRESS: type<{ readonly ref: string; readonly phase: string; readonly ready: number; readonly desired: number; readonly message?: string }>(
    'WAIT_PROGRESS',
    'info',
    "a model's phase or replica count changed while waiting",
  ),
  DOWNLOAD_PROGRESS: type<{
    readonly ref: string;
    readonly cache: string;
    readonly phase: string;
    readonly failedAttempts: number;
    readonly elapsedMs: number;
  }>(
    'DOWNLOAD_PROGRESS',
    'info',
    "apply --wait: a ModelCache's download Job changed state (pending, running, a retry, complete), or is still running (once a minute)",
  ),
  LIST_NOTE: type<{ readonly note: string }>('LIST_NOTE', 'warn', 'list could not read something (a runtime not installed, a missing permission)'),
  GIT_CHECKOUT: type<{ readonly ref: string; readonly commit: string; readonly worktree: string }>(
    'GIT_CHECKOUT',
    'debug',
    'diff --base checks out a revision',
  ),
  GIT_NOTE: type<{ readonly ref: string }>('GIT_NOTE', 'warn', 'diff --base: something about the revision the user should know'),
  CLEANUP_FAILED: type<{ readonly path: string; readonly reason: string }>('CLEANUP_FAILED', 'warn', 'a temporary file or worktree could not be removed'),
  ENGINE_SKIPPED: type<{ readonly engine: string; readonly reason: string }>('ENGINE_SKIPPED', 'warn', 'a container engine was skipped during detection'),
  ENGINE_CHOSEN: type<{ readonly engine: string; readonly version: string; readonly source: string }>(
    'ENGINE_CHOSEN',
    'info',
    'the container engine a local run uses',
  ),
  ENGINE_ALIAS: type<{ readonly used: string; readonly use: string }>(
    'ENGINE_ALIAS',
    'warn',
    'a deprecated alias (--runtime, MODELSTACK_CONTAINER_RUNTIME) was used',
  ),
  LOCAL_PROGRESS: type<{ readonly service?: string; readonly step: string }>(
    'LOCAL_PROGRESS',
    'info',
    'local up: a network, volume or container was created, started or became ready',
  ),
  LOCAL_WARNING: type<{ readonly service?: string }>(
    'LOCAL_WARNING',
    'warn',
    'local up: something the user should know (dropped GPU reservation, orphans, plain volume)',
  ),
  DEBUG: type<Record<string, never>>('DEBUG', 'debug', 'a debug line without data'),
  IMPORT_PATCHED: type<{ readonly ref: string; readonly patches: readonly string[] }>(
    'IMPORT_PATCHED',
    'info',
    'import kept fields of a model the props do not express as JSON patches in the stack file',
  ),
  IMPORT_NOT_CONVERTED: type<{ readonly ref: string; readonly fields: readonly string[] }>(
    'IMPORT_NOT_CONVERTED',
    'warn',
    'import could not carry fields of a model over (a v1alpha1 field v1beta1 has no place for, a prop it could not read)',
  ),
  BOOTSTRAP: type<{
    readonly step: 'operators-first' | 'models' | 'dry-run';
    readonly runtimes: readonly string[];
    readonly deferred: readonly string[];
    readonly timeoutMs: number;
  }>(
    'BOOTSTRAP',
    'info',
    'apply installs runtimes its models need: the operators and their installs are applied first, then apply waits for the runtimes, then applies the models (a dry run says what it would do)',
  ),
  OPERATOR_WAIT: type<{
    readonly runtime: string;
    readonly state: 'waiting' | 'ready';
    readonly installer: 'flux' | 'argocd' | 'manifests';
    /** The install object waited on, `Kind namespace/name`. */
    readonly install: string;
    /** What is still missing (the runtime's CRDs or operator, and the installer's own status). */
    readonly reason: string;
    readonly elapsedMs: number;
  }>(
    'OPERATOR_WAIT',
    'info',
    "apply waits for a runtime the stack installs: what it is waiting for (CRDs not served, operator not available, the Flux HelmRelease's or Argo CD Application's status) when it changes and once a minute, and when the runtime is ready",
  ),
  SYNTH_REUSED: type<{ readonly command: string; readonly createdAt: string }>(
    'SYNTH_REUSED',
    'info',
    'apply/diff: the stored output of an earlier run of the app was used, its inputs being unchanged',
  ),
  SYNTH_NOT_REUSED: type<{ readonly reason: string }>('SYNTH_NOT_REUSED', 'debug', 'why the app output is neither reused nor stored'),
  INIT_FILE: type<{ readonly path: string; readonly replaced: boolean }>(
    'INIT_FILE',
    'info',
    'init wrote a file of the new project (replaced: it overwrote one, with --force)',
  ),
  LOCAL_BUILD_OUTPUT: type<{ readonly service: string; readonly stream: 'stdout' | 'stderr' }>(
    'LOCAL_BUILD_OUTPUT',
    'info',
    'local up: a line of the output of an image build (compose build:), as the engine prints it',
  ),
  METRICS_SCRAPE: type<{ readonly namespace?: string; readonly service?: string; readonly port: string; readonly url?: string }>(
    'METRICS_SCRAPE',
    'debug',
    "metrics: a model's metrics endpoint is scraped (through the API server's service proxy, or a local run's published port)",
  ),
  METRICS_POD_SCRAPE: type<{ readonly namespace: string; readonly pod: string; readonly port: string }>(
    'METRICS_POD_SCRAPE',
    'debug',
    "metrics: one of a model's worker pods is scraped through the API server's pod proxy",
  ),
} as const;

export type MessageCode = keyof typeof MESSAGES;
