import { constants as osConstants } from 'node:os';
import { type ErrorCode, ModelstackError } from '../errors.js';

/** After the first Ctrl-C (or SIGTERM): how long cleanups and the command's own wind-down may take. */
export const INTERRUPT_DEADLINE_MS = 30_000;

export interface InterruptOptions {
  readonly stderr: (text: string) => void;
  /** Ends the process (process.exit). */
  readonly exit: (code: number) => void;
  /** @default INTERRUPT_DEADLINE_MS */
  readonly deadlineMs?: number;
}

export interface InterruptHandlers {
  /** 128 + the signal's number once a signal arrived (130 for SIGINT, 143 for SIGTERM). */
  readonly exitCode: number | undefined;
  /** The running command: after a signal the process ends once it has settled, or at the deadline. */
  track(work: Promise<unknown>): void;
  /** Removes the handlers (when the command ended without a signal). */
  uninstall(): void;
}

/**
 * The CLI's SIGINT/SIGTERM handling. The first signal runs the registered cleanups (running apps
 * are stopped, temporary worktrees and directories removed), lets the command wind down (local
 * up removes what it started), then ends the process with 128 + the signal number; all of it
 * within the deadline. A second signal ends the process at once. Only the CLI installs this:
 * the toolkit never handles signals itself.
 */
let normalEnd = false;

/**
 * Marks Ctrl-C as the normal way the running command ends (`local logs --follow`): cleanups
 * still run, but the process exits with the command's own exit code, not 130. Returns the undo.
 */
export function interruptEndsCommand(): () => void {
  normalEnd = true;
  return () => {
    normalEnd = false;
  };
}

export function installInterruptHandlers(opts: InterruptOptions): InterruptHandlers {
  const deadlineMs = opts.deadlineMs ?? INTERRUPT_DEADLINE_MS;
  let exitCode: number | undefined;
  let work: Promise<unknown> = new Promise(() => undefined);

  const onSignal = (sig: NodeJS.Signals): void => {
    if (exitCode !== undefined) return opts.exit(exitCode);
    const code = 128 + (osConstants.signals[sig] ?? 0);
    // Read now: the command may already have ended (and undone its mark) when the cleanups are done.
    const ownEnd = normalEnd && sig === 'SIGINT';
    exitCode = code;
    opts.stderr(`\n${sig}: cleaning up (up to ${deadlineMs / 1000}s; again to exit at once)\n`);
    const end = Date.now() + deadlineMs;
    void (async () => {
      // Loaded here, not up front: a signal arrives while a command runs, when the toolkit is loaded anyway.
      const { runCleanups } = await import('../toolkit/index.js');
      const { unfinished } = await runCleanups(deadlineMs);
      if (unfinished > 0) opts.stderr(`warning: ${unfinished} cleanup(s) did not finish within ${deadlineMs / 1000}s\n`);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, end - Date.now()));
      });
      const finished = await Promise.race([
        work.then(
          (c) => (typeof c === 'number' ? c : code),
          () => code,
        ),
        late.then(() => code),
      ]);
      clearTimeout(timer);
      opts.exit(ownEnd ? finished : code);
    })();
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get exitCode() {
      return exitCode;
    },
    track(w) {
      work = w;
    },
    uninstall() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Runs `fn` with a signal that the first Ctrl-C (SIGINT) or SIGTERM aborts (its reason a
 * ModelstackError of `code`, exit 130); a second one ends the process at once. The listeners
 * stay until `fn` is done: with none left, execa's exit handling would re-raise the signal and
 * end the process before the cleanup. With `quiet`, Ctrl-C is how the command ends (`local logs
 * --follow`, `metrics --watch`): it returns undefined and the process exits with its own code.
 */
export async function interruptible<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  opts: { readonly quiet?: boolean; readonly code?: ErrorCode } = {},
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(128 + (osConstants.signals[sig] ?? 2));
    controller.abort(new ModelstackError(opts.code ?? 'INTERRUPTED', `interrupted (${sig})`, { exitCode: 130 }));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const undo = opts.quiet ? interruptEndsCommand() : undefined;
  try {
    return await fn(controller.signal);
  } catch (e) {
    if (opts.quiet && controller.signal.aborted) return undefined as T;
    throw e;
  } finally {
    undo?.();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
