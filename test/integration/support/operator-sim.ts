import type { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/model/kube-object.js';
import { runPods, waitFor } from './kubelet.js';

/**
 * An operator install as the cluster sees it: a Deployment shaped like the upstream chart's. The
 * real kube-controller-manager makes its ReplicaSet and Pods and computes its status; the test
 * plays only the kubelet (support/kubelet.ts), marking the Pods ready or not.
 */
export interface OperatorSimOptions {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
  readonly replicas?: number;
}

const FIELD_MANAGER = 'operator-sim';

function deploymentRef(o: OperatorSimOptions): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: o.name, namespace: o.namespace } };
}

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
}

interface DeploymentStatus {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; replicas?: number; readyReplicas?: number; conditions?: Array<{ type: string; status: string }> };
}

/**
 * Plays the kubelet for the operator's Pods (Running, Ready or not), then waits until the real
 * deployment controller has computed the Deployment's availability from them.
 */
export async function setOperatorReady(client: KubeClient, o: OperatorSimOptions, ready: boolean): Promise<void> {
  const replicas = o.replicas ?? 1;
  await runPods(client, o.namespace, deploymentRef(o), { ready, count: replicas });
  await waitFor(`the deployment controller to report ${o.namespace}/${o.name} ${ready ? 'available' : 'unavailable'}`, async () => {
    const d = await client.get<DeploymentStatus>(deploymentRef(o));
    const s = d?.status;
    const available = s?.conditions?.find((c) => c.type === 'Available')?.status;
    const settled = s?.observedGeneration === d?.metadata.generation && s?.replicas === replicas && (s?.readyReplicas ?? 0) === (ready ? replicas : 0);
    return settled && available === (ready ? 'True' : 'False') ? true : undefined;
  });
}
