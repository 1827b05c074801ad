// Writing status as an operator or kubelet would, for tests that play one. Production code
// never writes status, so this lives with the tests, on KubeClient's generic request.
import { PatchStrategy } from '@kubernetes/client-node';
import type { KubeObjectLike } from '../../../src/kube/kube-api.js';
import { KubeClient } from '../../../src/kube/kube-client.js';

/** Server-side apply (forced) of `o`'s status to the status subresource, as `fieldManager`. */
export async function applyStatus<T = Record<string, unknown>>(client: KubeClient, o: KubeObjectLike, fieldManager: string): Promise<T> {
  const { r, path, namespace } = await client.objectPath(o, 'status');
  return client.request<T>({
    method: 'PATCH',
    path,
    query: { fieldManager, force: 'true' },
    body: o,
    contentType: PatchStrategy.ServerSideApply,
    verb: 'patch',
    resource: `${KubeClient.resourceName(r)}/status`,
    namespace,
  });
}
