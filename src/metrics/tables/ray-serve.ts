import type { ConceptTable } from '../concepts.js';

const SOURCE = 'Ray docs "Monitoring Ray Serve" > Built-in Ray Serve metrics (ray-project/ray doc/source/serve/monitoring.md)';

/**
 * Ray Serve's proxy metrics (`ray_serve_*`), served by Ray's metrics agent on each node's metrics
 * export port (8080 on a KubeRay head). An error is a non-200 HTTP response.
 */
export const RAY_SERVE: ConceptTable = {
  name: 'Ray Serve (ray_serve_*)',
  entries: [
    { concept: 'requestsRunning', reading: { kind: 'gauge', metric: 'ray_serve_num_ongoing_http_requests', aggregate: 'sum' }, source: SOURCE },
    { concept: 'requestsWaiting', reading: { kind: 'gauge', metric: 'ray_serve_deployment_queued_queries', aggregate: 'sum' }, source: SOURCE },
    { concept: 'requestRate', reading: { kind: 'rate', metric: 'ray_serve_num_http_requests_total' }, source: SOURCE },
    {
      concept: 'errorRate',
      reading: {
        kind: 'ratio',
        numerator: { metric: 'ray_serve_num_http_error_requests_total' },
        denominator: { metric: 'ray_serve_num_http_requests_total' },
      },
      source: `${SOURCE}; non-200 responses over all`,
    },
  ],
};
