import { createInterface } from 'node:readline';
import { execaModule } from '../../util/execa-on-demand.js';
import type { CliResult } from './cli-exec.js';
import type { LogLine } from './container-engine.js';

export interface StreamExecOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The process is killed after this long (the result then has `timedOut`). */
  readonly timeoutMs: number;
  /** Kills the process when it aborts (the result then has `canceled`). */
  readonly signal?: AbortSignal;
  /** Every output line as it comes. */
  readonly onLine?: (line: LogLine) => void;
}

/** A streamed run's result: `stdout` and `stderr` hold only its last lines. */
export interface StreamResult extends CliResult {
  /** The last output lines of both streams, in the order they came. */
  readonly lastLines: readonly string[];
}

const KEEP_LINES = 40;

/**
 * Runs `file args…` without a shell, handing each output line to `onLine` as it comes (a build's
 * progress), and keeps only the last lines. Never throws; always ends by `timeoutMs`.
 */
export async function streamExec(file: string, args: readonly string[], opts: StreamExecOptions): Promise<StreamResult> {
  const { execa } = await execaModule();
  const child = execa(file, [...args], {
    env: opts.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    timeout: opts.timeoutMs,
    forceKillAfterDelay: 5000,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const last: string[] = [];
  const lastOf = { stdout: [] as string[], stderr: [] as string[] };
  const pump = (stream: NodeJS.ReadableStream | null, kind: 'stdout' | 'stderr'): Promise<void> =>
    new Promise((resolve) => {
      if (!stream) return resolve();
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      rl.on('line', (text) => {
        for (const list of [last, lastOf[kind]]) {
          list.push(text);
          if (list.length > KEEP_LINES) list.shift();
        }
        opts.onLine?.({ stream: kind, text });
      });
      rl.on('close', () => resolve());
    });
  const [r] = await Promise.all([child, pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
  const notFound = (r as { code?: string }).code === 'ENOENT';
  return {
    exitCode: r.exitCode ?? (r.failed ? -1 : 0),
    stdout: lastOf.stdout.join('\n'),
    stderr: lastOf.stderr.join('\n'),
    lastLines: last,
    notFound,
    timedOut: r.timedOut,
    ...(r.isCanceled ? { canceled: true } : {}),
    ...(r.failed && r.exitCode === undefined && !r.timedOut && !r.isCanceled ? { spawnError: notFound ? `${file}: command not found` : r.shortMessage } : {}),
  };
}
