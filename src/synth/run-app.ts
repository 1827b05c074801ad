import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNTH_REPORT_ENV, type SynthReport } from '../model/synth-report.js';
import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import { splitCommand, withoutNpx, withoutTsxCli } from './app-command.js';
import type { StackManifest } from '../model/kube-object.js';
import { parseManifests, warmUpToYaml } from './render-yaml.js';
import { interrupted, registerCleanup } from '../util/cleanup.js';
import { DEFAULT_APP_TIMEOUT_MS } from './app-timeout.js';

export interface RunAppOptions {
  readonly command: string;
  readonly cwd: string;
  readonly io: IoHost;
  /** Extra environment for the app. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long the app may run; then it is stopped with everything it started. @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly timeoutMs?: number;
  /** Stops the app (with everything it started) when aborted: the call then fails as interrupted. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a cdk8s app and returns its stacks. A ModelstackApp answers with a report (its
 * validation errors, or its charts); a plain cdk8s App is read from the YAML it writes.
 * Validation errors become one ModelstackError listing all of them.
 */
export async function runApp(opts: RunAppOptions): Promise<StackManifest[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_APP_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ModelstackError('USAGE', `the app timeout must be a positive number of milliseconds, not ${String(timeoutMs)}`, {
      hint: 'pass a positive --app-timeout SECONDS (toolkit: appTimeoutMs, in milliseconds)',
    });
  }
  const [file, ...args] = withoutTsxCli(withoutNpx(splitCommand(opts.command), opts.cwd));
  const work = await mkdtemp(join(tmpdir(), 'modelstack-synth-'));
  let app: AppProcess | undefined;
  // Run by runCleanups when interrupted (Ctrl-C in the CLI), else in the finally below once the
  // app has ended: stop the app and everything it started, remove its files.
  const cleanup = registerCleanup(async () => {
    app?.stop('interrupted');
    await rm(work, { recursive: true, force: true });
  });
  try {
    const reportPath = join(work, 'report.json');
    const outdir = join(work, 'out');
    opts.io.notify(MESSAGES.APP_RUN.make(`running app: ${opts.command}`, { command: opts.command }));
    if (cleanup.started || opts.signal?.aborted) throw interrupted(`the app was not started (interrupted): ${opts.command}`);
    app = startApp(file!, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env, [SYNTH_REPORT_ENV]: reportPath, CDK8S_OUTDIR: outdir } });
    // What comes after the app (writing YAML, reading it) needs the yaml package: load it, and
    // compile its writer, while the app runs and this process is otherwise idle, not after.
    setImmediate(() => {
      try {
        warmUpToYaml();
      } catch {
        // Not loadable: the code that needs it says so when it loads it.
      }
    });
    const started = app;
    const onAbort = (): void => started.stop('interrupted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const result = await app.finished(timeoutMs).finally(() => opts.signal?.removeEventListener('abort', onAbort));
    if (app.stopped === 'timeout') {
      throw new ModelstackError('TIMEOUT', `the app did not finish within ${seconds(timeoutMs)}s: ${opts.command}`, {
        details: tail(result?.all ?? ''),
        hint: 'it was stopped with every process it started; if it needs longer, raise the limit with --app-timeout SECONDS (toolkit: appTimeoutMs)',
      });
    }
    if (app.stopped === 'interrupted' || result === undefined) throw interrupted(`the app was stopped (interrupted): ${opts.command}`);
    const report = await readReport(reportPath);
    if (report && !report.ok) {
      const details = report.errors.map((e) => `[${e.path}] ${e.message}`);
      const noun = details.length === 1 ? 'problem' : 'problems';
      throw new ModelstackError('VALIDATION', `the stack has ${details.length} ${noun}`, {
        details,
        exitCode: 1,
        hint: 'fix the props named above; nothing was written',
      });
    }
    if (result.failed) {
      const reason =
        result.code === 'ENOENT'
          ? `command not found: ${file}`
          : result.signal !== undefined
            ? `ended by ${result.signal}`
            : `exit code ${String(result.exitCode)}`;
      throw new ModelstackError('APP_FAILED', `the app failed (${reason}): ${opts.command}`, {
        details: tail(result.all ?? ''),
        hint: 'run the app command yourself to see the whole output, or pass --app "<command>"',
      });
    }
    if (report) {
      return report.charts.map((c) => ({
        id: c.id,
        ...(c.stackName ? { stackName: c.stackName } : {}),
        ...(c.stackId ? { stackId: c.stackId } : {}),
        objects: c.objects as StackManifest['objects'],
        ...(c.models ? { models: c.models } : {}),
      }));
    }
    return await readPlainOutput(outdir);
  } finally {
    // Also on success: nothing the app started outlives it.
    app?.stop();
    await cleanup.run();
  }
}

