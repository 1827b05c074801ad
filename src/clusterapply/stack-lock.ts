import { hostname, userInfo } from 'node:os';
import { ModelstackError } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import type { KubeObject } from '../model/kube-object.js';
import { type Cleanup, registerCleanup } from '../util/cleanup.js';
import type { ApplySetParent } from './applyset.js';

/**
 * One writer per stack: a coordination.k8s.io/v1 Lease next to the stack's ApplySet parent
 * (same name and namespace). Apply and destroy take it before their first write, renew it while
 * they run and release it at the end; a second writer waits for it or fails naming the holder.
 * A lease whose holder stopped renewing it (a killed process) is taken over once it expires.
 */
export const LOCK_DESCRIPTION = 'modelstack.io/lock-description';

/** @default 60 s: how long a lease stays valid without renewal. */
export const DEFAULT_LEASE_SECONDS = 60;

export interface LockOptions {
  /** What the holder is doing, shown to whoever waits (e.g. "apply of 3f9c2a1 by ana@laptop"). */
  readonly description: string;
  /** Wait this long for a lease someone else holds; 0 fails at once. @default 0 */
  readonly waitMs?: number;
  /** Take the lease even when someone else holds it and it has not expired. @default false */
  readonly breakLock?: boolean;
  /** @default DEFAULT_LEASE_SECONDS */
  readonly leaseSeconds?: number;
  /** Called once when the lease is busy and the call starts to wait, and when a stale lease is taken over. */
  readonly onNote?: (note: LockNote) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface LockNote {
  readonly kind: 'waiting' | 'taken-over' | 'broken' | 'lost';
  readonly holder: string;
  readonly description?: string;
  readonly since?: string;
  readonly message: string;
}

interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
  };
}

/** The stack's Lease: the name and namespace of its ApplySet parent. */
export function leaseRef(parent: ApplySetParent): KubeObject {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: parent.name, namespace: parent.namespace } };
}

/** The identity a lock is held under: user, host and process. */
export function holderIdentity(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): keep "unknown"
  }
  return `${user}@${hostname()} pid ${process.pid}`;
}

/** A held lease; call `release()` on every exit path. */
export class StackLock {
  private lost?: string;
  private deleteOnRelease = false;
  private timer?: NodeJS.Timeout;
  private lease: LeaseObject;
  private renewing?: Promise<void>;
  /** Ctrl-C frees the lease too (the CLI runs registered cleanups before it exits). */
  private readonly cleanup: Cleanup;

  private constructor(
    private readonly kube: KubeApi,
    lease: LeaseObject,
    private readonly holder: string,
    private readonly opts: LockOptions,
    /**
     * This acquire created the lease: no run of the stack has taken its lock on this cluster
     * before (a released lease stays, holding nobody), unless someone deleted it by hand.
     */
    public readonly createdLease: boolean,
  ) {
    this.lease = lease;
    const seconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    this.timer = setInterval(() => void this.renew(), (seconds * 1000) / 3);
    this.timer.unref();
    this.cleanup = registerCleanup(() => this.free());
  }

  /** Takes the stack's lease, waiting for it up to `waitMs`. */
  public static async acquire(kube: KubeApi, parent: ApplySetParent, opts: LockOptions): Promise<StackLock> {
    const holder = `${holderIdentity()} ${Math.random().toString(36).slice(2, 8)}`;
    const now = opts.now ?? Date.now;
    const seconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    const deadline = now() + (opts.waitMs ?? 0);
    const ref = leaseRef(parent);
    let noted = false;
    for (;;) {
      const stamp = microTime(now());
      const mine = (rv?: string): LeaseObject => ({
        ...ref,
        metadata: { ...ref.metadata, ...(rv ? { resourceVersion: rv } : {}), annotations: { [LOCK_DESCRIPTION]: opts.description } },
        spec: { holderIdentity: holder, leaseDurationSeconds: seconds, acquireTime: stamp, renewTime: stamp },
      });
      const live = await kube.get<LeaseObject>(ref);
      try {
        if (!live) return new StackLock(kube, await kube.create<LeaseObject>(mine()), holder, opts, true);
        const held = heldBy(live, now());
        const rv = (live.metadata as { resourceVersion?: string }).resourceVersion;
        if (!held) return new StackLock(kube, await kube.replace<LeaseObject>(mine(rv)), holder, opts, false);
        if (held.expired || opts.breakLock) {
          const taken = await kube.replace<LeaseObject>(mine(rv));
          opts.onNote?.({
            kind: held.expired ? 'taken-over' : 'broken',
            holder: held.holder,
            description: held.description,
            since: held.since,
            message: held.expired
              ? `took over the lock of stack ${parent.name}: its holder ${held.holder} stopped renewing it (last at ${held.renewed})`
              : `broke the lock of stack ${parent.name} held by ${held.holder} since ${held.since}${held.description ? ` (${held.description})` : ''}`,
          });
          return new StackLock(kube, taken, holder, opts, false);
        }
        if (now() >= deadline) {
          throw new ModelstackError(
            'LOCKED',
            `stack lock ${parent.namespace}/${parent.name} is held by ${held.holder} since ${held.since}${held.description ? ` (${held.description})` : ''}; it expires at ${held.expires} unless renewed`,
            {
              hint: 'wait for that run to finish (--wait-for-lock SECONDS waits for it), or, if it is certainly gone, --break-lock',
              exitCode: 3,
            },
          );
        }
        if (!noted) {
          noted = true;
          opts.onNote?.({
            kind: 'waiting',
            holder: held.holder,
            description: held.description,
            since: held.since,
            message: `waiting for the lock of stack ${parent.name}, held by ${held.holder} since ${held.since}${held.description ? ` (${held.description})` : ''}`,
          });
        }
        await sleep(Math.min(1000, Math.max(0, deadline - now())));
      } catch (e) {
        // Someone else created or changed the lease between our read and our write: read again.
        if (e instanceof ModelstackError && e.code === 'CONFLICT') continue;
        throw e;
      }
    }
  }

