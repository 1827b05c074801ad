import { mkdir, readFile } from 'node:fs/promises';
import { errorMessage, isModelstackError, ModelstackError } from '../../errors.js';
import { type IoHost, silentIoHost } from '../../io/io-host.js';
import type { ContainerInfo, ContainerRuntime, GpuSupport, PublishedPort, RuntimeName } from '../runtime/container-runtime.js';
import { portInUseError } from '../runtime/runtime-errors.js';
import type { ComposeProject, Dependency } from './compose-model.js';
import { portFree, portFreeWithin } from './port-check.js';
import { CONFIG_HASH_LABEL, EPHEMERAL_LABEL, PROJECT_LABEL, SERVICE_LABEL } from './project-labels.js';
import { probeHttp, sleep } from './readiness.js';
import { type PlanOptions, planProject, type RunPlan, type ServicePlan } from './run-plan.js';
import { writeFileAtomic } from '../../util/write-atomic.js';

export type ServiceAction = 'created' | 'recreated' | 'started' | 'unchanged';

export interface UpService {
  readonly service: string;
  readonly container: string;
  readonly action: ServiceAction;
  /** The readiness URL probed, for services with an x-modelstack health check. */
  readonly url?: string;
  /** How long after the start of `up` the service was ready. */
  readonly readyAfterMs: number;
  readonly ports: readonly PublishedPort[];
}

export interface UpResult {
  readonly project: string;
  readonly runtime: RuntimeName;
  readonly network: string;
  readonly networkCreated: boolean;
  /** In start order. */
  readonly services: readonly UpService[];
  /** Containers of this project whose service is no longer in the file. */
  readonly orphans: readonly string[];
  readonly orphansRemoved: boolean;
  readonly warnings: readonly string[];
}

export interface UpOptions extends PlanOptions {
  /** How long all services together may take to become ready. @default 600000 */
  readonly timeoutMs?: number;
  /** Aborting stops waiting and removes what this `up` started (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Progress messages. */
  readonly io?: IoHost;
  /** Remove containers of this project whose service is not in the file. @default false (warn) */
  readonly removeOrphans?: boolean;
  /** Pause between readiness probes. @default 500 */
  readonly pollIntervalMs?: number;
}

/** What this `up` changed, so an interrupt can undo exactly that. */
interface Ledger {
  networkCreated: boolean;
  /** Ephemeral volumes this up created (removed on interrupt; others hold data and stay). */
  readonly volumes: string[];
  /** Containers this up created (removed on interrupt) or started (stopped on interrupt). */
  readonly containers: { readonly name: string; readonly undo: 'remove' | 'stop' }[];
}

/** Thrown into dependents of a service that failed, so only the root failure is reported first. */
class DependencyFailed extends Error {}
/** The reason other services stop waiting once one failed. */
class StoppedWaiting extends Error {}

/**
 * Compose `up --wait` through a ContainerRuntime, identical on every runtime: the network
 * `<project>_default`, one container `<project>-<service>` per service started in dependency
 * order, each checked for readiness from this process over HTTP. Containers that already run
 * with the same configuration (hash label) are left alone, changed ones are recreated.
 */
