import { RecordingIoHost } from '../../../src/io/io-host.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { parseScale } from '../../../src/local/run/replicas.js';
import { planProject } from '../../../src/local/run/run-plan.js';
import { up } from '../../../src/local/run/up.js';
import { FakeEngine, HealthServers } from './fake-engine.js';
import { rejection, thrown } from '../../support/thrown.js';

const servers = new HealthServers();
afterEach(() => servers.close());

/** A worker with `replicas` replicas publishing 9090 on a fixed host port and 8080 on a free one; a frontend needs them healthy. */
function project(replicas: string): string {
  return `
name: demo
services:
  worker:
    image: img-w
    ports: ["127.0.0.1:19090:9090", "127.0.0.1::8080"]
    deploy: {replicas: ${replicas}}
    x-modelstack: {model: m, role: worker, health: {port: 8080, path: /health}}
  frontend:
    image: img-f
    depends_on: {worker: {condition: service_healthy}}
`;
}

describe('deploy.replicas in the compose file', () => {
  test('is read; a bad value is an error naming the key', () => {
    expect(loadComposeText(project('3')).services.find((s) => s.name === 'worker')!.replicas).toBe(3);
    expect(loadComposeText(project('1')).warnings).toEqual([]);
    expect(() => loadComposeText(project('-1'))).toThrow('compose file: services.worker.deploy.replicas must be a whole number (0 or more)');
    expect(() => loadComposeText(project('two'))).toThrow('services.worker.deploy.replicas must be a whole number');
  });

  test('N replicas are N containers with distinct names: the first keeps <project>-<service>, the others get -2 .. -N', () => {
    const plan = planProject(loadComposeText(project('3')));
    expect(plan.services.map((s) => [s.service, s.container, s.replica])).toEqual([
      ['worker', 'demo-worker', 1],
      ['worker', 'demo-worker-2', 2],
      ['worker', 'demo-worker-3', 3],
      ['frontend', 'demo-frontend', 1],
    ]);
    // Every replica answers to the service name on the network.
    expect(plan.services.slice(0, 3).map((s) => s.spec.alias)).toEqual(['worker', 'worker', 'worker']);
  });

  test('a fixed host port stays on the first replica only; the others publish that port on a free host port', () => {
    const plan = planProject(loadComposeText(project('2')));
    const [first, second] = plan.services;
    expect(first!.spec.ports).toEqual([
      { hostIp: '127.0.0.1', hostPort: 19090, containerPort: 9090 },
      { hostIp: '127.0.0.1', containerPort: 8080 },
    ]);
    expect(second!.spec.ports).toEqual([
      { hostIp: '127.0.0.1', containerPort: 9090 },
      { hostIp: '127.0.0.1', containerPort: 8080 },
    ]);
    expect(plan.warnings).toEqual([
      'service worker: 2 replicas cannot share host port 127.0.0.1:19090: replica 1 (demo-worker) publishes it, the others publish container port 9090 on a free host port',
    ]);
  });

  test('adding a replica does not change the configuration of the ones there (they are not recreated)', () => {
    const two = planProject(loadComposeText(project('2')));
    const three = planProject(loadComposeText(project('3')));
    expect(three.services.slice(0, 2).map((s) => s.hash)).toEqual(two.services.slice(0, 2).map((s) => s.hash));
  });

  test('--scale wins over the file; 0 is refused while a planned service depends on it', () => {
    const plan = planProject(loadComposeText(project('3')), { scale: { worker: 1 } });
    expect(plan.services.map((s) => s.container)).toEqual(['demo-worker', 'demo-frontend']);
    expect(thrown(() => planProject(loadComposeText(project('1')), { scale: { worker: 0 } })).message).toBe(
      'service worker is scaled to 0, but frontend depends on it',
    );
    expect(planProject(loadComposeText(project('1')), { scale: { frontend: 0 } }).services.map((s) => s.container)).toEqual(['demo-worker']);
    expect(thrown(() => planProject(loadComposeText(project('1')), { scale: { router: 2 } })).message).toBe('--scale: no service "router" in project demo');
  });

  test('parseScale: SERVICE=N, the last one wins', () => {
    expect(parseScale(['worker=3', 'frontend=0', 'worker=2'])).toEqual({ worker: 2, frontend: 0 });
    expect(thrown(() => parseScale(['worker'])).message).toBe('--scale "worker" is not SERVICE=N');
    expect(thrown(() => parseScale(['worker=-1'])).message).toBe('--scale "worker=-1" is not SERVICE=N');
  });
});

describe('up with replicas, and --scale on a running project', () => {
  async function engineWithHealth() {
    const s = await servers.start(() => ({ status: 200 }));
    return new FakeEngine(() => s.port);
  }

  test('every replica is started and must be ready before dependents start', async () => {
    const engine = await engineWithHealth();
    const r = await up(loadComposeText(project('2')), engine, { pollIntervalMs: 20, stateDir: '/nonexistent-state' });
    // The replicas start together (in either order); the frontend only after both are ready.
    expect(engine.calls[0]).toBe('network create demo_default');
    expect(engine.calls.slice(1, 3).sort()).toEqual(['run demo-worker img-w', 'run demo-worker-2 img-w']);
    expect(engine.calls[3]).toBe('run demo-frontend img-f');
    expect(r.services.map((s) => [s.service, s.container, s.action])).toEqual([
      ['worker', 'demo-worker', 'created'],
      ['worker', 'demo-worker-2', 'created'],
      ['frontend', 'demo-frontend', 'created'],
    ]);
  });

  test('scaling up adds containers and leaves the running ones; scaling down removes the surplus, highest first', async () => {
    const engine = await engineWithHealth();
    const opts = { pollIntervalMs: 20, stateDir: '/nonexistent-state' };
    await up(loadComposeText(project('1')), engine, opts);
    engine.calls.length = 0;
    const io = new RecordingIoHost();
    const upped = await up(loadComposeText(project('1')), engine, { ...opts, scale: { worker: 3 }, io });
    expect(engine.calls.sort()).toEqual(['run demo-worker-2 img-w', 'run demo-worker-3 img-w']);
    expect(upped.services.map((s) => s.action)).toEqual(['unchanged', 'created', 'created', 'unchanged']);
    expect(upped.scaledDown).toEqual([]);

    engine.calls.length = 0;
    const down = await up(loadComposeText(project('3')), engine, { ...opts, scale: { worker: 1 }, io });
    expect(engine.calls).toEqual(['rm demo-worker-3', 'rm demo-worker-2']);
    expect(down.scaledDown).toEqual(['demo-worker-3', 'demo-worker-2']);
    expect([...engine.containers.keys()].sort()).toEqual(['demo-frontend', 'demo-worker']);
    expect(io.text('info')).toContain('worker: scaled to 1, removed demo-worker-3, demo-worker-2');
  });

  test('a scale naming an unknown service fails before anything runs', async () => {
    const engine = new FakeEngine();
    const e = await rejection(up(loadComposeText(project('1')), engine, { scale: { nope: 1 } }));
    expect(e.code).toBe('USAGE');
    expect(engine.calls).toEqual([]);
  });
});
