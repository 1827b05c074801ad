import { errorMessage, isModelstackError, ModelstackError } from '../../errors.js';
import type { Dependency } from './compose-model.js';

/** A service of the graph and what it waits for. */
export interface GraphNode {
  readonly service: string;
  readonly dependsOn: readonly Dependency[];
}

/** What the graph does with each service; `up` passes its container steps. */
export interface GraphSteps<N extends GraphNode, A, R> {
  /** Starts the service (once its dependencies are met); its result is what `ready` waits on. */
  start(node: N): Promise<A>;
  /** Waits until the started service is ready. */
  ready(node: N, started: A): Promise<R>;
  /** Waits until a started one-shot service exited successfully (service_completed_successfully). */
  completed(node: N): Promise<void>;
}

export interface GraphOptions {
  /** The caller's abort (Ctrl-C): checked once everything settled, so the caller can roll back. */
  readonly signal: AbortSignal;
  /**
   * Aborted (with a StoppedWaiting reason) when the first service fails, so the other waits
   * stop and nothing new is started; the steps should listen to it.
   */
  readonly failFast: AbortController;
}

/** Thrown into dependents of a service that failed, so only the root failure is reported first. */
export class DependencyFailed extends Error {}
/** The reason other services stop waiting once one failed. */
export class StoppedWaiting extends Error {}

/**
 * Runs the services as a graph of waves: each one starts as soon as every dependency met its
 * condition (started, healthy, or completed successfully), so independent services start
 * together and dependents follow. Returns what `ready` gave for each node, in node order; when
 * services failed, throws one error: the first root failure, the others as details.
 */
export async function runServiceGraph<N extends GraphNode, A, R>(nodes: readonly N[], steps: GraphSteps<N, A, R>, opts: GraphOptions): Promise<R[]> {
  const { signal, failFast } = opts;
  // Per node (a service has one node per replica); a dependency on a service waits for all of them.
  const startedTasks = new Map<N, Promise<A>>();
  const readyTasks = new Map<N, Promise<R>>();
  const completedTasks = new Map<N, Promise<void>>();
  const of = (service: string): N[] => nodes.filter((x) => x.service === service);
  const completed = (node: N): Promise<void> => {
    if (!completedTasks.has(node))
      completedTasks.set(
        node,
        startedTasks.get(node)!.then(() => steps.completed(node)),
      );
    return completedTasks.get(node)!;
  };
  const all = (tasks: readonly Promise<unknown>[]): Promise<unknown> => Promise.all(tasks);
  const condition = (d: Dependency): Promise<unknown> => {
    const task =
      d.condition === 'service_started'
        ? all(of(d.service).map((n) => startedTasks.get(n)!))
        : d.condition === 'service_healthy'
          ? all(of(d.service).map((n) => readyTasks.get(n)!))
          : all(of(d.service).map(completed));
    return task.catch(() => {
      throw new DependencyFailed(
        `${d.service} did not ${d.condition === 'service_started' ? 'start' : d.condition === 'service_healthy' ? 'become ready' : 'complete successfully'}`,
      );
    });
  };
  for (const s of nodes) {
    const deps = Promise.all(s.dependsOn.map(condition));
    const start = deps.then(() => steps.start(s));
    const ready = start.then((action) => steps.ready(s, action));
    start.catch(() => {});
    ready.catch((e: unknown) => {
      if (!(e instanceof DependencyFailed) && !signal.aborted && !failFast.signal.aborted)
        failFast.abort(new StoppedWaiting(`stopped waiting: service ${s.service} failed`));
    });
    startedTasks.set(s, start);
    readyTasks.set(s, ready);
  }
  const settled = await Promise.allSettled(nodes.map((s) => readyTasks.get(s)!));
  // A one-shot dependency is "ready" once it runs; whether it completed is a failure of its own.
  const done = await Promise.allSettled(nodes.map((s) => completedTasks.get(s) ?? Promise.resolve()));
  signal.throwIfAborted();
  const failures = nodes.flatMap((s, i) => {
    const r = settled[i]!.status === 'rejected' ? settled[i] : done[i];
    return r!.status === 'rejected' ? [{ service: s.service, error: (r as PromiseRejectedResult).reason as unknown }] : [];
  });
  if (failures.length > 0) throw combine(failures);
  return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
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
  const e =
    first.error instanceof DependencyFailed ? new ModelstackError('LOCAL', `service ${first.service} was not started: ${first.error.message}`) : first.error;
  if (others.length === 0) return e;
  if (isModelstackError(e))
    return new ModelstackError(e.code, e.message, { ...(e.hint ? { hint: e.hint } : {}), details: [...e.details, ...others], exitCode: e.exitCode, cause: e });
  return new ModelstackError('LOCAL', named(first.service, errorMessage(e)), { details: others, cause: e });
}

/** `service X: message`, unless the message already names the service. */
function named(service: string, message: string): string {
  return message.includes(`service ${service}`) ? message : `service ${service}: ${message}`;
}
