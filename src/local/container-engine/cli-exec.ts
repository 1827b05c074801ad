import { execaModule } from '../../util/execa-on-demand.js';

/** The outcome of one CLI call; failures are data here, the engines decide what they mean. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The executable was not found (ENOENT). */
  readonly notFound: boolean;
  readonly timedOut: boolean;
  readonly canceled?: boolean;
  /** Set when the process could not be started or was killed (the reason). */
  readonly spawnError?: string;
}

export interface CliExecOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Kills the process when it aborts (the result then has `canceled`). */
  readonly signal?: AbortSignal;
}

/** Runs `file args…` without a shell and never throws; swapped for a fake in unit tests. */
export type CliExec = (file: string, args: readonly string[], opts: CliExecOptions) => Promise<CliResult>;

export const execCli: CliExec = async (file, args, opts) => {
  const { execa } = await execaModule();
  const r = await execa(file, [...args], {
    env: opts.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: opts.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    ...(opts.signal ? { cancelSignal: opts.signal, forceKillAfterDelay: 5000 } : {}),
  });
  const notFound = (r as { code?: string }).code === 'ENOENT';
  return {
    exitCode: r.exitCode ?? (r.failed ? -1 : 0),
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: typeof r.stderr === 'string' ? r.stderr : '',
    notFound,
    timedOut: r.timedOut,
    ...(r.isCanceled ? { canceled: true } : {}),
    ...(r.failed && r.exitCode === undefined ? { spawnError: notFound ? `${file}: command not found` : r.shortMessage } : {}),
  };
};

/**
 * The lines of a CLI's stderr that say what went wrong: logrus framing (`time=… level=fatal
 * msg="…"`) is unwrapped, and warnings and known noise (podman's "failed to connect to syslog",
 * nerdctl's buildctl and firewall warnings) are dropped.
 */
export function errorLines(stderr: string): string[] {
  const out: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const logrus = /^time="[^"]*"\s+level=(\w+)\s+msg="((?:[^"\\]|\\.)*)"(.*)$/.exec(line);
    if (logrus) {
      const [, level, msg, rest] = logrus;
      if (level !== 'error' && level !== 'fatal' && level !== 'panic') continue;
      const err = /error="((?:[^"\\]|\\.)*)"/.exec(rest ?? '');
      out.push(unescape(msg!) + (err ? `: ${unescape(err[1]!)}` : ''));
      continue;
    }
    if (/^failed to connect to syslog/i.test(line)) continue;
    if (/^Run '.* --help' for more information$/.test(line)) continue;
    if (/^(WARNING|WARN)\b/.test(line)) continue;
    out.push(line.replace(/^(Error|error):\s*/, ''));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** The first meaningful stderr line, else the exit code. */
export function failureSummary(r: CliResult): string {
  if (r.spawnError) return r.spawnError;
  if (r.timedOut) return 'timed out';
  return errorLines(r.stderr)[0] ?? `exit code ${r.exitCode}`;
}
