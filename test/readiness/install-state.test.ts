import { applicationState, helmReleaseState } from '../../src/readiness/install-state.js';

// Status shapes as the controllers write them: Flux helm-controller HelmRelease v2 conditions
// (fluxcd.io/flux/components/helm/helmreleases/, "Conditions"), Argo CD ApplicationStatus
// (argo-cd.readthedocs.io, Application sync/health/operationState).
describe('helmReleaseState', () => {
  test('no status: Flux has not looked at it (is the helm-controller running?)', () => {
    expect(helmReleaseState({ metadata: { name: 'x' } })).toEqual({
      stalled: false,
      summary: 'not reconciled by Flux yet (no Ready condition: is the Flux helm-controller running in the cluster?)',
    });
    expect(helmReleaseState(undefined)).toEqual({ stalled: false, summary: 'not found in the cluster' });
  });

  test('Ready=False while reconciling carries the reason and message', () => {
    const live = {
      status: {
        conditions: [
          { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'Running install' },
          { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Running install' },
        ],
      },
    };
    expect(helmReleaseState(live)).toEqual({ stalled: false, summary: 'Ready=Unknown Progressing: Running install, reconciling' });
  });

  test('Stalled=True: Flux stopped retrying', () => {
    const live = {
      status: {
        conditions: [
          { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to install after 1 attempt(s)' },
          { type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'x' },
        ],
      },
    };
    expect(helmReleaseState(live)).toEqual({
      stalled: true,
      summary: 'Flux stopped retrying it (Stalled: RetriesExceeded: Failed to install after 1 attempt(s))',
    });
  });
});

describe('applicationState', () => {
  test('no status: Argo CD has not looked at it', () => {
    expect(applicationState({ metadata: {} }).summary).toBe(
      'not synced by Argo CD yet (no status: is the Argo CD application controller running, and does it watch this namespace?)',
    );
  });

  test('sync, health and the last sync operation', () => {
    const live = {
      status: {
        sync: { status: 'OutOfSync' },
        health: { status: 'Progressing', message: 'Waiting for rollout' },
        operationState: { phase: 'Running', message: 'waiting for healthy state of apps/Deployment/x' },
      },
    };
    expect(applicationState(live)).toEqual({
      stalled: false,
      summary: 'sync OutOfSync, health Progressing (Waiting for rollout), last sync Running: waiting for healthy state of apps/Deployment/x',
    });
  });
});
