/**
 * How the engine talks to whoever drives it. Commands never print: they send messages to an
 * IoHost and return typed results. The CLI's host writes to the terminal; tests and library
 * users pass their own (or the silent one).
 */
export type IoLevel = 'debug' | 'info' | 'warn' | 'error';

export interface IoMessage {
  readonly level: IoLevel;
  readonly message: string;
  /** A stable code for messages a caller may want to recognise. */
  readonly code?: string;
}

export interface IoHost {
  notify(msg: IoMessage): void;
}

export const silentIoHost: IoHost = { notify: () => {} };

/** An IoHost that keeps every message, for tests and for callers that show them later. */
export class RecordingIoHost implements IoHost {
  public readonly messages: IoMessage[] = [];
  public notify(msg: IoMessage): void {
    this.messages.push(msg);
  }
  public text(level?: IoLevel): string[] {
    return this.messages.filter((m) => level === undefined || m.level === level).map((m) => m.message);
  }
}
