import { ForbiddenError } from '../kube/api-error.js';
import type { KubeApi } from '../kube/kube-api.js';
import type { RuntimeInfo } from '../runtimes/registry.js';

export interface Deployment {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string> };
  readonly spec?: {
    readonly selector?: { readonly matchLabels?: Record<string, string> };
    readonly template?: { readonly spec?: { readonly containers?: ReadonlyArray<{ readonly name: string; readonly image?: string }> } };
  };
  readonly status?: unknown;
}

/** The pods an operator Deployment selects (its matchLabels). */
export async function operatorPods(kube: KubeApi, d: Deployment): Promise<unknown[]> {
  return podsOf(kube, d);
}

export type OperatorLookup =
  | { readonly found: true; readonly deployment: Deployment }
  | { readonly found: false; readonly searched: string }
  | { readonly found: 'forbidden'; readonly permission: string; readonly user?: string };

/**
 * Finds a runtime's operator Deployment by the registry's label selectors: in `namespace`
 * when given, else across the cluster, falling back to the runtime's usual namespace when
 * listing cluster-wide is forbidden.
 */
export async function findOperator(kube: KubeApi, info: RuntimeInfo, namespace?: string): Promise<OperatorLookup> {
  const scopes = namespace ? [namespace] : [undefined, info.defaultNamespace];
  let forbidden: ForbiddenError | undefined;
  for (const ns of scopes) {
    try {
      for (const selector of info.operatorSelectors) {
        const found = (await kube.list<Deployment>('apps/v1', 'Deployment', { namespace: ns, labelSelector: selector })) ?? [];
        const deployment = found.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))[0];
        if (deployment) return { found: true, deployment };
      }
      return { found: false, searched: `${ns ? `namespace ${ns}` : 'all namespaces'} for ${info.operatorSelectors.join(' or ')}` };
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      forbidden = e;
    }
  }
  return {
    found: 'forbidden',
    permission: forbidden?.permission ?? 'list deployments.apps cluster-wide',
    ...(forbidden?.user ? { user: forbidden.user } : {}),
  };
}

async function podsOf(kube: KubeApi, d: Deployment): Promise<unknown[]> {
  const labels = d.spec?.selector?.matchLabels ?? {};
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  if (!selector) return [];
  return (await kube.list('v1', 'Pod', { namespace: d.metadata.namespace, labelSelector: selector })) ?? [];
}

/** Operator version: the `app.kubernetes.io/version` label, else the tag of the operator image. */
export function operatorVersion(d: Deployment, info: RuntimeInfo): string | null {
  const label = d.metadata.labels?.['app.kubernetes.io/version'];
  if (label) return label.replace(/^v/, '');
  const containers = d.spec?.template?.spec?.containers ?? [];
  const container = containers.find((c) => c.image?.includes(info.operatorImageHint)) ?? containers[0];
  const image = container?.image;
  if (!image || image.includes('@')) return null;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 ? null : last.slice(colon + 1).replace(/^v/, '');
}
