/**
 * Readiness as modelstack sees it: an HTTP GET from this process to the published host port
 * answers 2xx (and, when the body is a JSON object with a string `status`, that status says
 * healthy/ok/ready). The engines' own healthcheck timers are not used, so the behaviour is the
 * same on docker, podman and nerdctl.
 */
export interface ProbeOutcome {
  readonly ok: boolean;
  /** "HTTP 200", "HTTP 503", "connection refused", "timed out after 2s"… */
  readonly summary: string;
}

export async function probeHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  // A ref'd timer, not AbortSignal.timeout(): while a connection is only accepted (a port proxy
  // with nothing behind it yet) nothing else keeps the event loop alive, and Node would exit.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    const res = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      redirect: 'manual',
    });
    const summary = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => {});
      return { ok: false, summary };
    }
    const status = jsonStatus(await res.text().catch(() => ''));
    if (status !== undefined && !READY_STATUS.test(status)) return { ok: false, summary: `${summary}, status "${status}"` };
    return { ok: true, summary };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted) return { ok: false, summary: `no answer within ${timeoutMs / 1000}s` };
    return { ok: false, summary: describeFetchError(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** `status` values of a JSON health body that mean ready; any other value means not yet. */
const READY_STATUS = /^(healthy|ok|ready|up|live|alive|pass|passing|serving)$/i;

/**
 * The `status` string of a JSON object body, if there is one. A 200 is not always "ready":
 * Dynamo's frontend answers 200 with `{"status":"unhealthy"}` until it has found a worker.
 */
export function jsonStatus(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const status = (JSON.parse(body) as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}

function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    default:
      return cause?.message ?? (e instanceof Error ? e.message : String(e));
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
