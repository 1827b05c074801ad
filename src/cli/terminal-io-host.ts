import type { IoHost, IoMessage } from '../toolkit/index.js';

/** Writes engine messages to stderr (stdout is kept for results); debug only with --debug. */
export class TerminalIoHost implements IoHost {
  public constructor(
    private readonly debug: boolean,
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  public notify(msg: IoMessage): void {
    if (msg.level === 'debug' && !this.debug) return;
    const prefix = msg.level === 'info' ? '' : `${msg.level}: `;
    this.write(`${prefix}${msg.message}\n`);
  }
}
