import type { ModelPhase } from '../readiness/model-state.js';

/** Argo CD's resource health statuses that a model can be in (Argo CD docs, "Resource Health"). */
export type ArgoHealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Unknown';

/** The three outcomes of Flux's healthCheckExprs (kustomize-controller, Kustomization API v1). */
export type FluxOutcome = 'current' | 'inProgress' | 'failed';

/**
 * Which Argo CD health status each phase is. Pending, Deploying and Upgrading are on their way
 * (Progressing); Unhealthy and Failed need someone (Degraded).
 */
export const ARGOCD_STATUS: Readonly<Record<ModelPhase, ArgoHealthStatus>> = {
  Ready: 'Healthy',
  Pending: 'Progressing',
  Deploying: 'Progressing',
  Upgrading: 'Progressing',
  Unhealthy: 'Degraded',
  Failed: 'Degraded',
  Unknown: 'Unknown',
};

/**
 * Which Flux outcome each phase is. Flux has no "unknown": an object no expression matches is
 * InProgress, so Unknown waits like Deploying (until the Kustomization's timeout).
 */
export const FLUX_OUTCOME: Readonly<Record<ModelPhase, FluxOutcome>> = {
  Ready: 'current',
  Pending: 'inProgress',
  Deploying: 'inProgress',
  Upgrading: 'inProgress',
  Unknown: 'inProgress',
  Unhealthy: 'failed',
  Failed: 'failed',
};
