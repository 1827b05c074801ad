import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_APP_TIMEOUT_MS, ModelstackError, type Toolkit } from '../toolkit/index.js';

/** What a command hands back to the CLI entry: the text for stdout and the exit code. */
export interface CommandOutput {
  readonly stdout: string;
  readonly exitCode: number;
}

export interface CommandContext {
  /** The engine; a command is argument parsing, one toolkit call and formatting. */
  readonly toolkit: Toolkit;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Streams text to stdout while the command runs, for output that has no end (`local logs
   * -f`). Commands return everything else in CommandOutput.stdout.
   */
  readonly write?: (text: string) => void;
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  /** A command group's usage for `argv` (its subcommand's, when argv names one); else `usage`. */
  usageFor?(argv: readonly string[]): Promise<string>;
  run(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput>;
}

/**
 * A command as `modelstack --help` lists it: its name and summary, and how to load it. Commands
 * are loaded only when run, so `--help` and `--version` load none of the engine.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with modelstack's usage errors. */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (e) {
    throw new ModelstackError('USAGE', `${command}: ${(e as Error).message}`, { hint: `run "modelstack ${command} --help"` });
  }
}

/** Checks a flag value against its allowed choices. */
export function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ModelstackError('USAGE', `${flag} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`, {
    hint: `use ${flag} ${allowed.join('|')}`,
  });
}

/** A positive number flag (seconds, counts). */
export function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ModelstackError('USAGE', `${flag} ${JSON.stringify(value)} is not a positive number`, { hint: `e.g. ${flag} ${fallback}` });
  return n;
}

/** `--app-timeout SECONDS`, on every command that runs the app. */
export const APP_TIMEOUT_FLAG = { 'app-timeout': { type: 'string' } } as const;

/** Its lines in a usage text whose descriptions start at `column`. */
export function appTimeoutUsage(column: number): string {
  const label = '  --app-timeout SECONDS';
  const text = `how long the app may run (default ${DEFAULT_APP_TIMEOUT_MS / 1000}); then it is stopped with every process it started`;
  return label.length < column ? `${label.padEnd(column)}${text}` : `${label}\n${' '.repeat(column)}${text}`;
}

/** --app-timeout as the toolkit's appTimeoutMs (absent: the toolkit's default). */
export function appTimeoutOption(values: Record<string, unknown>): { appTimeoutMs?: number } {
  const value = values['app-timeout'] as string | undefined;
  if (value === undefined) return {};
  return { appTimeoutMs: positiveNumber('--app-timeout', value, DEFAULT_APP_TIMEOUT_MS / 1000) * 1000 };
}

/** `--resynth`, on the commands that may reuse the app's last output (apply, diff, destroy). */
export const RESYNTH_FLAG = { resynth: { type: 'boolean' } } as const;

/** Its lines in a usage text whose descriptions start at `column`. */
export function resynthUsage(column: number): string {
  const label = '  --resynth';
  const text = [
    'run the app even when its inputs are unchanged since it last ran (files in this',
    'directory, lock files, environment, command): otherwise that output is reused',
  ];
  return [`${label.padEnd(column)}${text[0]}`, `${' '.repeat(column)}${text[1]}`].join('\n');
}

/** --resynth as the toolkit's option (absent: reuse when unchanged). */
export function resynthOption(values: Record<string, unknown>): { resynth?: boolean } {
  return values.resynth === true ? { resynth: true } : {};
}