export async function up(project: ComposeProject, runtime: ContainerRuntime, opts: UpOptions = {}): Promise<UpResult> {
  const io = opts.io ?? silentIoHost;
  const signal = opts.signal ?? new AbortController().signal;
  // The first failing service stops the other waits (nothing new is started after it).
  const failFast = new AbortController();
  const waitSignal = AbortSignal.any([signal, failFast.signal]);
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 600_000);
  const interval = opts.pollIntervalMs ?? 500;
  let gpuSupport: GpuSupport | undefined = opts.gpuSupport;
  if (!gpuSupport && (opts.gpu ?? 'auto') === 'auto' && project.services.some((s) => s.gpus)) gpuSupport = (await runtime.probe()).gpu;
  const plan = planProject(project, { ...opts, ...(gpuSupport ? { gpuSupport } : {}) });
  for (const w of plan.warnings) io.notify({ level: 'warn', message: w });

  const ledger: Ledger = { networkCreated: false, volumes: [], containers: [] };
  try {
    signal.throwIfAborted();
    if (!(await runtime.networkExists(plan.network))) {
      await runtime.createNetwork(plan.network, { [PROJECT_LABEL]: plan.project });
      ledger.networkCreated = true;
      io.notify({ level: 'info', message: `network ${plan.network} created` });
    }
    await prepareHost(plan, runtime, ledger, io);
    const existing = await runtime.list({ [PROJECT_LABEL]: plan.project }, SERVICE_LABEL);
    const orphans = existing.filter((c) => !plan.allServices.includes(c.service ?? '')).map((c) => c.name);
    if (orphans.length > 0 && opts.removeOrphans) {
      await Promise.all(orphans.map((o) => runtime.remove(o)));
      io.notify({ level: 'info', message: `removed orphan containers: ${orphans.join(', ')}` });
    } else if (orphans.length > 0) {
      io.notify({ level: 'warn', message: `containers of project ${plan.project} without a service in the file: ${orphans.join(', ')} (use --remove-orphans, or "modelstack local down")` });
    }

    const startedTasks = new Map<string, Promise<ServiceAction>>();
    const readyTasks = new Map<string, Promise<UpService>>();
    const completedTasks = new Map<string, Promise<void>>();
    const completed = (service: string): Promise<void> => {
      if (!completedTasks.has(service)) completedTasks.set(service, startedTasks.get(service)!.then(() => waitCompleted(plan.services.find((x) => x.service === service)!)));
      return completedTasks.get(service)!;
    };
    const condition = (d: Dependency): Promise<unknown> => {
      const task =
        d.condition === 'service_started' ? startedTasks.get(d.service)! : d.condition === 'service_healthy' ? readyTasks.get(d.service)! : completed(d.service);
      return task.catch(() => {
        throw new DependencyFailed(`${d.service} did not ${d.condition === 'service_started' ? 'start' : d.condition === 'service_healthy' ? 'become ready' : 'complete successfully'}`);
      });
    };
    for (const s of plan.services) {
      const deps = Promise.all(s.dependsOn.map(condition));
      const start = deps.then(() => reconcile(s, existing.find((c) => c.service === s.service)));
      const ready = start.then((action) => waitReady(s, action));
      start.catch(() => {});
      ready.catch((e: unknown) => {
        if (!(e instanceof DependencyFailed) && !waitSignal.aborted) failFast.abort(new StoppedWaiting(`stopped waiting: service ${s.service} failed`));
      });
      startedTasks.set(s.service, start);
      readyTasks.set(s.service, ready);
    }
    const settled = await Promise.allSettled(plan.services.map((s) => readyTasks.get(s.service)!));
    // A one-shot dependency is "ready" once it runs; whether it completed is a failure of its own.
    const done = await Promise.allSettled(plan.services.map((s) => completedTasks.get(s.service) ?? Promise.resolve()));
    signal.throwIfAborted();
    const failures = plan.services.flatMap((s, i) => {
      const r = settled[i]!.status === 'rejected' ? settled[i] : done[i];
      return r!.status === 'rejected' ? [{ service: s.service, error: (r as PromiseRejectedResult).reason as unknown }] : [];
    });
    if (failures.length > 0) throw combine(failures);
    return {
      project: plan.project,
      runtime: runtime.name,
      network: plan.network,
      networkCreated: ledger.networkCreated,
      services: settled.map((r) => (r as PromiseFulfilledResult<UpService>).value),
      orphans,
      orphansRemoved: orphans.length > 0 && opts.removeOrphans === true,
      warnings: plan.warnings,
    };
  } catch (e) {
    if (signal.aborted) throw await rollback();
    throw e;
  }

  async function reconcile(s: ServicePlan, current: ContainerInfo | undefined): Promise<ServiceAction> {
    waitSignal.throwIfAborted();
    if (current && current.labels[CONFIG_HASH_LABEL] === s.hash) {
      if (current.state === 'running') {
        io.notify({ level: 'info', message: `${s.service}: ${s.container} is up to date` });
        return 'unchanged';
      }
      await checkPorts(s, false);
      await runtime.start(s.container);
      ledger.containers.push({ name: s.container, undo: 'stop' });
      io.notify({ level: 'info', message: `${s.service}: started ${s.container}` });
      return 'started';
    }
    if (current) {
      io.notify({ level: 'info', message: `${s.service}: configuration changed, recreating ${s.container}` });
      await runtime.remove(current.name);
    }
    await checkPorts(s, current !== undefined);
    waitSignal.throwIfAborted();
    io.notify({ level: 'debug', message: `${s.service}: ${runtime.name} run ${s.spec.image}` });
    try {
      await runtime.run(s.spec, { signal });
    } catch (e) {
      throw withService(e, s.service);
    }
    ledger.containers.push({ name: s.container, undo: 'remove' });
    io.notify({ level: 'info', message: `${s.service}: ${current ? 'recreated' : 'created'} ${s.container} (${s.spec.image})` });
    return current ? 'recreated' : 'created';
  }

  /** Fixed host ports must be free before a container is started (a just-removed container may hold one briefly). */
  async function checkPorts(s: ServicePlan, justRemoved: boolean): Promise<void> {
    for (const p of s.spec.ports ?? []) {
      if (p.hostPort === undefined || (p.protocol ?? 'tcp') !== 'tcp') continue;
      const ip = p.hostIp ?? '0.0.0.0';
      const free = justRemoved ? await portFreeWithin(ip, p.hostPort, 5000) : await portFree(ip, p.hostPort);
      if (!free) throw portInUseError(ip, p.hostPort, `service ${s.service}`);
    }
  }

  async function waitReady(s: ServicePlan, action: ServiceAction): Promise<UpService> {
    let info = await runtime.inspect(s.container);
    const hostPort = s.health?.hostPort ?? info?.ports.find((p) => p.containerPort === s.health?.containerPort)?.hostPort;
    const host = s.health?.hostIp.includes(':') ? `[${s.health.hostIp}]` : s.health?.hostIp;
    const url = s.health && hostPort ? `http://${host}:${hostPort}${s.health.path}` : undefined;
    if (s.health && !url) throw new ModelstackError('LOCAL', `service ${s.service}: port ${s.health.containerPort} was not published by ${runtime.name}`);
    if (url) io.notify({ level: 'info', message: `${s.service}: waiting for ${url}` });
    let last = 'no probe yet';
    let checkedAt = Date.now();
    for (;;) {
      if (!info) throw new ModelstackError('LOCAL', `service ${s.service}: container ${s.container} disappeared`);
      if (info.state === 'exited' || info.state === 'dead') {
        if (!url && info.exitCode === 0) break; // a one-shot service that completed
        throw await exitedError(s, info);
      }
      if (url) {
        const r = await probeHttp(url, Math.max(200, Math.min(2000, deadline - Date.now())), waitSignal);
        if (r.ok) break;
        last = r.summary;
      } else if (info.state === 'running') {
        break;
      }
      if (Date.now() >= deadline) {
        const secs = Number(((deadline - started) / 1000).toFixed(1));
        throw new ModelstackError('TIMEOUT', `service ${s.service} was not ready within ${secs}s`, {
          details: url ? [`last probe: GET ${url}: ${last}`] : [`container state: ${info.state}`],
          hint: `see "modelstack local logs ${s.service}"; a model download can take long: raise --timeout`,
        });
      }
      await sleep(interval, waitSignal);
      if (!url || Date.now() - checkedAt >= Math.min(2000, interval * 4)) {
        info = await runtime.inspect(s.container);
        checkedAt = Date.now();
      }
    }
    const readyAfterMs = Date.now() - started;
    io.notify({ level: 'info', message: `${s.service}: ready after ${(readyAfterMs / 1000).toFixed(1)}s` });
    return { service: s.service, container: s.container, action, ...(url ? { url } : {}), readyAfterMs, ports: info?.ports ?? [] };
  }

  /** A one-shot dependency (service_completed_successfully): it must exit with code 0. */
  async function waitCompleted(s: ServicePlan): Promise<void> {
    for (;;) {
      const info = await runtime.inspect(s.container);
      if (!info) throw new ModelstackError('LOCAL', `service ${s.service}: container ${s.container} disappeared`);
      if (info.state === 'exited' || info.state === 'dead') {
        if (info.exitCode === 0) return;
        throw await exitedError(s, info, 'exited with code ' + info.exitCode);
      }
      if (Date.now() >= deadline) {
        throw new ModelstackError('TIMEOUT', `service ${s.service} did not complete within ${Number(((deadline - started) / 1000).toFixed(1))}s`, {
          details: [`container state: ${info.state}`],
          hint: `see "modelstack local logs ${s.service}"`,
        });
      }
      await sleep(interval, waitSignal);
    }
  }

  async function exitedError(s: ServicePlan, info: ContainerInfo, what = `exited with code ${info.exitCode} before it was ready`): Promise<ModelstackError> {
    const lines: string[] = [];
    await runtime.logs(s.container, { tail: 15, onLine: (l) => lines.push(l.text) }).catch(() => {});
    return new ModelstackError('LOCAL', `service ${s.service} ${what}`, {
      details: lines.length ? ['last log lines:', ...lines.map((l) => `  ${l}`)] : [],
      hint: `see "modelstack local logs ${s.service}"`,
    });
  }

  async function rollback(): Promise<ModelstackError> {
    const done: string[] = [];
    for (const c of [...ledger.containers].reverse()) {
      try {
        if (c.undo === 'remove') await runtime.remove(c.name);
        else await runtime.stop(c.name, 2);
        done.push(`${c.undo === 'remove' ? 'removed' : 'stopped'} ${c.name}`);
      } catch (e) {
        done.push(`could not undo ${c.name}: ${errorMessage(e)}`);
      }
    }
    for (const v of ledger.volumes) {
      try {
        await runtime.removeVolume(v);
        done.push(`removed volume ${v}`);
      } catch (e) {
        done.push(`could not remove volume ${v}: ${errorMessage(e)}`);
      }
    }
    if (ledger.networkCreated) {
      try {
        await runtime.removeNetwork(plan.network);
        done.push(`removed network ${plan.network}`);
      } catch (e) {
        done.push(`could not remove network ${plan.network}: ${errorMessage(e)}`);
      }
    }
    return new ModelstackError('LOCAL', done.length ? 'interrupted: undid what this up started' : 'interrupted before anything was started', {
      details: done,
      exitCode: 130,
    });
  }
}

