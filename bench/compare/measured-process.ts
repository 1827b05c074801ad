// Runs one whole process for the benchmark: wall time, peak memory (GNU time's maximum resident
// set size) and its output, under a deadline. Each process gets its own process group, so a
// timeout or Ctrl-C stops it with everything it started.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MeasuredRun {
  readonly ms: number;
  /** Peak resident memory in KiB of the process and the children it waited for (the largest one), when GNU time is there. */
  readonly peakKiB?: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const GNU_TIME = '/usr/bin/time';
const KILL_GRACE_MS = 5_000;
/** Output kept per stream; kubectl -v=6 at 1,000 objects writes a few hundred KiB. */
const MAX_OUTPUT = 32 * 1024 * 1024;

const running = new Set<number>();

/** Stops every process group still running (on Ctrl-C or an error). */
export function killAllRunning(): void {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
}

export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

export async function runMeasured(spec: RunSpec): Promise<MeasuredRun> {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-bench-time-'));
  const memFile = join(dir, 'rss');
  const gnuTime = hasGnuTime();
  const [file, args] = gnuTime ? [GNU_TIME, ['-f', '%M', '-o', memFile, spec.file, ...spec.args]] : [spec.file, [...spec.args]];
  try {
    return await new Promise<MeasuredRun>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(file, args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const pid = child.pid;
      if (pid !== undefined) running.add(pid);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        if (stdout.length < MAX_OUTPUT) stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        if (stderr.length < MAX_OUTPUT) stderr += c.toString();
      });
      let timedOut = false;
      let forceKill: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        if (pid !== undefined) killGroup(pid, 'SIGTERM');
        forceKill = setTimeout(() => pid !== undefined && killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
      }, spec.timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        clearTimeout(forceKill);
        if (pid !== undefined) running.delete(pid);
        reject(new Error(`cannot run ${spec.file}: ${e.message}`));
      });
      child.on('close', (exitCode, signal) => {
        const ms = performance.now() - started;
        clearTimeout(timer);
        clearTimeout(forceKill);
        if (pid !== undefined) {
          running.delete(pid);
          killGroup(pid, 'SIGKILL'); // anything it left behind in its group
        }
        resolve({ ms, exitCode, signal, stdout, stderr, timedOut, ...peak(memFile) });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function peak(memFile: string): { peakKiB?: number } {
  try {
    // GNU time writes "Command exited with non-zero status N" before the format's line.
    const lines = readFileSync(memFile, 'utf8').trim().split('\n');
    const kib = Number(lines[lines.length - 1]);
    return Number.isFinite(kib) && kib > 0 ? { peakKiB: kib } : {};
  } catch {
    return {};
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
