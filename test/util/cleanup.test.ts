import { interrupted, pendingCleanups, registerCleanup, runCleanups } from '../../src/util/cleanup.js';

afterEach(async () => {
  await runCleanups(1_000);
  expect(pendingCleanups()).toBe(0);
});

describe('cleanup registry', () => {
  test('runCleanups runs the newest first, each after the one before, and unregisters them', async () => {
    const log: string[] = [];
    registerCleanup(async () => {
      log.push('worktree start');
      await new Promise((r) => setTimeout(r, 20));
      log.push('worktree end');
    });
    registerCleanup(async () => {
      log.push('app start');
      await new Promise((r) => setTimeout(r, 20));
      log.push('app end');
    });
    expect(pendingCleanups()).toBe(2);
    expect(await runCleanups(1_000)).toEqual({ unfinished: 0 });
    expect(log).toEqual(['app start', 'app end', 'worktree start', 'worktree end']);
    expect(pendingCleanups()).toBe(0);
  });

  test('a cleanup runs once: run() on the normal path and runCleanups share one run', async () => {
    let runs = 0;
    const c = registerCleanup(async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(c.started).toBe(false);
    const first = c.run();
    expect(c.started).toBe(true);
    await Promise.all([first, c.run(), runCleanups(1_000)]);
    expect(runs).toBe(1);
  });

  test('a cleanup that throws neither rejects nor stops the others', async () => {
    let ran = false;
    registerCleanup(() => {
      ran = true;
    });
    const failing = registerCleanup(() => {
      throw new Error('cannot remove');
    });
    await expect(failing.run()).resolves.toBeUndefined();
    await runCleanups(1_000);
    expect(ran).toBe(true);
  });

  test('cleanups registered while runCleanups runs are run too', async () => {
    let late = false;
    registerCleanup(() => {
      registerCleanup(() => {
        late = true;
      });
    });
    expect(await runCleanups(1_000)).toEqual({ unfinished: 0 });
    expect(late).toBe(true);
  });

  test('runCleanups returns at the deadline and counts what did not finish', async () => {
    let release: () => void = () => undefined;
    registerCleanup(() => undefined);
    registerCleanup(() => new Promise<void>((r) => (release = r)));
    const started = Date.now();
    expect(await runCleanups(100)).toEqual({ unfinished: 2 });
    expect(Date.now() - started).toBeLessThan(1_000);
    release();
  });

  test('interrupted() is an INTERRUPTED error with exit code 130', () => {
    const e = interrupted('the app was stopped (interrupted): x');
    expect([e.code, e.exitCode, e.message]).toEqual(['INTERRUPTED', 130, 'the app was stopped (interrupted): x']);
  });
});
