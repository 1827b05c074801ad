import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectRef } from '../model/kube-object.js';
import { applicationState, helmReleaseState, type InstallState } from '../readiness/install-state.js';
import { runtimeStatus, type RuntimeStatus } from '../status/runtime-status.js';
import { interrupted, registerCleanup } from '../util/cleanup.js';
import { describeInstall, type OperatorInstallObject } from './operator-installs.js';
import { runtimeReady, type RuntimeToInstall } from './preflight.js';

/** How long apply waits for the operators it installs. @see ApplyOptions.operatorTimeoutMs */
export const DEFAULT_OPERATOR_TIMEOUT_MS = 600_000;

export interface OperatorWaitOptions {
  readonly timeoutMs: number;
  /** @default 2000 */
  readonly pollMs?: number;
  /** How often an unchanged wait is reported again. @default 60s */
  readonly heartbeatMs?: number;
}

/** What a runtime is waiting on this round. */
interface Round {
  readonly rt: RuntimeToInstall;
  readonly status: RuntimeStatus;
  readonly install: OperatorInstallObject;
  readonly installState?: InstallState;
}

/**
 * The install object a wait names: the GitOps object doing the install when there is one (it
 * is what to look at when the wait takes long), else the stack's own CRD or Deployment.
 */
function primaryInstall(rt: RuntimeToInstall): OperatorInstallObject {
  return rt.installs.find((i) => i.installer !== 'manifests') ?? rt.installs[0]!;
}

async function readInstallState(kube: KubeApi, i: OperatorInstallObject): Promise<InstallState | undefined> {
  if (i.installer === 'manifests') return undefined;
  // Served only where Flux or Argo CD is installed; apply just wrote it, so it is served here.
  if (!(await kube.resourceFor(i.object.apiVersion, i.object.kind))) return { stalled: false, summary: `${i.object.kind} is not served by the cluster` };
  const live = await kube.get(i.object);
  return i.installer === 'flux' ? helmReleaseState(live) : applicationState(live);
}

/** "waiting for Flux HelmRelease x/y to install the NVIDIA Dynamo operator: CRD ... not found; ... (HelmRelease: ...)" */
function waitingLine(r: Round): string {
  const { info } = r.rt;
  const who =
    r.install.installer === 'manifests'
      ? `${info.displayName} (installed from ${describeInstall(r.install)})`
      : `${describeInstall(r.install)} to install the ${info.displayName} operator`;
  const tooOld = r.status.installed && r.status.healthy && r.status.version ? `operator ${r.status.version} is older than ${info.minOperatorVersion}; ` : '';
  const installer = r.installState ? ` (${r.install.object.kind}: ${r.installState.summary})` : '';
  return `waiting for ${who}: ${tooOld}${r.status.message}${installer}`;
}

/** The command that shows why a failed install failed. */
function whereToLook(r: Round): string {
  const { metadata } = r.install.object;
  return r.install.installer === 'argocd'
    ? `kubectl get application -n ${metadata.namespace ?? 'argocd'} ${metadata.name} -o yaml shows why`
    : 'flux get helmreleases -A shows why';
}

/**
 * Waits until every runtime the stack installs and its models need is installed (CRDs present
 * and Established) and healthy (operator Deployment available, pods ready, not too old), as
 * `status` judges it. Each change of what a runtime waits for is reported (OPERATOR_WAIT), and
 * again once a minute; with Flux or Argo CD doing the install the line also carries the
 * HelmRelease's or Application's own status. A Flux HelmRelease that stopped retrying, or an Argo
 * CD Application whose sync failed or that is Degraded, ends the wait at once; the deadline
 * ends it with what each runtime still lacks; an interruption (Ctrl-C: the registered cleanup
 * runs) ends it before the next poll.
 */
export async function waitForOperators(kube: KubeApi, runtimes: readonly RuntimeToInstall[], opts: OperatorWaitOptions, io: IoHost): Promise<void> {
  if (runtimes.length === 0) return;
  const start = Date.now();
  const deadline = start + opts.timeoutMs;
  let stopped = false;
  let wake: (() => void) | undefined;
  const cleanup = registerCleanup(() => {
    stopped = true;
    wake?.();
  });
  const last = new Map<string, { line: string; at: number }>();
  const pending = new Set(runtimes.map((r) => r.info.id));
  try {
    for (;;) {
      const statuses = await runtimeStatus(kube);
      if (stopped) break;
      const rounds: Round[] = [];
      for (const rt of runtimes.filter((r) => pending.has(r.info.id))) {
        const status = statuses.find((s) => s.id === rt.info.id) ?? rt.status;
        const install = primaryInstall(rt);
        const elapsedMs = Date.now() - start;
        const base = { runtime: rt.info.id, installer: install.installer, install: objectRef(install.object), elapsedMs };
        if (runtimeReady(status)) {
          pending.delete(rt.info.id);
          const line = `${rt.info.displayName} (${rt.info.id}) is installed and healthy${status.version ? ` (operator ${status.version})` : ''} after ${Math.round(elapsedMs / 1000)}s`;
          io.notify(MESSAGES.OPERATOR_WAIT.make(`  ${line}`, { ...base, state: 'ready', reason: status.message }));
          continue;
        }
        const round: Round = { rt, status, install, installState: await readInstallState(kube, install) };
        rounds.push(round);
        const line = waitingLine(round);
        const now = Date.now();
        const prev = last.get(rt.info.id);
        if (prev?.line === line && now - prev.at < (opts.heartbeatMs ?? 60_000)) continue;
        const still = prev?.line === line ? ` (still, ${Math.round(elapsedMs / 1000)}s so far)` : '';
        io.notify(MESSAGES.OPERATOR_WAIT.make(`  ${line}${still}`, { ...base, state: 'waiting', reason: line }));
        last.set(rt.info.id, { line, at: now });
      }
      if (pending.size === 0) return;
      const stalled = rounds.filter((r) => r.installState?.stalled);
      if (stalled.length > 0) {
        throw new ModelstackError('PREFLIGHT', `the install of ${stalled.map((r) => r.rt.info.id).join(', ')} failed; the models were not applied`, {
          details: stalled.map(waitingLine),
          hint: `the operators and their installs were applied, the models were not: fix the install (${[...new Set(stalled.map(whereToLook))].join('; ')}), then apply again`,
        });
      }
      if (Date.now() >= deadline) {
        throw new ModelstackError(
          'TIMEOUT',
          `the operators of ${rounds.map((r) => r.rt.info.id).join(', ')} were not ready after ${Math.round(opts.timeoutMs / 1000)}s; the models were not applied`,
          {
            details: rounds.map(waitingLine),
            hint: 'the operators and their installs were applied, the models were not: check the install named above, then apply again (or wait longer with --operator-timeout)',
          },
        );
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, Math.min(opts.pollMs ?? 2000, Math.max(0, deadline - Date.now())));
      });
      clearTimeout(timer);
      if (stopped) break;
    }
    throw interrupted('apply was interrupted while waiting for operators: the operators and their installs were applied, the models were not');
  } finally {
    await cleanup.run();
  }
}
