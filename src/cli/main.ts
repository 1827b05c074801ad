#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { errorMessage, isModelstackError } from '../errors.js';
import type { CommandEntry } from './command.js';
import { COMMANDS } from './commands/index.js';
import { installInterruptHandlers } from './interrupts.js';
import { type Prompt, TerminalIoHost, terminalPrompt } from './terminal-io-host.js';
import type { Toolkit } from '../toolkit/index.js';

export interface CliStreams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** How confirmations are asked. @default the terminal when stdin and stderr are terminals, else none (answered no) */
  readonly prompt?: Prompt;
}

/** The command names (the CLI bundle's code cache keeps one file per command: src/bin/code-cache.ts). */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

const processStreams: CliStreams = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: modelstack <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nglobal options:\n  --debug   show stack traces and debug messages\n  --help    help for a command\n`;
}

/**
 * Runs the CLI and returns the exit code. The only place that prints: commands return their
 * output, errors arrive as ModelstackErrors and are printed without a stack trace (unless --debug).
 */
export async function runCli(argv: readonly string[], streams: CliStreams = processStreams, cwd = process.cwd()): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    streams.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    streams.stdout('modelstack 0.1.0\n');
    return 0;
  }
  const entry: CommandEntry | undefined = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    streams.stderr(`error: unknown command "${name}"\nhint: one of ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    streams.stdout(`usage: ${(await command.usageFor?.(rest)) ?? command.usage}\n`);
    return 0;
  }
  let toolkit: Toolkit | undefined;
  try {
    const { Toolkit } = await import('../toolkit/index.js');
    toolkit = new Toolkit({ ioHost: new TerminalIoHost(debug, streams.stderr, streams.prompt ?? terminalPrompt()), cwd, env: process.env });
    const out = await command.run(rest, { toolkit, cwd, env: process.env, write: streams.stdout });
    if (out.stdout) streams.stdout(out.stdout);
    return out.exitCode;
  } catch (e) {
    return reportError(e, debug, streams);
  } finally {
    if (toolkit && statsWanted(process.env)) {
      const { requests, connections } = toolkit.requestStats();
      streams.stderr(`modelstack stats: requests=${requests} connections=${connections}\n`);
    }
  }
}

/**
 * MODELSTACK_DEBUG_STATS set (to anything but "" or "0"): the command's API requests and
 * connections are printed to stderr as its last line, for the benchmark (npm run bench:compare).
 */
function statsWanted(env: NodeJS.ProcessEnv): boolean {
  const v = env.MODELSTACK_DEBUG_STATS;
  return v !== undefined && v !== '' && v !== '0';
}

function reportError(e: unknown, debug: boolean, streams: CliStreams): number {
  if (isModelstackError(e)) {
    const lines = [`error: ${e.message}`, ...e.details.map((d) => `  ${d}`)];
    if (e.hint) lines.push(`hint: ${e.hint}`);
    if (debug && e.stack) lines.push(e.stack);
    streams.stderr(`${lines.join('\n')}\n`);
    return e.exitCode;
  }
  const trace = debug && e instanceof Error && e.stack ? `\n${e.stack}` : '\n(run with --debug for the stack trace)';
  streams.stderr(`internal error: ${errorMessage(e)}${trace}\n`);
  return 2;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/**
 * The process entry (bin/modelstack.js, and src/cli/main.ts run directly): the CLI with Ctrl-C
 * and SIGTERM handling (clean up, then exit 130 / 143), setting the process exit code.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const interrupts = installInterruptHandlers({ stderr: processStreams.stderr, exit: (code) => process.exit(code) });
  const work = runCli(argv).catch((e: unknown) => {
    processStreams.stderr(`internal error: ${errorMessage(e)}\n`);
    return 2;
  });
  interrupts.track(work);
  const code = await work;
  if (interrupts.exitCode === undefined) interrupts.uninstall();
  process.exitCode = interrupts.exitCode ?? code;
}

if (isMain()) void main(process.argv.slice(2));
