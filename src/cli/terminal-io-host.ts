import type { IoHost, IoMessage, IoRequest } from '../toolkit/index.js';

/** Asks one question on a terminal and returns the answer; undefined when nobody can answer. */
export type Prompt = (question: string) => Promise<string | undefined>;

/**
 * Writes engine messages to stderr (stdout is kept for results); debug only with --debug.
 * Requests (destroy's confirmation) are asked through `prompt` when there is a terminal, and
 * answered with their default (no) when there is not.
 */
export class TerminalIoHost implements IoHost {
  public constructor(
    private readonly debug: boolean,
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
    private readonly prompt?: Prompt,
  ) {}

  public notify(msg: IoMessage): void {
    if (msg.level === 'debug' && !this.debug) return;
    const prefix = msg.level === 'info' ? '' : `${msg.level}: `;
    this.write(`${prefix}${msg.message}\n`);
  }

  public async requestResponse<R>(msg: IoRequest<unknown, R>): Promise<R> {
    this.write(`${msg.message}\n`);
    if (!this.prompt || typeof msg.defaultResponse !== 'boolean') {
      if (typeof msg.defaultResponse === 'boolean') this.write('no terminal to confirm on: answering no\n');
      return msg.defaultResponse;
    }
    const answer = await this.prompt('Type "yes" to go ahead: ');
    return (answer?.trim().toLowerCase() === 'yes') as R;
  }
}

/** A Prompt on the process's terminal, when stdin and stderr are both terminals. */
export function terminalPrompt(): Prompt | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (question) => {
    // Loaded when a question is asked: most commands ask none.
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } catch {
      return undefined;
    } finally {
      rl.close();
    }
  };
}
