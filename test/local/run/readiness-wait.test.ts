import { silentIoHost } from '../../../src/io/io-host.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { waitCompleted, waitReady, type WaitContext } from '../../../src/local/run/readiness-wait.js';
import { planProject } from '../../../src/local/run/run-plan.js';
import { rejection } from '../../support/thrown.js';
import { FakeEngine, HealthServers } from './fake-engine.js';

const servers = new HealthServers();
afterEach(() => servers.close());

const YAML = `
name: demo
services:
  api:
    image: img
    ports: ["127.0.0.1::8080"]
    x-modelstack: {model: m, role: worker, health: {port: 8080, path: /healthz}}
  job:
    image: img
`;

function context(engine: FakeEngine, timeoutMs = 5000): WaitContext {
  const started = Date.now();
  return { engine, io: silentIoHost, started, deadline: started + timeoutMs, interval: 20, signal: new AbortController().signal };
}

async function started(answer: (n: number) => { status: number; body?: string }) {
  const server = await servers.start(answer);
  const engine = new FakeEngine(() => server.port);
  const plan = planProject(loadComposeText(YAML), { stateDir: '/nonexistent-state' });
  for (const s of plan.services) await engine.run(s.spec);
  const service = (name: string) => plan.services.find((s) => s.service === name)!;
  return { engine, server, service };
}

describe('waitReady', () => {
  test('probes the published health endpoint until it answers ready', async () => {
    const { engine, server, service } = await started((n) => (n < 3 ? { status: 503 } : { status: 200, body: '{"status":"healthy"}' }));
    const r = await waitReady(context(engine), service('api'));
    expect(r.url).toBe(`http://127.0.0.1:${server.port}/healthz`);
    expect(server.requests()).toBe(3);
    expect(r.ports).toEqual([{ containerPort: 8080, hostPort: server.port, hostIp: '127.0.0.1', protocol: 'tcp' }]);
  });

  test('without a health check a running container is ready', async () => {
    const { engine, service } = await started(() => ({ status: 200 }));
    expect(await waitReady(context(engine), service('job'))).toMatchObject({ readyAfterMs: expect.any(Number) });
  });

  test('TIMEOUT with the last probe', async () => {
    const { engine, service } = await started(() => ({ status: 503 }));
    const e = await rejection(waitReady(context(engine, 100), service('api')));
    expect(e.code).toBe('TIMEOUT');
    expect(e.details[0]).toMatch(/^last probe: GET http:\/\/127\.0\.0\.1:\d+\/healthz: HTTP 503/);
  });
});

describe('waitCompleted', () => {
  test('exit code 0 completes; another exit code fails with the last log lines', async () => {
    const { engine, service } = await started(() => ({ status: 200 }));
    engine.exit('demo-job', 0);
    await waitCompleted(context(engine), service('job'));
    engine.exit('demo-job', 2);
    engine.logLines.set('demo-job', ['oops']);
    const e = await rejection(waitCompleted(context(engine), service('job')));
    expect(e.message).toBe('service job exited with code 2');
    expect(e.details).toEqual(['last log lines:', '  oops']);
  });
});
