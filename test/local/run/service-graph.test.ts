import { isModelstackError, ModelstackError } from '../../../src/errors.js';
import type { Dependency } from '../../../src/local/run/compose-model.js';
import { runServiceGraph, StoppedWaiting } from '../../../src/local/run/service-graph.js';
import { rejection } from '../../support/thrown.js';

interface Node {
  readonly service: string;
  readonly dependsOn: readonly Dependency[];
}

const healthy = (service: string): Dependency => ({ service, condition: 'service_healthy' });
const node = (service: string, ...dependsOn: Dependency[]): Node => ({ service, dependsOn });

/** Steps that record when each service starts and becomes ready; `fail` makes a service's readiness fail. */
function recorder(fail: Record<string, Error> = {}) {
  const events: string[] = [];
  return {
    events,
    steps: {
      start: async (n: Node) => {
        events.push(`start ${n.service}`);
        return n.service;
      },
      ready: async (n: Node, started: string) => {
        await new Promise((r) => setTimeout(r, 5));
        if (fail[n.service]) throw fail[n.service];
        events.push(`ready ${started}`);
        return n.service.toUpperCase();
      },
      completed: async () => {},
    },
  };
}

const opts = () => ({ signal: new AbortController().signal, failFast: new AbortController() });

describe('runServiceGraph', () => {
  test('waves: independent services start together, a dependent starts after its dependencies are ready; results in node order', async () => {
    const r = recorder();
    const out = await runServiceGraph([node('a'), node('b'), node('front', healthy('a'), healthy('b'))], r.steps, opts());
    expect(out).toEqual(['A', 'B', 'FRONT']);
    expect(r.events.slice(0, 2)).toEqual(['start a', 'start b']);
    expect(r.events.indexOf('start front')).toBeGreaterThan(Math.max(r.events.indexOf('ready a'), r.events.indexOf('ready b')));
  });

  test('a failed service: its dependents are not started; one error with the root failure first, the fail-fast signal aborted', async () => {
    const r = recorder({ a: new ModelstackError('LOCAL', 'service a broke') });
    const o = opts();
    const e = await rejection(runServiceGraph([node('a'), node('b', healthy('a'))], r.steps, o));
    expect(e.message).toBe('service a broke');
    expect(e.details).toEqual(['service b was not started: a did not become ready']);
    expect(r.events).not.toContain('start b');
    expect(o.failFast.signal.reason).toBeInstanceOf(StoppedWaiting);
  });

  test('a plain error is named after its service', async () => {
    const r = recorder({ a: new Error('boom'), b: new Error('bang') });
    const e = await rejection(runServiceGraph([node('a'), node('b')], r.steps, opts()));
    expect(isModelstackError(e)).toBe(true);
    expect(e.message).toBe('service a: boom');
    expect(e.details).toEqual(['service b: bang']);
  });

  test('service_completed_successfully waits for the completion step', async () => {
    const r = recorder();
    const steps = { ...r.steps, completed: async (n: Node) => void r.events.push(`completed ${n.service}`) };
    await runServiceGraph([node('init'), node('app', { service: 'init', condition: 'service_completed_successfully' })], steps, opts());
    expect(r.events.indexOf('start app')).toBeGreaterThan(r.events.indexOf('completed init'));
  });

  test("the caller's abort wins over the failures", async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    const r = recorder({ a: new Error('boom') });
    await expect(runServiceGraph([node('a')], r.steps, { signal: controller.signal, failFast: new AbortController() })).rejects.toThrow('interrupted');
  });
});
