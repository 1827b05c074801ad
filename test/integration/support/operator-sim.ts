import type { KubeClient } from '../../../src/kube/kube-client.js';
import { applyStatus } from './status-writer.js';

/**
 * Plays an operator install in a cluster without a kubelet: a Deployment shaped like the
 * upstream chart's, its pods, and their status written through the status subresource.
 */
export interface OperatorSimOptions {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
  readonly replicas?: number;
}

const FIELD_MANAGER = 'operator-sim';
const T = '2026-11-01T10:00:00Z';

export async function createOperatorDeployment(client: KubeClient, o: OperatorSimOptions): Promise<void> {
  const selector = { 'app.kubernetes.io/name': o.labels['app.kubernetes.io/name'] ?? o.name };
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace } }, { fieldManager: FIELD_MANAGER });
  await client.apply(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } },
      spec: {
        replicas: o.replicas ?? 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: { containers: [{ name: 'manager', image: o.image }] },
        },
      },
    },
    { fieldManager: FIELD_MANAGER },
  );
  for (let i = 0; i < (o.replicas ?? 1); i++) {
    await client.apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${o.name}-pod-${i}`, namespace: o.namespace, labels: selector },
        spec: { containers: [{ name: 'manager', image: o.image }] },
      },
      { fieldManager: FIELD_MANAGER },
    );
  }
}

/** Writes Deployment availability and pod readiness as a kubelet and controller-manager would. */
export async function setOperatorReady(client: KubeClient, o: OperatorSimOptions, ready: boolean): Promise<void> {
  const status = ready ? 'True' : 'False';
  const replicas = o.replicas ?? 1;
  await applyStatus(
    client,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: o.name, namespace: o.namespace },
      status: {
        observedGeneration: 1,
        replicas,
        readyReplicas: ready ? replicas : 0,
        availableReplicas: ready ? replicas : 0,
        conditions: [
          {
            type: 'Available',
            status,
            reason: ready ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
            message: ready ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
            lastTransitionTime: T,
            lastUpdateTime: T,
          },
        ],
      },
    },
    FIELD_MANAGER,
  );
  for (let i = 0; i < replicas; i++) {
    await applyStatus(
      client,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${o.name}-pod-${i}`, namespace: o.namespace },
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Ready', status, lastTransitionTime: T },
            { type: 'ContainersReady', status, lastTransitionTime: T },
          ],
        },
      },
      FIELD_MANAGER,
    );
  }
}