  /** Throws when the lease was lost (taken over or broken by another run) since it was taken. */
  public assertHeld(): void {
    if (this.lost) {
      throw new ModelstackError('LOCKED', `lost the stack lock: ${this.lost}; stopped before writing more`, {
        hint: 'another run holds the stack now: check what it does before running again',
        exitCode: 3,
      });
    }
  }

  /** Renews the lease now (also done on a timer, every third of its duration). */
  public async renew(): Promise<void> {
    if (this.lost || !this.timer) return;
    if (this.renewing) return this.renewing;
    this.renewing = (async () => {
      try {
        const live = await this.kube.get<LeaseObject>(this.lease);
        if (live?.spec?.holderIdentity !== this.holder) {
          this.lost = `now held by ${live?.spec?.holderIdentity ?? 'nobody (the lease was deleted)'}`;
          this.opts.onNote?.({ kind: 'lost', holder: live?.spec?.holderIdentity ?? '', message: `lost the stack lock: ${this.lost}` });
          return;
        }
        const now = this.opts.now ?? Date.now;
        this.lease = await this.kube.replace<LeaseObject>({ ...live, spec: { ...live.spec, renewTime: microTime(now()) } });
      } catch {
        // A failed renewal is retried by the timer; the lease stays valid until it expires.
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  /** Stops renewing and frees the lease (only if this run still holds it). Never throws. */
  public async release(): Promise<void> {
    await this.cleanup.run();
  }

  /**
   * Stops renewing and deletes the lease instead of freeing it (destroy: the stack is gone from
   * the cluster, its next apply is a first one); only if this run still holds it. Never throws.
   */
  public async releaseDeleting(): Promise<void> {
    this.deleteOnRelease = true;
    await this.cleanup.run();
  }

  private async free(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    if (this.lost) return;
    if (this.deleteOnRelease) {
      await this.kube.delete(this.lease).catch(() => false);
      return;
    }
    const freed = (l: LeaseObject): LeaseObject => {
      const { holderIdentity: _h, acquireTime: _a, renewTime: _r, ...spec } = l.spec ?? {};
      return { ...l, metadata: { ...l.metadata, annotations: {} }, spec };
    };
    try {
      // The lease as this run last wrote it (its resourceVersion included): one request, unless
      // someone changed it since (a conflict), in which case it is read and freed only if still ours.
      await this.kube.replace(freed(this.lease));
    } catch (e) {
      if (!(e instanceof ModelstackError && e.code === 'CONFLICT')) return;
      try {
        const live = await this.kube.get<LeaseObject>(this.lease);
        if (live?.spec?.holderIdentity !== this.holder) return;
        await this.kube.replace(freed(live));
      } catch {
        // The lease expires on its own.
      }
    }
  }
}

interface Held {
  readonly holder: string;
  readonly description?: string;
  readonly since: string;
  readonly renewed: string;
  readonly expires: string;
  readonly expired: boolean;
}

function heldBy(lease: LeaseObject, now: number): Held | undefined {
  const holder = lease.spec?.holderIdentity;
  if (!holder) return undefined;
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  const seconds = lease.spec?.leaseDurationSeconds ?? DEFAULT_LEASE_SECONDS;
  const expiresAt = renewed ? Date.parse(renewed) + seconds * 1000 : 0;
  return {
    holder,
    description: lease.metadata.annotations?.[LOCK_DESCRIPTION],
    since: lease.spec?.acquireTime ?? 'an unknown time',
    renewed: renewed ?? 'never',
    expires: new Date(expiresAt).toISOString(),
    expired: !(expiresAt > now),
  };
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
