import { isModelstackError, ModelstackError } from '../../errors.js';
import { type IoHost, silentIoHost } from '../../io/io-host.js';
import type { ContainerEngine, ContainerEngineName, ContainerInfo, GpuSupport, PublishedPort } from '../container-engine/container-engine.js';
import { ImageUnavailableError, portInUseError } from '../container-engine/engine-errors.js';
import { CONFIG_HASH_LABEL, PROJECT_LABEL, SERVICE_LABEL } from '../local-labels.js';
import type { ComposeProject } from './compose-model.js';
import { portFree, portFreeWithin } from './port-check.js';
import { containerName } from './project-names.js';
import { buildImages } from './build-images.js';
import { prepareHost } from './prepare-host.js';
import { waitCompleted, waitReady, type WaitContext } from './readiness-wait.js';
import { RollbackLedger } from './rollback-ledger.js';
import { type PlanOptions, planProject, type ServicePlan } from './run-plan.js';
import { runServiceGraph } from './service-graph.js';
import { MESSAGES } from '../../io/messages.js';

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
  readonly engine: ContainerEngineName;
  readonly network: string;
  readonly networkCreated: boolean;
  /** In start order. */
  readonly services: readonly UpService[];
  /** Containers of this project whose service is no longer in the file. */
  readonly orphans: readonly string[];
  readonly orphansRemoved: boolean;
  /** Containers of planned services beyond their replica count (a lower --scale), removed. */
  readonly scaledDown: readonly string[];
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
  /**
   * Keep what a failed or interrupted up created (containers, volumes, network) for inspection
   * ("local logs"); `down` removes it. @default false (a failed up removes the containers, tmpfs
   * volumes and network it created, and keeps the data volumes it created: model caches)
   */
  readonly keepOnFailure?: boolean;
}

/**
 * Compose `up --wait` through a ContainerEngine, identical on every engine: the network
 * `<project>_default`, one container `<project>-<service>` per service started in dependency
 * order, each checked for readiness from this process over HTTP. Containers that already run
 * with the same configuration (hash label) are left alone, changed ones are recreated.
 */
