import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import type { KubeApi } from '../kube/kube-api.js';
import type { StackManifest } from '../model/kube-object.js';
import { stackApplySet, type StackApplySet } from '../clusterapply/applyset.js';
import { requireStackId } from '../clusterapply/ownership.js';
import { holderIdentity, StackLock } from '../clusterapply/stack-lock.js';

/** How apply and destroy take each stack's lock. */
export interface LockingOptions {
  /** Wait up to this long for a lock another run holds. @default 0: fail at once, naming the holder */
  readonly waitForLockMs?: number;
  /** Take the lock even when another run holds it. @default false */
  readonly breakLock?: boolean;
  /** What this run is, shown to a run that finds the lock held. @default "<command> by <user>@<host> pid <pid>" */
  readonly lockDescription?: string;
}

/** A stack as apply and destroy work on it: its ApplySet and its identity. */
export interface ResolvedStack extends StackApplySet {
  readonly stackId: string;
}

/** Every stack's ApplySet and stackId; refuses (before any request) a stack without a valid stackId. */
export function resolveStacks(stacks: readonly StackManifest[], applySetNamespace: string | undefined, command: string): ResolvedStack[] {
  return stacks.map((s) => {
    const set = stackApplySet(s, applySetNamespace);
    return { ...set, stackId: requireStackId(s, set.stack, command) };
  });
}

/** Takes every stack's lock, in name order (so two runs over the same stacks never deadlock). */
export async function lockStacks(
  kube: KubeApi,
  stacks: readonly ResolvedStack[],
  opts: LockingOptions,
  command: string,
  io: IoHost,
): Promise<Map<string, StackLock>> {
  const locks = new Map<string, StackLock>();
  try {
    for (const r of [...stacks].sort((a, b) => a.parent.name.localeCompare(b.parent.name))) {
      const lock = await StackLock.acquire(kube, r.parent, {
        description: opts.lockDescription ?? `${command} by ${holderIdentity()}`,
        waitMs: opts.waitForLockMs,
        breakLock: opts.breakLock,
        onNote: (n) => io.notify(MESSAGES.LOCK.make(n.message, { stack: r.stack, kind: n.kind, holder: n.holder, ...(n.since ? { since: n.since } : {}) })),
      });
      locks.set(r.stack, lock);
    }
  } catch (e) {
    await unlockAll(locks);
    throw e;
  }
  return locks;
}

export async function unlockAll(locks: ReadonlyMap<string, StackLock>): Promise<void> {
  await Promise.all([...locks.values()].map((l) => l.release()));
}
