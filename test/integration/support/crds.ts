import { KubeClient } from '../../../src/kube/kube-client.js';
import { findCondition } from '../../../src/readiness/conditions.js';
import { allRuntimes } from '../../../src/runtimes/registry.js';
import { type CustomResourceDefinition, loadCrds } from '../../../src/schema/crd-store.js';
import { resolveCrdsDir } from '../../../src/schema/crds-dir.js';

let cached: Promise<CustomResourceDefinition[]> | undefined;

const MONITORING_CRDS = ['podmonitors.monitoring.coreos.com', 'servicemonitors.monitoring.coreos.com'];

/** The real upstream CRDs the runtime registry needs (read from ../shared/crds, never copied). */
export function runtimeCrds(): Promise<CustomResourceDefinition[]> {
  cached ??= (async () => {
    // Plus prometheus-operator's scrape objects (metrics: { podMonitor | serviceMonitor }).
    const names = new Set([...allRuntimes().flatMap((r) => r.crdNames), ...MONITORING_CRDS]);
    const store = await loadCrds(resolveCrdsDir(), {
      include: (p) => [...names].some((n) => p.endsWith(`${n.split('.').slice(1).join('.')}_${n.split('.')[0]}.yaml`)),
    });
    return store.crds.filter((c) => names.has(c.metadata.name));
  })();
  return cached;
}

/** Installs CRDs by server-side apply (they exceed the last-applied annotation limit) and waits for Established. */
export async function installCrds(client: KubeClient, crds: readonly CustomResourceDefinition[], timeoutMs = 60_000): Promise<void> {
  for (const crd of crds) await client.apply(crd, { fieldManager: 'modelstack-test', force: true });
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const live = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: crd.metadata.name } });
      if (findCondition(live, 'Established')?.status === 'True') break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client.resetDiscovery();
}
