// What a GitOps install of a runtime's operator does to a cluster, played by the test: the test
// cluster runs no Flux, no Argo CD and no kubelet. Everything an installer's controllers would
// do is in this one file, so it can switch to real controllers step by step: today the operator
// Deployment's availability and its Pods' readiness are written by operator-sim.ts; with a real
// deployment controller in the test cluster, startOperator() creates the Deployment and lets a
// kubelet helper make its Pods ready instead, and nothing else changes.
import type { KubeClient } from '../../../src/kube/kube-client.js';
import { findCondition } from '../../../src/readiness/conditions.js';
import { runtimeInfo, type RuntimeId } from '../../../src/runtimes/registry.js';
import type { CustomResourceDefinition } from '../../../src/schema/crd-store.js';
import { installCrds, runtimeCrds } from './crds.js';
import { createOperatorDeployment, type OperatorSimOptions, setOperatorReady } from './operator-sim.js';
import { applyStatus } from './status-writer.js';

const FIELD_MANAGER = 'install-play';
const T = '2026-11-01T10:00:00Z';

/**
 * Stand-ins for the GitOps kinds a stack's RuntimeOperator renders, so the API server serves
 * them (the test cluster has neither Flux nor Argo CD, and their CRDs are not among the upstream
 * CRDs in ../shared/crds). Group, version, kind and plural are the upstream ones (Flux
 * source-controller HelmRepository source.toolkit.fluxcd.io/v1, helm-controller HelmRelease
 * helm.toolkit.fluxcd.io/v2, Argo CD Application argoproj.io/v1alpha1); the schema is not: it
 * keeps any field, so these stand-ins check nothing about the objects' specs.
 */
const GITOPS_KINDS = [
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmRepository', plural: 'helmrepositories' },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease', plural: 'helmreleases' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', plural: 'applications' },
] as const;

function standIn(k: (typeof GITOPS_KINDS)[number]): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${k.group}` },
    spec: {
      group: k.group,
      scope: 'Namespaced',
      names: { kind: k.kind, plural: k.plural, singular: k.kind.toLowerCase(), listKind: `${k.kind}List` },
      versions: [
        {
          name: k.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  } as unknown as CustomResourceDefinition;
}

/** Makes the cluster serve HelmRepository, HelmRelease and Application (see GITOPS_KINDS), and creates Argo CD's namespace. */
export async function serveGitOpsKinds(client: KubeClient): Promise<void> {
  await installCrds(client, GITOPS_KINDS.map(standIn));
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

/** Step 3, Flux only: the HelmRelease's status as helm-controller writes it once the release is installed. */
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
 * for: CRDs, operator, then the HelmRelease reported Ready.
 */
export async function playFluxInstall(client: KubeClient, runtime: RuntimeId, release: { namespace: string; name: string }): Promise<void> {
  await installRuntimeCrds(client, runtime);
  await startOperator(client, runtime, release.namespace);
  await markHelmReleaseReady(client, release.namespace, release.name);
}

/** Whether the HelmRelease has the Ready condition True (what the play writes last). */
export function helmReleaseReady(live: unknown): boolean {
  return findCondition(live, 'Ready')?.status === 'True';
}
