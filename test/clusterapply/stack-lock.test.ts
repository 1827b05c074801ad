import { applySetParent } from '../../src/clusterapply/applyset.js';
import { type LockNote, StackLock } from '../../src/clusterapply/stack-lock.js';
import { ModelstackError } from '../../src/errors.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { pendingCleanups, runCleanups } from '../../src/util/cleanup.js';
import { FakeKube } from '../support/fake-kube.js';

const parent = applySetParent('demo', 'default');
type Lease = KubeObject & { spec: { holderIdentity?: string; renewTime?: string; acquireTime?: string; leaseDurationSeconds?: number } };
const lease = (c: FakeKube): Lease | undefined => c.find('coordination.k8s.io/v1', 'Lease', 'modelstack-demo', 'default') as Lease | undefined;

describe('StackLock', () => {
  test('creates the lease with holder, description and times; release frees it for the next run', async () => {
    const c = new FakeKube().serveBuiltins();
    const lock = await StackLock.acquire(c, parent, { description: 'apply of abc by me', now: () => Date.parse('2026-11-29T10:00:00Z') });
    const l = lease(c)!;
    expect(l.spec).toMatchObject({ leaseDurationSeconds: 60, acquireTime: '2026-11-29T10:00:00.000000Z', renewTime: '2026-11-29T10:00:00.000000Z' });
    expect(l.spec.holderIdentity).toMatch(/@.* pid \d+ \w+$/);
    expect(l.metadata.annotations).toEqual({ 'modelstack.io/lock-description': 'apply of abc by me' });
    expect(lock.createdLease).toBe(true);
    await lock.release();
    expect(lease(c)!.spec.holderIdentity).toBeUndefined();
    const next = await StackLock.acquire(c, parent, { description: 'next' });
    expect(lease(c)!.spec.holderIdentity).toBeDefined();
    // The released lease stays: the next run finds it, so the stack has held its lock before.
    expect(next.createdLease).toBe(false);
    await next.release();
  });

  test('a lease held by another run: LOCKED naming the holder, its description and since when, exit code 3', async () => {
    const c = new FakeKube().serveBuiltins();
    const first = await StackLock.acquire(c, parent, { description: 'apply of abc by ana' });
    const e = await StackLock.acquire(c, parent, { description: 'second' }).catch((x: unknown) => x as ModelstackError);
    expect(e).toBeInstanceOf(ModelstackError);
    expect((e as ModelstackError).code).toBe('LOCKED');
    expect((e as ModelstackError).exitCode).toBe(3);
    expect((e as ModelstackError).message).toContain(`is held by ${lease(c)!.spec.holderIdentity} since ${lease(c)!.spec.acquireTime} (apply of abc by ana)`);
    await first.release();
  });

  test('an expired lease is taken over with a note; a live one is broken only with breakLock, and its holder then finds it lost', async () => {
    const c = new FakeKube().serveBuiltins();
    const notes: LockNote[] = [];
    const old = await StackLock.acquire(c, parent, { description: 'killed', now: () => Date.now() - 120_000 });
    const taken = await StackLock.acquire(c, parent, { description: 'new', onNote: (n) => notes.push(n) });
    expect(notes.map((n) => n.kind)).toEqual(['taken-over']);
    await old.renew();
    expect(() => old.assertHeld()).toThrow(/^lost the stack lock: now held by /);
    const broke = await StackLock.acquire(c, parent, { description: 'breaker', breakLock: true, onNote: (n) => notes.push(n) });
    expect(notes.map((n) => n.kind)).toEqual(['taken-over', 'broken']);
    await taken.renew();
    expect(() => taken.assertHeld()).toThrow(ModelstackError);
    // A lost lock's release leaves the new holder alone.
    await taken.release();
    expect(lease(c)!.metadata.annotations).toEqual({ 'modelstack.io/lock-description': 'breaker' });
    await broke.release();
    await old.release();
  });

  test('release is one write of the lease as this run last wrote it; a lease taken over meanwhile (not noticed yet) stays with its new holder', async () => {
    const c = new FakeKube().serveBuiltins();
    const lock = await StackLock.acquire(c, parent, { description: 'one' });
    const before = c.calls.length;
    await lock.release();
    expect(c.calls.slice(before).map((x) => x.verb)).toEqual(['replace']);
    expect(lease(c)!.spec.holderIdentity).toBeUndefined();

    const old = await StackLock.acquire(c, parent, { description: 'killed', now: () => Date.now() - 120_000 });
    const taker = await StackLock.acquire(c, parent, { description: 'taker' });
    const holder = lease(c)!.spec.holderIdentity;
    await old.release();
    expect(lease(c)!.spec.holderIdentity).toBe(holder);
    expect(lease(c)!.metadata.annotations).toEqual({ 'modelstack.io/lock-description': 'taker' });
    await taker.release();
    expect(lease(c)!.spec.holderIdentity).toBeUndefined();
  });

  test('waitMs: waits (one note) until the holder releases', async () => {
    const c = new FakeKube().serveBuiltins();
    const first = await StackLock.acquire(c, parent, { description: 'first' });
    setTimeout(() => void first.release(), 300);
    const notes: string[] = [];
    const second = await StackLock.acquire(c, parent, { description: 'second', waitMs: 5_000, onNote: (n) => notes.push(n.kind) });
    expect(notes).toEqual(['waiting']);
    expect(lease(c)!.metadata.annotations).toEqual({ 'modelstack.io/lock-description': 'second' });
    await second.release();
  });

  test('an interruption (runCleanups, what Ctrl-C runs) frees a held lease; a later release does nothing more', async () => {
    const c = new FakeKube().serveBuiltins();
    const lock = await StackLock.acquire(c, parent, { description: 'interrupted apply' });
    expect(pendingCleanups()).toBe(1);
    await runCleanups(5_000);
    expect(lease(c)!.spec.holderIdentity).toBeUndefined();
    expect(pendingCleanups()).toBe(0);
    const writes = c.writes().length;
    await lock.release();
    expect(c.writes()).toHaveLength(writes);
  });

  test('renewal moves renewTime forward', async () => {
    const c = new FakeKube().serveBuiltins();
    let t = Date.parse('2026-11-29T10:00:00Z');
    const lock = await StackLock.acquire(c, parent, { description: 'x', now: () => t });
    t += 20_000;
    await lock.renew();
    expect(lease(c)!.spec.renewTime).toBe('2026-11-29T10:00:20.000000Z');
    await lock.release();
  });
});
