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

/** A message that asks the host a question; `defaultResponse` is the answer when nobody can be asked. */
export interface IoRequest<T = unknown, R = unknown> extends IoMessage<T> {
  readonly defaultResponse: R;
}

export interface IoHost {
  notify(msg: IoMessage): void;
  /**
   * Answers a request (e.g. "delete these objects?"). A host that cannot ask anybody (no
   * terminal, a CI job) returns `defaultResponse`, which for anything destructive is "no".
   * @default the request's defaultResponse
   */
  requestResponse?<R>(msg: IoRequest<unknown, R>): Promise<R>;
}

/** The host's answer to `msg`, or its default when the host cannot answer requests. */
export async function ask<R>(io: IoHost, msg: IoRequest<unknown, R>): Promise<R> {
  return io.requestResponse ? io.requestResponse(msg) : msg.defaultResponse;
}

export const silentIoHost: IoHost = { notify: () => {} };

/** An IoHost that keeps every message, for tests and for callers that show them later. */
export class RecordingIoHost implements IoHost {
  public readonly messages: IoMessage[] = [];
  /** How requests are answered: by this function when set, else with their default. */
  public constructor(private readonly answer?: (msg: IoRequest) => unknown) {}
  public notify(msg: IoMessage): void {
    this.messages.push(msg);
  }
  public async requestResponse<R>(msg: IoRequest<unknown, R>): Promise<R> {
    this.messages.push(msg);
    return this.answer ? (this.answer(msg) as R) : msg.defaultResponse;
  }
  /** The data of every message with this code, in order. */
  public data<T>(type: { is(m: IoMessage): m is IoMessage<T> }): T[] {
    return this.messages.filter((m) => type.is(m)).map((m) => m.data as T);
  }
  public text(level?: IoLevel): string[] {
    return this.messages.filter((m) => level === undefined || m.level === level).map((m) => m.message);
  }
}
