/**
 * How the engine talks to whoever drives it. Commands never print: they send messages to an
 * IoHost and return typed results. The CLI's host writes to the terminal; tests and library
 * users pass their own (or the silent one).
 */
export type IoLevel = 'debug' | 'info' | 'warn' | 'error';

export interface IoMessage<T = unknown> {
  readonly level: IoLevel;
  readonly message: string;
  /** A stable code (see MESSAGES in messages.ts) for messages a caller may want to recognise. */
  readonly code?: string;
  /** Typed data of a registered message (see MESSAGES). */
  readonly data?: T;
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
  /** The data of every message with this code, in order. */
  public data<T>(type: { is(m: IoMessage): m is IoMessage<T> }): T[] {
    return this.messages.filter((m) => type.is(m)).map((m) => m.data as T);
  }
  public text(level?: IoLevel): string[] {
    return this.messages.filter((m) => level === undefined || m.level === level).map((m) => m.message);
  }
}
