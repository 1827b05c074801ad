// Recorded CLI output (see test/local/fixtures/README.md) and a scripted CLI runner.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliExec, CliResult } from '../../../src/local/container-engine/cli-exec.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixture(name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

export function ok(stdout = '', stderr = ''): CliResult {
  return { exitCode: 0, stdout, stderr, notFound: false, timedOut: false };
}

export function fail(exitCode: number, stderr: string, stdout = ''): CliResult {
  return { exitCode, stdout, stderr, notFound: false, timedOut: false };
}

export const NOT_FOUND: CliResult = { exitCode: -1, stdout: '', stderr: '', notFound: true, timedOut: false, spawnError: 'docker: command not found' };

/**
 * A fake CLI: each call is recorded and answered by the first rule whose prefix matches the
 * arguments (a rule answers every time it matches); unmatched calls exit 0 with no output.
 */
export class ScriptedCli {
  public readonly calls: { file: string; args: string[]; env: NodeJS.ProcessEnv }[] = [];
  private readonly rules: { prefix: string[]; answer: (args: string[]) => CliResult }[] = [];

  public on(prefix: string[], answer: CliResult | ((args: string[]) => CliResult)): this {
    this.rules.push({ prefix, answer: typeof answer === 'function' ? answer : () => answer });
    return this;
  }

  public readonly exec: CliExec = async (file, args, opts) => {
    this.calls.push({ file, args: [...args], env: opts.env });
    const rule = this.rules.find((r) => r.prefix.every((p, i) => args[i] === p));
    return rule ? rule.answer([...args]) : ok();
  };

  public commands(): string[] {
    return this.calls.map((c) => c.args.join(' '));
  }
}
