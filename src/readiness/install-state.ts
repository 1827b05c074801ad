import { describeCondition, findCondition } from './conditions.js';

/** What a GitOps install object (a Flux HelmRelease, an Argo CD Application) says about its install. */
export interface InstallState {
  /**
   * The install failed and will not succeed without a change: Flux `Stalled=True`; an Argo CD
   * sync that ended Failed or Error, or the Application Degraded.
   */
  readonly stalled: boolean;
  /** One line for a progress message: "not reconciled by Flux yet (no status)", "Ready=False InstallFailed: ...". */
  readonly summary: string;
}

/**
 * A Flux HelmRelease's install as its status says. Source: Flux helm-controller, HelmRelease API
 * helm.toolkit.fluxcd.io/v2 (fluxcd.io/flux/components/helm/helmreleases/, "Conditions"):
 * `Ready` summarizes the release (True once installed), `Reconciling` is True while the
 * controller works on it, and `Stalled=True` (reason e.g. RetriesExceeded) means it stopped
 * retrying until the HelmRelease changes. No status at all means no helm-controller has
 * reconciled it yet.
 */
export function helmReleaseState(live: unknown): InstallState {
  if (live === undefined) return { stalled: false, summary: 'not found in the cluster' };
  const stalled = findCondition(live, 'Stalled');
  if (stalled?.status === 'True') return { stalled: true, summary: `Flux stopped retrying it (Stalled: ${describeCondition(stalled)})` };
  const ready = findCondition(live, 'Ready');
  if (!ready) return { stalled: false, summary: 'not reconciled by Flux yet (no Ready condition: is the Flux helm-controller running in the cluster?)' };
  const reconciling = findCondition(live, 'Reconciling')?.status === 'True' ? ', reconciling' : '';
  const why = describeCondition(ready);
  return { stalled: false, summary: `Ready=${ready.status}${why ? ` ${why}` : ''}${reconciling}` };
}

/**
 * An Argo CD Application's install as its status says. Source: Argo CD v3.1.0, Application CRD
 * argoproj.io/v1alpha1 (manifests/crds/application-crd.yaml; the Go types in
 * pkg/apis/application/v1alpha1): `status.sync.status` (Synced, OutOfSync, Unknown),
 * `status.health` with `status` (Healthy, Progressing, Degraded, Suspended, Missing, Unknown) and
 * `message`, and `status.operationState`, the last sync, with `phase` (Running, Terminating,
 * Failed, Error, Succeeded) and `message`. A sync that ended Failed or Error is not retried for
 * the same revision (nor at all once its retries, if any, are used up), and a Degraded
 * application stays so until what it deploys changes: either ends the wait, with the
 * Application's own messages. No status means no Argo CD application controller has looked at
 * it yet.
 */
export function applicationState(live: unknown): InstallState {
  if (live === undefined) return { stalled: false, summary: 'not found in the cluster' };
  const status = (live as { status?: Record<string, unknown> }).status;
  const sync = (status?.sync as { status?: string } | undefined)?.status;
  const health = status?.health as { status?: string; message?: string } | undefined;
  const op = status?.operationState as { phase?: string; message?: string } | undefined;
  if (!sync && !health?.status && !op?.phase) {
    return {
      stalled: false,
      summary: 'not synced by Argo CD yet (no status: is the Argo CD application controller running, and does it watch this namespace?)',
    };
  }
  const syncFailed = op?.phase === 'Failed' || op?.phase === 'Error';
  const degraded = health?.status === 'Degraded';
  const lastSync = op?.phase ? `last sync ${op.phase}${op.message ? `: ${op.message}` : ''}` : undefined;
  const healthPart = `health ${health?.status ?? 'Unknown'}${health?.message ? ` (${health.message})` : ''}`;
  if (syncFailed || degraded) {
    const why = [...(syncFailed ? [lastSync!] : []), ...(degraded ? [healthPart] : [])];
    return { stalled: true, summary: `Argo CD could not install it (${why.join('; ')})` };
  }
  const parts = [`sync ${sync ?? 'Unknown'}`, healthPart, ...(lastSync ? [lastSync] : [])];
  return { stalled: false, summary: parts.join(', ') };
}
