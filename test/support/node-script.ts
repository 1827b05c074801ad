// Runs a TypeScript snippet in a fresh node process (through tsx, importing the sources), to
// see what a real process does: that it exits once its work is done (no timer or handle left
// that keeps it alive), or how it answers a signal.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from './paths.js';

export interface ScriptRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the script's last output to its exit. */
  readonly exitAfterOutputMs: number;
}

/** `src` may import the sources as `@src/...` (e.g. "@src/synth/run-app.js"). Killed after `killAfterMs`. */
export async function runScript(src: string, opts: { env?: NodeJS.ProcessEnv; killAfterMs?: number } = {}): Promise<ScriptRun> {
  const dir = tempDir('modelstack-script-');
  const file = join(dir, 'script.mts');
  writeFileSync(file, src.replaceAll('@src/', `${join(repoRoot, 'src')}/`));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lastOutput = Date.now();
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    lastOutput = Date.now();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    lastOutput = Date.now();
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(kill);
  return { code, signal, stdout, stderr, exitAfterOutputMs: Date.now() - lastOutput };
}