export async function up(project: ComposeProject, engine: ContainerEngine, opts: UpOptions = {}): Promise<UpResult> {
  const io = opts.io ?? silentIoHost;
  const signal = opts.signal ?? new AbortController().signal;
  // The first failing service stops the other waits (nothing new is started after it).
  const failFast = new AbortController();
  const waitSignal = AbortSignal.any([signal, failFast.signal]);
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 600_000);
  const interval = opts.pollIntervalMs ?? 500;
  let gpuSupport: GpuSupport | undefined = opts.gpuSupport;
  if (!gpuSupport && (opts.gpu ?? 'auto') === 'auto' && project.services.some((s) => s.gpus)) gpuSupport = (await engine.probe()).gpu;
  const planOpts = { ...opts, ...(gpuSupport ? { gpuSupport } : {}) };
  // Planned once to check the options before anything runs, then again with the built images' ids.
  const checked = planProject(project, planOpts);
  const builtImages = project.services.some((s) => s.build) ? await buildImages(project, checked, engine, { io, signal, deadline }) : {};
  const plan = Object.keys(builtImages).length > 0 ? planProject(project, { ...planOpts, builtImages }) : checked;
  for (const w of plan.warnings) io.notify(MESSAGES.LOCAL_WARNING.make(w, {}));

  const ledger = new RollbackLedger();
  const keepOnFailure = opts.keepOnFailure === true;
  const waits: WaitContext = { engine, io, started, deadline, interval, signal: waitSignal, keepOnFailure };
  try {
    signal.throwIfAborted();
    const networkLabels = await engine.networkLabels(plan.network);
    if (!networkLabels) {
      await engine.createNetwork(plan.network, { [PROJECT_LABEL]: plan.project });
      ledger.networkWasCreated(plan.network);
      io.notify(MESSAGES.LOCAL_PROGRESS.make(`network ${plan.network} created`, { step: 'network-created' }));
    } else if (networkLabels[PROJECT_LABEL] !== plan.project) {
      io.notify(
        MESSAGES.LOCAL_WARNING.make(
          `network ${plan.network} exists but was not created by modelstack for project ${plan.project} (no label ${PROJECT_LABEL}=${plan.project}): the containers join it, and "modelstack local down" leaves it`,
          {},
        ),
      );
    }
    await prepareHost(plan, engine, ledger, io);
    const existing = await engine.list({ [PROJECT_LABEL]: plan.project }, SERVICE_LABEL);
    const orphans = existing.filter((c) => !plan.allServices.includes(c.service ?? '')).map((c) => c.name);
    if (orphans.length > 0 && opts.removeOrphans) {
      await Promise.all(orphans.map((o) => engine.remove(o)));
      io.notify(MESSAGES.LOCAL_PROGRESS.make(`removed orphan containers: ${orphans.join(', ')}`, { step: 'orphans-removed' }));
    } else if (orphans.length > 0) {
      io.notify(
        MESSAGES.LOCAL_WARNING.make(
          `containers of project ${plan.project} without a service in the file: ${orphans.join(', ')} (use --remove-orphans, or "modelstack local down")`,
          {},
        ),
      );
    }

    // Replicas beyond the scale: removed before anything starts, the highest replica first.
    const planned = new Set(plan.services.map((s) => s.container));
    const surplus = existing
      .filter((c) => plan.plannedServices.includes(c.service ?? '') && !planned.has(c.name))
      .sort((a, b) => replicaIndex(plan.project, b) - replicaIndex(plan.project, a));
    for (const c of surplus) await engine.remove(c.name);
    for (const service of plan.plannedServices) {
      const removed = surplus.filter((c) => c.service === service).map((c) => c.name);
      if (removed.length === 0) continue;
      const left = plan.services.filter((s) => s.service === service).length;
      io.notify(MESSAGES.LOCAL_PROGRESS.make(`${service}: scaled to ${left}, removed ${removed.join(', ')}`, { service, step: 'scaled-down' }));
    }

    const services = await runServiceGraph(
      plan.services,
      {
        start: (s) =>
          reconcile(
            s,
            existing.find((c) => c.name === s.container),
          ),
        ready: async (s, action): Promise<UpService> => ({ service: s.service, container: s.container, action, ...(await waitReady(waits, s)) }),
        completed: (s) => waitCompleted(waits, s),
      },
      { signal, failFast },
    );
    return {
      project: plan.project,
      engine: engine.name,
      network: plan.network,
      networkCreated: ledger.networkCreated,
      services,
      orphans,
      orphansRemoved: orphans.length > 0 && opts.removeOrphans === true,
      scaledDown: surplus.map((c) => c.name),
      warnings: plan.warnings,
    };
  } catch (e) {
    if (keepOnFailure && signal.aborted) {
      throw new ModelstackError('LOCAL', 'interrupted: kept what this up started (keep on failure)', {
        details: ledger.describe(),
        hint: '"modelstack local down" removes the project',
        exitCode: 130,
      });
    }
    if (keepOnFailure) throw e;
    if (signal.aborted) throw await ledger.rollback(engine);
    // A failed up leaves nothing it created behind (the error carries the last log lines).
    throw await ledger.rollbackAfter(engine, e);
  }

  async function reconcile(s: ServicePlan, current: ContainerInfo | undefined): Promise<ServiceAction> {
    waitSignal.throwIfAborted();
    if (current && current.labels[CONFIG_HASH_LABEL] === s.hash) {
      if (current.state === 'running') {
        io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: ${s.container} is up to date`, { service: s.service, step: 'unchanged' }));
        return 'unchanged';
      }
      await checkPorts(s, false);
      await engine.start(s.container);
      ledger.containerWasStarted(s.container);
      io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: started ${s.container}`, { service: s.service, step: 'started' }));
      return 'started';
    }
    if (current) {
      io.notify(MESSAGES.LOCAL_PROGRESS.make(`${s.service}: configuration changed, recreating ${s.container}`, { service: s.service, step: 'recreating' }));
      await engine.remove(current.name);
    }
    await checkPorts(s, current !== undefined);
    waitSignal.throwIfAborted();
    io.notify(MESSAGES.DEBUG.make(`${s.service}: ${engine.name} run ${s.spec.image}`, {}));
    try {
      await engine.run(s.spec, { signal });
    } catch (e) {
      throw withService(e, s.service);
    }
    ledger.containerWasCreated(s.container);
    io.notify(
      MESSAGES.LOCAL_PROGRESS.make(`${s.service}: ${current ? 'recreated' : 'created'} ${s.container} (${s.spec.image})`, {
        service: s.service,
        step: 'created',
      }),
    );
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
}

/** Which replica of its service a container is (`<project>-<service>-3`), 1 for `<project>-<service>`. */
function replicaIndex(project: string, c: ContainerInfo): number {
  const m = /^-(\d+)$/.exec(c.name.slice(containerName(project, c.service ?? '').length));
  return m ? Number(m[1]) : 1;
}

/** Names the service in an engine error (a port clash the engine found, a failed run). */
function withService(e: unknown, service: string): unknown {
  if (!isModelstackError(e)) return e;
  if (e instanceof ImageUnavailableError) {
    return new ModelstackError(e.code, `service ${service}: ${e.message}`, {
      hint: `${e.hint ?? ''}; or run service ${service} from another image: --image ${service}=IMAGE`,
      exitCode: e.exitCode,
      cause: e,
    });
  }
  const message = /^port .* is in use: cannot start container/.test(e.message)
    ? e.message.replace(/cannot start container .*$/, `cannot start service ${service}`)
    : `service ${service}: ${e.message}`;
  return new ModelstackError(e.code, message, { ...(e.hint ? { hint: e.hint } : {}), details: e.details, exitCode: e.exitCode, cause: e });
}
