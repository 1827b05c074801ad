import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { jsonStatus, probeHttp, sleep } from '../../../src/local/run/readiness.js';
import { HealthServers } from './fake-engine.js';

const servers = new HealthServers();
afterEach(() => servers.close());

describe('probeHttp', () => {
  test('2xx is ready; other statuses are not, and say so', async () => {
    const s = await servers.start((n) => (n === 1 ? { status: 503 } : { status: 200, body: 'ok' }));
    expect(await probeHttp(`http://127.0.0.1:${s.port}/health`, 2000)).toEqual({ ok: false, summary: 'HTTP 503 Service Unavailable' });
    expect(await probeHttp(`http://127.0.0.1:${s.port}/health`, 2000)).toEqual({ ok: true, summary: 'HTTP 200 OK' });
  });

  test('nothing listening: connection refused', async () => {
    const free = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    expect(await probeHttp(`http://127.0.0.1:${free}/`, 2000)).toEqual({ ok: false, summary: 'connection refused' });
  });

  test('a port that accepts and never answers (a port proxy without its container yet): no answer within the timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      expect(await probeHttp(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, 300)).toEqual({ ok: false, summary: 'no answer within 0.3s' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  test('an abort rejects with its reason', async () => {
    const s = await servers.start(() => ({ status: 200 }));
    const c = new AbortController();
    c.abort(new Error('stop'));
    await expect(probeHttp(`http://127.0.0.1:${s.port}/`, 2000, c.signal)).rejects.toThrow('stop');
    await expect(sleep(10_000, c.signal)).rejects.toThrow('stop');
  });

  test('JSON bodies with a status', () => {
    expect(jsonStatus('{"status":"healthy","instances":[]}')).toBe('healthy');
    expect(jsonStatus('{"status":"unhealthy"}')).toBe('unhealthy');
    expect(jsonStatus('{"status":1}')).toBeUndefined();
    expect(jsonStatus('OK')).toBeUndefined();
    expect(jsonStatus('{broken')).toBeUndefined();
  });
});