/** Files for inline configs, host directories for binds, and the declared volumes. */
async function prepareHost(plan: RunPlan, runtime: ContainerRuntime, ledger: Ledger, io: IoHost): Promise<void> {
  for (const f of plan.files) {
    const current = await readFile(f.path, 'utf8').catch(() => undefined);
    if (current !== f.content) await writeFileAtomic(f.path, f.content);
  }
  for (const d of plan.hostDirs) await mkdir(d, { recursive: true });
  for (const v of plan.volumes) {
    if (await runtime.volumeExists(v.name)) continue;
    const ephemeral = v.options?.type === 'tmpfs';
    const labels = { [PROJECT_LABEL]: plan.project, ...(ephemeral ? { [EPHEMERAL_LABEL]: 'true' } : {}) };
    const keep = v.options && runtime.volumeOptions ? { options: v.options } : {};
    if (v.options && !runtime.volumeOptions) {
      io.notify({ level: 'warn', message: `${runtime.name} cannot create volume ${v.name} with driver options; it is a plain volume${ephemeral ? ' that "modelstack local down" removes' : ''}` });
    }
    await runtime.createVolume(v.name, { labels, ...keep });
    if (ephemeral) ledger.volumes.push(v.name);
    io.notify({ level: 'debug', message: `volume ${v.name} created` });
  }
}

