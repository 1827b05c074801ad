// What a client sends, for tests that count requests by kind: every request made through
// `request` (which every KubeClient operation uses), as sent; a 429 retried inside one request
// counts once.
import type { KubeClient, RequestSpec } from '../../../src/kube/kube-client.js';

/** Records each request `kube` sends from now on, in order. */
export function recordRequests(kube: KubeClient): RequestSpec[] {
  const sent: RequestSpec[] = [];
  const request = kube.request.bind(kube);
  kube.request = (spec) => {
    sent.push(spec);
    return request(spec);
  };
  return sent;
}
