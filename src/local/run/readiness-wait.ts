import { ModelstackError } from '../../errors.js';
import type { IoHost } from '../../io/io-host.js';
import type { ContainerEngine, ContainerInfo, PublishedPort } from '../container-engine/container-engine.js';
import { probeHttp, sleep } from './readiness.js';
import type { ServicePlan } from './run-plan.js';
import { MESSAGES } from '../../io/messages.js';

/** What the waits of one `up` share. */
export interface WaitContext {
  readonly engine: ContainerEngine;
  readonly io: IoHost;
  /** When `up` began (readiness times are counted from it). */
  readonly started: number;
  /** When every wait gives up. */
  readonly deadline: number;
  /** Pause between probes. */
  readonly interval: number;
  /** Stops the waits (Ctrl-C, or another service failed). */
  readonly signal: AbortSignal;
  /** A failed up keeps what it created (else it is removed, and with it the container logs). */
  readonly keepOnFailure?: boolean;
}

/** How many of a failed container's last log lines an error carries, and how long each may be. */
export const LAST_LOG_LINES = 20;
const LOG_LINE_CHARS = 400;
/** How long reading those lines may take. */
const LOGS_TIMEOUT_MS = 10_000;

/** A service that became ready. */
export interface Readiness {
  /** The readiness URL probed, for services with an x-modelstack health check. */
  readonly url?: string;
  /** How long after the start of `up` the service was ready. */
  readonly readyAfterMs: number;
  readonly ports: readonly PublishedPort[];
}

/**
 * Waits until a started service is ready: its health endpoint answers on the published host
 * port (probed from this process), or, without one, its container runs (or exited with 0). A
 * container that exits first fails with its last log lines. A one-shot service (one that others
 * wait to complete, a model download) is ready once it completed.
 */
export async function waitReady(ctx: WaitContext, s: ServicePlan): Promise<Readiness> {
  const { engine, io, started, deadline, interval } = ctx;
  if (s.oneShot) {
    io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: waiting for it to complete`, { service: s.service, step: 'waiting' }));
    await waitCompleted(ctx, s);
    const readyAfterMs = Date.now() - started;
    io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: completed after ${(readyAfterMs / 1000).toFixed(1)}s`, { service: s.service, step: 'ready' }));
    return { readyAfterMs, ports: [] };
  }
  let info = await engine.inspect(s.container);
  let url: string | undefined;
  let last = 'no probe yet';
  let checkedAt = Date.now();
  for (;;) {
    if (!info) throw new ModelstackError('LOCAL', `service ${s.service}: container ${s.container} disappeared`);
    // Before the ports are read: docker and nerdctl show none for a container that exited.
    if (info.state === 'exited' || info.state === 'dead') {
      if (!s.health && info.exitCode === 0) break; // a one-shot service that completed
      throw await exitedError(ctx, s, info);
    }
    if (s.health && !url) {
      const hostPort = s.health.hostPort ?? info.ports.find((p) => p.containerPort === s.health?.containerPort)?.hostPort;
      if (!hostPort) throw new ModelstackError('LOCAL', `service ${s.service}: port ${s.health.containerPort} was not published by ${engine.name}`);
      const host = s.health.hostIp.includes(':') ? `[${s.health.hostIp}]` : s.health.hostIp;
      url = `http://${host}:${hostPort}${s.health.path}`;
      io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: waiting for ${url}`, { service: s.service, step: 'waiting' }));
    }
    if (url) {
      const r = await probeHttp(url, Math.max(200, Math.min(2000, deadline - Date.now())), ctx.signal);
      if (r.ok) break;
      last = r.summary;
    } else if (info.state === 'running') {
      break;
    }
    if (Date.now() >= deadline) {
      const secs = Number(((deadline - started) / 1000).toFixed(1));
      throw new ModelstackError('TIMEOUT', `service ${s.service} was not ready within ${secs}s`, {
        details: [url ? `last probe: GET ${url}: ${last}` : `container state: ${info.state}`, ...(await lastLogLines(engine, s.container))],
        hint: `${logsHint(ctx, s.service)}; a model download can take long: raise --timeout`,
      });
    }
    await sleep(interval, ctx.signal);
    if (!url || Date.now() - checkedAt >= Math.min(2000, interval * 4)) {
      info = await engine.inspect(s.container);
      checkedAt = Date.now();
    }
  }
  const readyAfterMs = Date.now() - started;
  io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: ready after ${(readyAfterMs / 1000).toFixed(1)}s`, { service: s.service, step: 'ready' }));
  return { ...(url ? { url } : {}), readyAfterMs, ports: info?.ports ?? [] };
}

/** A one-shot dependency (service_completed_successfully): it must exit with code 0. */
export async function waitCompleted(ctx: WaitContext, s: ServicePlan): Promise<void> {
  const { engine, started, deadline, interval } = ctx;
  for (;;) {
    const info = await engine.inspect(s.container);
    if (!info) throw new ModelstackError('LOCAL', `service ${s.service}: container ${s.container} disappeared`);
    if (info.state === 'exited' || info.state === 'dead') {
      if (info.exitCode === 0) return;
      throw await exitedError(ctx, s, info, 'exited with code ' + info.exitCode);
    }
    if (Date.now() >= deadline) {
      throw new ModelstackError('TIMEOUT', `service ${s.service} did not complete within ${Number(((deadline - started) / 1000).toFixed(1))}s`, {
        details: [`container state: ${info.state}`, ...(await lastLogLines(engine, s.container))],
        hint: `${logsHint(ctx, s.service)}; a model download can take long: raise --timeout`,
      });
    }
    await sleep(interval, ctx.signal);
  }
}

async function exitedError(
  ctx: WaitContext,
  s: ServicePlan,
  info: ContainerInfo,
  what = `exited with code ${info.exitCode} before it was ready`,
): Promise<ModelstackError> {
  return new ModelstackError('LOCAL', `service ${s.service} ${what}`, {
    details: await lastLogLines(ctx.engine, s.container),
    hint: logsHint(ctx, s.service),
  });
}

/**
 * The container's last LAST_LOG_LINES log lines (each cut to LOG_LINE_CHARS) as error details:
 * `up` removes what a failed run created, so the error is where they remain. Reading them is
 * bounded by LOGS_TIMEOUT_MS; lines that cannot be read are left out.
 */
async function lastLogLines(engine: ContainerEngine, container: string): Promise<string[]> {
  const lines: string[] = [];
  const signal = AbortSignal.timeout(LOGS_TIMEOUT_MS);
  await engine
    .logs(container, {
      tail: LAST_LOG_LINES,
      signal,
      onLine: (l) => lines.push(l.text.length > LOG_LINE_CHARS ? `${l.text.slice(0, LOG_LINE_CHARS)}…` : l.text),
    })
    .catch(() => {});
  const kept = lines.slice(-LAST_LOG_LINES);
  return kept.length ? ['last log lines:', ...kept.map((l) => `  ${l}`)] : [];
}

function logsHint(ctx: WaitContext, service: string): string {
  return ctx.keepOnFailure
    ? `see "modelstack local logs ${service}"`
    : `a failed up removes the containers it created: "modelstack local up --keep-on-failure" keeps them for "modelstack local logs ${service}"`;
}
