// The health probes run for real: python3 (as in the engine images) against a local HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { Model, secretKey } from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { httpHealthcheck, type ProbeKind, probeScript } from '../../../src/local/compose/healthcheck.js';
import { services, stacksOf } from './compose-fixtures.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const routes: Record<string, [number, string]> = {
      '/health': [200, '{"status":"healthy","endpoints":["dyn://dynamo.backend.generate"]}'],
      '/starting': [200, '{"status":"unhealthy","message":"No endpoints available","instances":[]}'],
      '/notready': [503, '{"status":"notready"}'],
      '/plain': [200, 'OK'],
    };
    const [status, body] = routes[req.url ?? ''] ?? [404, 'not found'];
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function probe(path: string, kind: ProbeKind): Promise<number> {
  const r = await execa('python3', ['-c', probeScript({ port, path }, kind)], { reject: false, timeout: 15_000 });
  return r.exitCode ?? -1;
}

describe('health probes', () => {
  test('status probe: 2xx passes, 503 and 404 fail', async () => {
    expect(await probe('/plain', 'status')).toBe(0);
    expect(await probe('/health', 'status')).toBe(0);
    expect(await probe('/notready', 'status')).not.toBe(0);
    expect(await probe('/missing', 'status')).not.toBe(0);
  });

  test('Dynamo frontend probe: passes only when the frontend reports status "healthy"', async () => {
    expect(await probe('/health', 'dynamo-frontend')).toBe(0);
    expect(await probe('/starting', 'dynamo-frontend')).not.toBe(0);
    expect(await probe('/plain', 'dynamo-frontend')).not.toBe(0);
  });

  test('a closed port fails', async () => {
    const r = await execa('python3', ['-c', probeScript({ port: 1, path: '/health' }, 'status')], { reject: false, timeout: 15_000 });
    expect(r.exitCode).not.toBe(0);
  });

  test('the compose healthcheck runs exactly that probe, without a shell', () => {
    const hc = httpHealthcheck({ port: 9090, path: '/health' }, 'status', 'model');
    expect(hc.test).toEqual(['CMD', 'python3', '-c', probeScript({ port: 9090, path: '/health' }, 'status')]);
    expect(hc.test.join(' ')).not.toContain('$');
  });

  test('every generated service probes its own x-modelstack health endpoint', () => {
    const stacks = stacksOf((s) => {
      new Model(s, 'dyn', { runtime: 'dynamo', model: 'm/m', mode: 'disaggregated', hfTokenSecret: secretKey('t', 'k') });
      new Model(s, 'ray', { runtime: 'kuberay', model: 'm/m' });
    });
    for (const flavor of ['runtime', 'engine'] as const) {
      for (const [name, svc] of services(buildCompose(stacks, { flavor }))) {
        const health = svc['x-modelstack'].health!;
        const kind: ProbeKind = name === 'dyn-frontend' ? 'dynamo-frontend' : 'status';
        expect(svc.healthcheck?.test[3]).toBe(probeScript(health, kind));
      }
    }
  });
});