/** How the app ended, and the end of its output. */
interface AppResult {
  /** It could not be started, or exited with a code other than 0 or by a signal. */
  readonly failed: boolean;
  /** Why it could not be started (e.g. ENOENT: no such command). */
  readonly code?: string;
  readonly exitCode?: number;
  readonly signal?: NodeJS.Signals;
  /** Its stdout and stderr interleaved as they came: the last OUTPUT_TAIL_BYTES (errors show its last lines). */
  readonly all: string;
}

/** How much of the app's output is kept: enough for the last lines an error shows, bounded whatever it writes. */
const OUTPUT_TAIL_BYTES = 256 * 1024;

/** A running app, in a process group of its own so that stopping it reaches everything it started. */
interface AppProcess {
  /** Why it was stopped, if it was. */
  readonly stopped: 'timeout' | 'interrupted' | undefined;
  /**
   * Its result once it has ended; when `timeoutMs` passes first it is stopped, and the result
   * is undefined if its output pipes are still held open a moment later.
   */
  finished(timeoutMs: number): Promise<AppResult | undefined>;
  /** Kills the whole process group (no-op once it is gone). */
  stop(reason?: 'timeout' | 'interrupted'): void;
}

/** After stopping, how long to wait for the app's output pipes to close before giving up on them. */
const STOP_GRACE_MS = 2_000;

function startApp(file: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): AppProcess {
  // detached: its own process group (`npx tsx` starts node, which may start more); a terminal's
  // Ctrl-C then reaches only modelstack, whose cleanup stops the group. node:child_process, not
  // execa: loading execa took about 90 ms of every synth, diff and apply (issue 13).
  const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = outputTail(OUTPUT_TAIL_BYTES);
  child.stdout.on('data', output.add);
  child.stderr.on('data', output.add);
  let stopped: 'timeout' | 'interrupted' | undefined;
  let ended = false;
  // 'close' comes once the process has ended and its output pipes are closed (also after an
  // 'error' when it could not be started).
  const result = new Promise<AppResult>((resolve) => {
    let startError: NodeJS.ErrnoException | undefined;
    child.once('error', (e: NodeJS.ErrnoException) => (startError ??= e));
    child.once('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      ended = true;
      if (startError) resolve({ failed: true, ...(startError.code !== undefined ? { code: startError.code } : {}), all: output.text() });
      else
        resolve({
          failed: exitCode !== 0,
          ...(exitCode !== null ? { exitCode } : {}),
          ...(signal !== null ? { signal } : {}),
          all: output.text(),
        });
    });
  });
  const stop = (reason?: 'timeout' | 'interrupted'): void => {
    if (reason && !stopped && !ended) stopped = reason;
    killGroup(child.pid);
  };
  return {
    get stopped() {
      return stopped;
    },
    stop,
    async finished(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), timeoutMs);
      });
      try {
        const first = await Promise.race([result, expired]);
        if (first !== 'expired') return first;
      } finally {
        clearTimeout(timer);
      }
      stop('timeout');
      // A process that left the group may still hold the output pipes: do not wait for it forever.
      let grace: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        grace = setTimeout(() => resolve(undefined), STOP_GRACE_MS);
      });
      const r = await Promise.race([result, late]);
      clearTimeout(grace);
      if (!r) {
        child.stdout.destroy();
        child.stderr.destroy();
      }
      return r;
    },
  };
}

/** The last `limit` bytes of what is added. */
function outputTail(limit: number): { add: (chunk: Buffer) => void; text: () => string } {
  let chunks: Buffer[] = [];
  let bytes = 0;
  return {
    add: (chunk) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > 2 * limit) {
        const kept = Buffer.concat(chunks).subarray(-limit);
        chunks = [kept];
        bytes = kept.length;
      }
    },
    text: () => {
      const all = Buffer.concat(chunks);
      return all.subarray(Math.max(0, all.length - limit)).toString('utf8');
    },
  };
}

/** SIGKILL to the process group led by `pid`; a group that is gone already is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left to stop.
  }
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}

async function readReport(path: string): Promise<SynthReport | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SynthReport;
  } catch {
    return undefined;
  }
}

/** Output of an app that is a plain cdk8s App: one chart per `<nnnn->chart.k8s.yaml` file. */
async function readPlainOutput(outdir: string): Promise<StackManifest[]> {
  let files: string[];
  try {
    files = (await readdir(outdir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  } catch {
    throw new ModelstackError('APP_FAILED', 'the app wrote no manifests', {
      hint: 'make sure the app calls app.synth() (use ModelstackApp for error reports)',
    });
  }
  const stacks: StackManifest[] = [];
  for (const f of files) {
    const id = f.replace(/^\d{4}-/, '').replace(/\.k8s\.ya?ml$|\.ya?ml$/, '');
    stacks.push({ id, objects: parseManifests(await readFile(join(outdir, f), 'utf8'), f) });
  }
  return stacks;
}

function tail(text: string, lines = 20): string[] {
  if (text.trim() === '') return [];
  return text.trimEnd().split('\n').slice(-lines);
}
