// What a GitOps install of a runtime's operator does to a cluster, played by the test: the test
// cluster runs no Flux, no Argo CD and no kubelet. Everything an installer's controllers would
// do is in this one file, so it can switch to real controllers step by step: today the operator
// Deployment's availability and its Pods' readiness are written by operator-sim.ts; with a real
// deployment controller in the test cluster, startOperator() creates the Deployment and lets a
// kubelet helper make its Pods ready instead, and nothing else changes.
import type { KubeClient } from '../../../src/kube/kube-client.js';
import { findCondition } from '../../../src/readiness/conditions.js';
import { runtimeInfo, type RuntimeId } from '../../../src/runtimes/registry.js';
import { gitOpsCrds } from '../../support/gitops-crds.js';
import { installCrds, runtimeCrds } from './crds.js';
import { createOperatorDeployment, type OperatorSimOptions, setOperatorReady } from './operator-sim.js';
import { applyStatus } from './status-writer.js';

const FIELD_MANAGER = 'install-play';
const T = '2026-11-01T10:00:00Z';

/**
 * Makes the cluster serve HelmRepository, HelmRelease and Application with their real upstream
 * CRDs (pinned Flux and Argo CD releases, see test/support/gitops-crds.ts: the test cluster has
 * neither Flux nor Argo CD, and these CRDs are not in ../shared/crds), so the API server checks
 * what a stack renders for them; and creates Argo CD's namespace.
 */
export async function serveGitOpsKinds(client: KubeClient): Promise<void> {
  await installCrds(client, gitOpsCrds().crds);
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } }, { fieldManager: FIELD_MANAGER });
}

/** The operator Deployment the runtime's upstream chart installs, as operator-sim plays it. */
export function operatorOf(runtime: RuntimeId, namespace?: string): OperatorSimOptions {
  const info = runtimeInfo(runtime);
  const name = info.operatorSelectors[0]!.split('=')[1]!;
  return {
    namespace: namespace ?? info.defaultNamespace,
    name,
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/version': info.defaultOperatorVersion },
    image: `example.io/${info.operatorImageHint}:v${info.defaultOperatorVersion}`,
  };
}

/** Step 1 of an install: the chart's CRDs (the real upstream ones), Established. */
export async function installRuntimeCrds(client: KubeClient, runtime: RuntimeId): Promise<void> {
  const names = new Set(runtimeInfo(runtime).crdNames);
  await installCrds(
    client,
    (await runtimeCrds()).filter((c) => names.has(c.metadata.name)),
  );
}

/** Step 2: the operator Deployment, then its availability (today written by operator-sim). */
export async function startOperator(client: KubeClient, runtime: RuntimeId, namespace?: string): Promise<void> {
  const op = operatorOf(runtime, namespace);
  await createOperatorDeployment(client, op);
  await setOperatorReady(client, op, true);
}

/**
 * Step 3, Flux only: the HelmRepository's status as source-controller writes it once it fetched
 * the chart index. Shape: source-controller v1.7.0 HelmRepository CRD (status.conditions,
 * observedGeneration, url). Without a status write the API server fills in the CRD's status
 * default (observedGeneration -1) on the next write of the object, which an apply would see as
 * a change.
 */
export async function markHelmRepositoryReady(client: KubeClient, namespace: string, name: string): Promise<void> {
  await applyStatus(
    client,
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { namespace, name },
      status: {
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact: revision sha256:0', lastTransitionTime: T }],
      },
    },
    FIELD_MANAGER,
  );
}

/** Step 4, Flux only: the HelmRelease's status as helm-controller writes it once the release is installed. */
export async function markHelmReleaseReady(client: KubeClient, namespace: string, name: string): Promise<void> {
  await applyStatus(
    client,
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { namespace, name },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: 'Helm install succeeded', lastTransitionTime: T },
          { type: 'Released', status: 'True', reason: 'InstallSucceeded', message: 'Helm install succeeded', lastTransitionTime: T },
        ],
      },
    },
    FIELD_MANAGER,
  );
}

/**
 * Plays a whole Flux install of `runtime` that a stack's HelmRelease `namespace/name` asked
 * for: the HelmRepository fetched (the stack's, beside the release), CRDs, operator, then the
 * HelmRelease reported Ready.
 */
export async function playFluxInstall(client: KubeClient, runtime: RuntimeId, release: { namespace: string; name: string }): Promise<void> {
  await markHelmRepositoryReady(client, release.namespace, runtimeInfo(runtime).chart.repoName);
  await installRuntimeCrds(client, runtime);
  await startOperator(client, runtime, release.namespace);
  await markHelmReleaseReady(client, release.namespace, release.name);
}

/** Whether the HelmRelease has the Ready condition True (what the play writes last). */
export function helmReleaseReady(live: unknown): boolean {
  return findCondition(live, 'Ready')?.status === 'True';
}

/**
 * An Argo CD sync of Application `namespace/name` that failed, as the application controller
 * writes it: on the Application itself (Argo CD v3.1.0's Application CRD has no status
 * subresource), operationState phase Failed with `message`, the app OutOfSync and Missing.
 * Status shape: Argo CD v3.1.0 manifests/crds/application-crd.yaml (operationState requires
 * operation, phase and startedAt).
 */
export async function failArgoSync(client: KubeClient, namespace: string, name: string, message: string): Promise<void> {
  await client.apply(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { namespace, name },
      status: {
        sync: { status: 'OutOfSync' },
        health: { status: 'Missing', lastTransitionTime: T },
        operationState: {
          operation: { sync: { revision: runtimeInfo('kuberay').defaultOperatorVersion }, initiatedBy: { automated: true } },
          phase: 'Failed',
          message,
          startedAt: T,
          finishedAt: T,
        },
      },
    },
    { fieldManager: 'argocd-application-controller', force: true },
  );
}