/** Names the service in a runtime error (a port clash the runtime found, a failed run). */
function withService(e: unknown, service: string): unknown {
  if (!isModelstackError(e)) return e;
  const message = /^port .* is in use: cannot start container/.test(e.message) ? e.message.replace(/cannot start container .*$/, `cannot start service ${service}`) : `service ${service}: ${e.message}`;
  return new ModelstackError(e.code, message, { ...(e.hint ? { hint: e.hint } : {}), details: e.details, exitCode: e.exitCode, cause: e });
}

/** One error for all failed services: the first root failure, the others as details. */
function combine(failures: readonly { service: string; error: unknown }[]): unknown {
  const secondary = (e: unknown): boolean => e instanceof DependencyFailed || e instanceof StoppedWaiting;
  const first = failures.find((f) => !secondary(f.error)) ?? failures[0]!;
  const others = failures
    .filter((f) => f !== first)
    .map((f) =>
      f.error instanceof DependencyFailed
        ? `service ${f.service} was not started: ${f.error.message}`
        : f.error instanceof StoppedWaiting
          ? `service ${f.service}: not checked to the end (another service failed)`
          : named(f.service, errorMessage(f.error)),
    );
  const e = first.error instanceof DependencyFailed ? new ModelstackError('LOCAL', `service ${first.service} was not started: ${first.error.message}`) : first.error;
  if (others.length === 0) return e;
  if (isModelstackError(e)) return new ModelstackError(e.code, e.message, { ...(e.hint ? { hint: e.hint } : {}), details: [...e.details, ...others], exitCode: e.exitCode, cause: e });
  return new ModelstackError('LOCAL', named(first.service, errorMessage(e)), { details: others, cause: e });
}

/** `service X: message`, unless the message already names the service. */
function named(service: string, message: string): string {
  return message.includes(`service ${service}`) ? message : `service ${service}: ${message}`;
}
