import { ModelstackError } from '../errors.js';

/**
 * Cleanups that must also run when the process is interrupted: a temporary git worktree, an app
 * process group, a temporary directory. Code that makes such a thing registers its cleanup and
 * runs it on its own exit paths (`run()` in a finally); whoever handles SIGINT/SIGTERM (the CLI,
 * or a library user's own handler) calls runCleanups() before the process exits. Nothing here
 * installs a signal handler.
 */
export interface Cleanup {
  /**
   * Runs the cleanup now and unregisters it. It runs once: later calls (and runCleanups) wait
   * for the same run. Never rejects: a cleanup must not hide the error that led to it.
   */
  run(): Promise<void>;
  /**
   * Whether it has started running. Code that is about to make something new for it to clean
   * up (start a process, add a worktree) checks this first and throws interrupted() instead.
   */
  readonly started: boolean;
}

interface Entry {
  readonly run: () => Promise<void>;
}

/** Registered cleanups in registration order (runCleanups runs the newest first). */
const registered: Entry[] = [];

/** Registers `fn` to run on an interruption; returns the handle that runs it on the normal path. */
export function registerCleanup(fn: () => unknown): Cleanup {
  let running: Promise<void> | undefined;
  const entry: Entry = {
    run: () => {
      if (!running) {
        const i = registered.indexOf(entry);
        if (i >= 0) registered.splice(i, 1);
        running = Promise.resolve()
          .then(fn)
          .then(
            () => undefined,
            () => undefined,
          );
      }
      return running;
    },
  };
  registered.push(entry);
  return {
    run: entry.run,
    get started() {
      return running !== undefined;
    },
  };
}

/** The error of work that stopped because its cleanup ran (the process is being interrupted). */
export function interrupted(message: string): ModelstackError {
  return new ModelstackError('INTERRUPTED', message, { exitCode: 130 });
}

/** How many cleanups are registered and not yet run. */
export function pendingCleanups(): number {
  return registered.length;
}

export interface CleanupOutcome {
  /** Cleanups that had not finished when the deadline passed. */
  readonly unfinished: number;
}

/**
 * Runs every registered cleanup, newest first (an app is stopped before the worktree it runs in
 * is removed), one after another, until none is left (also those registered meanwhile) or
 * `deadlineMs` has passed.
 */
export async function runCleanups(deadlineMs: number): Promise<CleanupOutcome> {
  let current = false;
  const all = (async () => {
    for (let e = registered.at(-1); e; e = registered.at(-1)) {
      current = true;
      await e.run();
      current = false;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  await Promise.race([all, deadline]);
  clearTimeout(timer);
  return { unfinished: registered.length + (current ? 1 : 0) };
}
