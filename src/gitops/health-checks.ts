import { allAdapters } from '../runtimes/adapters.js';
import { argocdHealthScript } from './argocd-health.js';
import { type FluxHealthExprs, fluxHealthExprs } from './flux-health.js';

/** The GitOps health checks of one model kind, both generated from its runtime's PhaseRules. */
export interface ModelKindHealthChecks {
  readonly runtime: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly argocd: {
    /** The argocd-cm data key: resource.customizations.health.<group>_<kind>. */
    readonly key: string;
    readonly script: string;
  };
  readonly flux: FluxHealthExprs & { readonly apiVersion: string; readonly kind: string };
}

/** Health checks for every runtime's model kind, in registry order. */
export function gitopsHealthChecks(): ModelKindHealthChecks[] {
  return allAdapters().map((adapter) => {
    const { group, version, kind } = adapter.info.model;
    return {
      runtime: adapter.info.id,
      group,
      version,
      kind,
      argocd: { key: `resource.customizations.health.${group}_${kind}`, script: argocdHealthScript(kind, adapter.phaseRules) },
      flux: { apiVersion: `${group}/${version}`, kind, ...fluxHealthExprs(adapter.phaseRules) },
    };
  });
}
