import type { ComposeHealthcheck, HealthEndpoint } from './compose-types.js';

/**
 * How a health probe judges the response. "status": any 2xx. "dynamo-frontend": 2xx and a JSON
 * body whose `status` is "healthy" (the frontend answers 200 with status "unhealthy" while it
 * has discovered no worker, in some Dynamo versions).
 */
export type ProbeKind = 'status' | 'dynamo-frontend';

/** How long a service may take to become healthy before failed probes count. */
export type StartupClass = 'model' | 'router';

/**
 * Start periods: loading weights (and building TRT-LLM engines) can take many minutes; a
 * Dynamo frontend starts in seconds, and starts only once its workers are healthy.
 */
const START_PERIOD: Readonly<Record<StartupClass, string>> = { model: '30m', router: '2m' };

/**
 * A compose healthcheck that GETs the endpoint from inside the container with python3's
 * urllib (every engine image has python3, not all have curl). urlopen raises on non-2xx,
 * which exits non-zero.
 */
export function httpHealthcheck(endpoint: HealthEndpoint, kind: ProbeKind, startup: StartupClass): ComposeHealthcheck {
  return {
    test: ['CMD', 'python3', '-c', probeScript(endpoint, kind)],
    interval: '10s',
    timeout: '5s',
    retries: 3,
    start_period: START_PERIOD[startup],
  };
}

/** One line of Python, free of `$` and shell syntax (the test runs without a shell). */
export function probeScript(endpoint: HealthEndpoint, kind: ProbeKind): string {
  const url = `http://127.0.0.1:${endpoint.port}${endpoint.path}`;
  if (kind === 'dynamo-frontend') {
    return `import json,sys,urllib.request as u; b=json.load(u.urlopen('${url}', timeout=4)); sys.exit(0 if b.get('status') == 'healthy' else 1)`;
  }
  return `import sys,urllib.request as u; r=u.urlopen('${url}', timeout=4); sys.exit(0 if 200 <= r.status < 300 else 1)`;
}
