import { type KubeObject, objectRef } from '../model/kube-object.js';
import type { IoLevel, IoMessage } from './io-host.js';

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

export const MESSAGES = {
  APP_RUN: type<{ readonly command: string }>('APP_RUN', 'debug', 'the app command that synthesizes the stacks is run'),
  APPLIED: type<ObjectData & { readonly action: 'created' | 'configured' | 'unchanged'; readonly dryRun: boolean }>(
    'APPLIED',
    'info',
    'an object was applied with server-side apply (created, configured or unchanged)',
  ),
  PRUNE: type<ObjectData & { readonly dryRun: boolean }>('PRUNE', 'warn', 'apply --prune will delete an object the stack owns and no longer has'),
  DELETE: type<ObjectData & { readonly dryRun: boolean }>('DELETE', 'info', 'destroy deletes an object the stack owns'),
  WAIT_START: type<{ readonly models: number; readonly timeoutMs: number }>('WAIT_START', 'info', 'apply --wait starts waiting for models'),
  WAIT_PROGRESS: type<{ readonly ref: string; readonly phase: string; readonly ready: number; readonly desired: number; readonly message?: string }>(
    'WAIT_PROGRESS',
    'info',
    "a model's phase or replica count changed while waiting",
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
} as const;

export type MessageCode = keyof typeof MESSAGES;
