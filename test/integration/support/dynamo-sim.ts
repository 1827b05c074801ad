// The Dynamo operator, played: it is not available as a Go module, so integration tests that need a
// DynamoGraphDeployment to turn Ready write its status here, and only here (a real operator would
// replace this one file). Where each part of the shape comes from:
// - state "successful", observedGeneration and the Ready condition (AllComponentsReady): the
//   recorded status of a successful graph, test/readiness/recorded/dgd-successful.json;
// - components.<name>.{componentKind, replicas, updatedReplicas, readyReplicas}: the v1beta1
//   status schema of the Dynamo 1.x CRD, ../shared/crds/dynamo/nvidia.com_dynamographdeployments.yaml
//   (status.components; componentKind, replicas and updatedReplicas are required there; state is
//   an enum that includes "successful").
// The Dynamo CRDs declare a conversion webhook (served by the Dynamo operator in a real
// cluster) that nothing serves in the test cluster; tests therefore use the storage version only,
// and global setup restarts a reused cluster that stores too many graphs (cluster-setup.ts).
import type { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/model/kube-object.js';
import { recorded } from '../../readiness/load-recorded.js';
import { applyStatus } from './status-writer.js';

interface DgdSpec {
  readonly components?: ReadonlyArray<{ readonly name: string; readonly replicas?: number }>;
}

/** Marks the live graph `ref` successful and Ready, every component with all its replicas ready. */
export async function markDynamoReady(client: KubeClient, ref: KubeObject): Promise<void> {
  const live = await client.get<KubeObject & { spec?: DgdSpec; metadata: { generation?: number } }>(ref);
  if (!live) throw new Error(`markDynamoReady: ${ref.metadata.namespace}/${ref.metadata.name} does not exist`);
  const successful = recorded('dgd-successful').status as { conditions: unknown[] };
  const components = Object.fromEntries(
    (live.spec?.components ?? []).map((c) => {
      const n = c.replicas ?? 1;
      return [c.name, { componentKind: 'Deployment', replicas: n, updatedReplicas: n, readyReplicas: n }];
    }),
  );
  await applyStatus(
    client,
    {
      apiVersion: live.apiVersion,
      kind: live.kind,
      metadata: { name: live.metadata.name, namespace: live.metadata.namespace },
      status: { state: 'successful', observedGeneration: live.metadata.generation, conditions: successful.conditions, components },
    },
    'dynamo-operator',
  );
}
