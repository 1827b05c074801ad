import type { JsonSchemaProps } from '../../src/schema/crd-store.js';
import { crdStoreOf } from '../../src/schema/crd-store.js';
import { validateAgainstSchema } from '../../src/schema/validate.js';
import { applicationState, helmReleaseState } from '../../src/readiness/install-state.js';
import { GITOPS_CRD_SOURCES, gitOpsCrdsOrSkip } from '../support/gitops-crds.js';

// Status shapes as the controllers write them: Flux helm-controller HelmRelease v2 conditions
// (fluxcd.io/flux/components/helm/helmreleases/, "Conditions"), Argo CD ApplicationStatus
// (argo-cd.readthedocs.io, Application sync/health/operationState). Each is checked against the
// real CRDs' status schemas below (helm-controller v1.4.0, Argo CD v3.1.0: GITOPS_CRD_SOURCES).
const T = '2026-11-01T10:00:00Z';
const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: T });
const syncOperation = { sync: { revision: '1.7.0' }, initiatedBy: { automated: true } };

const HELM_RELEASE_STATUSES = {
  reconciling: {
    conditions: [condition('Reconciling', 'True', 'Progressing', 'Running install'), condition('Ready', 'Unknown', 'Progressing', 'Running install')],
  },
  stalled: {
    conditions: [condition('Stalled', 'True', 'RetriesExceeded', 'Failed to install after 1 attempt(s)'), condition('Ready', 'False', 'InstallFailed', 'x')],
  },
};

const APPLICATION_STATUSES = {
  progressing: {
    sync: { status: 'OutOfSync' },
    health: { status: 'Progressing', message: 'Waiting for rollout' },
    operationState: { operation: syncOperation, phase: 'Running', message: 'waiting for healthy state of apps/Deployment/x', startedAt: T },
  },
  syncFailed: {
    sync: { status: 'OutOfSync' },
    health: { status: 'Missing' },
    operationState: {
      operation: syncOperation,
      phase: 'Failed',
      message: 'one or more objects failed to apply, reason: namespaces "kuberay-system" is forbidden',
      startedAt: T,
      finishedAt: T,
    },
  },
  syncError: {
    sync: { status: 'Unknown' },
    health: { status: 'Unknown' },
    operationState: { operation: syncOperation, phase: 'Error', message: 'chart kuberay-operator version 9.9.9 not found', startedAt: T, finishedAt: T },
  },
  degraded: {
    sync: { status: 'Synced' },
    health: { status: 'Degraded', message: 'Deployment "kuberay-operator" exceeded its progress deadline', lastTransitionTime: T },
    operationState: { operation: syncOperation, phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt: T, finishedAt: T },
  },
};

describe('helmReleaseState', () => {
  test('no status: Flux has not looked at it (is the helm-controller running?)', () => {
    expect(helmReleaseState({ metadata: { name: 'x' } })).toEqual({
      stalled: false,
      summary: 'not reconciled by Flux yet (no Ready condition: is the Flux helm-controller running in the cluster?)',
    });
    expect(helmReleaseState(undefined)).toEqual({ stalled: false, summary: 'not found in the cluster' });
  });

  test('Ready=False while reconciling carries the reason and message', () => {
    expect(helmReleaseState({ status: HELM_RELEASE_STATUSES.reconciling })).toEqual({
      stalled: false,
      summary: 'Ready=Unknown Progressing: Running install, reconciling',
    });
  });

  test('Stalled=True: Flux stopped retrying', () => {
    expect(helmReleaseState({ status: HELM_RELEASE_STATUSES.stalled })).toEqual({
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

  test('sync, health and the last sync operation while it installs', () => {
    expect(applicationState({ status: APPLICATION_STATUSES.progressing })).toEqual({
      stalled: false,
      summary: 'sync OutOfSync, health Progressing (Waiting for rollout), last sync Running: waiting for healthy state of apps/Deployment/x',
    });
  });

  test("a sync that ended Failed or Error is a failed install, with the Application's own message", () => {
    expect(applicationState({ status: APPLICATION_STATUSES.syncFailed })).toEqual({
      stalled: true,
      summary: 'Argo CD could not install it (last sync Failed: one or more objects failed to apply, reason: namespaces "kuberay-system" is forbidden)',
    });
    expect(applicationState({ status: APPLICATION_STATUSES.syncError })).toEqual({
      stalled: true,
      summary: 'Argo CD could not install it (last sync Error: chart kuberay-operator version 9.9.9 not found)',
    });
  });

  test('a Degraded application is a failed install even after a successful sync, with the health message', () => {
    expect(applicationState({ status: APPLICATION_STATUSES.degraded })).toEqual({
      stalled: true,
      summary: 'Argo CD could not install it (health Degraded (Deployment "kuberay-operator" exceeded its progress deadline))',
    });
  });
});

const SUITE = 'the status shapes above match the real Flux and Argo CD CRDs';
(gitOpsCrdsOrSkip(SUITE) ? describe : describe.skip)(SUITE, () => {
  const statusSchema = (apiVersion: string, kind: string): JsonSchemaProps => {
    const store = crdStoreOf(gitOpsCrdsOrSkip(SUITE)!.crds);
    const schema = store.schemaFor(apiVersion, kind)?.properties?.status;
    if (!schema) throw new Error(`no status schema for ${apiVersion} ${kind} in ${GITOPS_CRD_SOURCES.map((s) => `${s.module}@${s.version}`).join(', ')}`);
    return schema;
  };

  test.each(Object.entries(HELM_RELEASE_STATUSES))('HelmRelease status %s (helm-controller v1.4.0)', (_name, status) => {
    expect(validateAgainstSchema(status, statusSchema('helm.toolkit.fluxcd.io/v2', 'HelmRelease'))).toEqual([]);
  });

  test.each(Object.entries(APPLICATION_STATUSES))('Application status %s (Argo CD v3.1.0)', (_name, status) => {
    expect(validateAgainstSchema(status, statusSchema('argoproj.io/v1alpha1', 'Application'))).toEqual([]);
  });

  test('the checks can fail: a field the real schema lacks, a condition without its required fields', () => {
    expect(validateAgainstSchema({ operationState: { phase: 'Failed' } }, statusSchema('argoproj.io/v1alpha1', 'Application')).length).toBeGreaterThan(0);
    expect(
      validateAgainstSchema({ conditions: [{ type: 'Ready', status: 'True' }] }, statusSchema('helm.toolkit.fluxcd.io/v2', 'HelmRelease')).length,
    ).toBeGreaterThan(0);
  });
});
