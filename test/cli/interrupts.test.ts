// The CLI's signal handling in-process: the handlers are called as node calls them on a signal
// (process.emit), with `exit` recorded instead of ending the test process.
import { installInterruptHandlers, interruptEndsCommand, type InterruptHandlers } from '../../src/cli/interrupts.js';
import { pendingCleanups, registerCleanup } from '../../src/util/cleanup.js';

function setup(deadlineMs = 5_000): { handlers: InterruptHandlers; exits: number[]; stderr: string[]; exited: Promise<void> } {
  const exits: number[] = [];
  const stderr: string[] = [];
  let done: () => void = () => undefined;
  const exited = new Promise<void>((r) => (done = r));
  const handlers = installInterruptHandlers({
    stderr: (t) => stderr.push(t),
    exit: (code) => {
      exits.push(code);
      done();
    },
    deadlineMs,
  });
  return { handlers, exits, stderr, exited };
}

describe('installInterruptHandlers', () => {
  let current: InterruptHandlers | undefined;
  afterEach(() => current?.uninstall());

  test('nothing happens and nothing is left installed without a signal', () => {
    const before = process.listenerCount('SIGINT');
    const { handlers } = setup();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    handlers.uninstall();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(handlers.exitCode).toBeUndefined();
  });

  test('SIGINT: runs the cleanups, waits for the command to wind down, then exits 130', async () => {
    const s = setup();
    current = s.handlers;
    const log: string[] = [];
    registerCleanup(() => log.push('cleanup'));
    let finish: () => void = () => undefined;
    s.handlers.track(new Promise<void>((r) => (finish = r)).then(() => log.push('command ended')));
    process.emit('SIGINT', 'SIGINT');
    expect(s.handlers.exitCode).toBe(130);
    await new Promise((r) => setTimeout(r, 50));
    expect(log).toEqual(['cleanup']);
    expect(s.exits).toEqual([]);
    finish();
    await s.exited;
    expect(log).toEqual(['cleanup', 'command ended']);
    expect(s.exits).toEqual([130]);
    expect(s.stderr[0]).toBe('\nSIGINT: cleaning up (up to 5s; again to exit at once)\n');
    expect(pendingCleanups()).toBe(0);
  });

  test('a command Ctrl-C ends normally (logs --follow) exits with its own code, even when it undoes the mark before the cleanups finish; SIGTERM still exits 143', async () => {
    const s = setup();
    current = s.handlers;
    const undo = interruptEndsCommand();
    let finish: (code: number) => void = () => undefined;
    s.handlers.track(new Promise<number>((r) => (finish = r)));
    process.emit('SIGINT', 'SIGINT');
    undo();
    finish(0);
    await s.exited;
    expect(s.exits).toEqual([0]);
    s.handlers.uninstall();

    const t = setup();
    current = t.handlers;
    const undo2 = interruptEndsCommand();
    t.handlers.track(Promise.resolve(0));
    process.emit('SIGTERM', 'SIGTERM');
    await t.exited;
    undo2();
    expect(t.exits).toEqual([143]);
  });

  test('SIGTERM exits 143; a command that does not wind down is cut off at the deadline', async () => {
    const s = setup(300);
    current = s.handlers;
    s.handlers.track(new Promise(() => undefined));
    const started = Date.now();
    process.emit('SIGTERM', 'SIGTERM');
    await s.exited;
    expect(s.exits).toEqual([143]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a second signal exits at once, while a cleanup still runs; a cleanup past the deadline is reported', async () => {
    const s = setup(400);
    current = s.handlers;
    let release: () => void = () => undefined;
    const stuck = registerCleanup(() => new Promise<void>((r) => (release = r)));
    process.emit('SIGINT', 'SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    process.emit('SIGINT', 'SIGINT');
    expect(s.exits).toEqual([130]);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.stderr).toContain('warning: 1 cleanup(s) did not finish within 0.4s\n');
    release();
    await stuck.run();
  });
});
