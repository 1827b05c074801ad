// The request timeout of KubeClient is a deadline for the whole request (connect, headers and
// the body read to its end), against real loopback servers that misbehave on purpose: one never
// answers, one answers and then trickles its body a byte at a time and never ends it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../src/kube/kube-client.js';
import { loadKubeConfig } from '../../src/kube/kube-config.js';
import { writeKubeconfig } from '../support/fake-apiserver.js';
import { runScript } from '../support/node-script.js';
import { removeTempDirs } from '../support/paths.js';
import { rejection } from '../support/thrown.js';

const TIMEOUT_MS = 600;

type Behaviour = (res: ServerResponse) => void;

/** A loopback HTTP server that does `behaviour` with every request; its timers and sockets are closed with it. */
async function misbehavingServer(behaviour: Behaviour): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    req.resume();
    behaviour(res);
    const t = (res as ServerResponse & { trickle?: NodeJS.Timeout }).trickle;
    if (t) timers.add(t);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const neverAnswers: Behaviour = () => undefined;

/** Headers at once, then one byte of a never-ending JSON body every 200 ms. */
const trickles: Behaviour = (res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write('{');
  (res as ServerResponse & { trickle?: NodeJS.Timeout }).trickle = setInterval(() => res.write(' '), 200);
};

describe('KubeClient request deadline', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-deadline-'));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    removeTempDirs();
  });

  test.each([
    ['never answers', neverAnswers],
    ['trickles one byte per 200 ms forever', trickles],
  ])('a server that %s: TIMEOUT at the deadline, naming the request and the timeout', async (_name, behaviour) => {
    const server = await misbehavingServer(behaviour);
    try {
      const kubeconfig = writeKubeconfig(join(tmp, `config-${Date.now()}`), [{ name: 'slow', server: server.url, token: 'secret-token' }]);
      const client = new KubeClient(loadKubeConfig({ kubeconfig }), TIMEOUT_MS);
      const started = Date.now();
      const e = await rejection(
        client.request({ method: 'GET', path: '/api/v1/namespaces/llm/secrets/hf-token', query: { labelSelector: 'a=b' }, verb: 'get', resource: 'secrets' }),
      );
      const elapsed = Date.now() - started;
      expect(e.code).toBe('TIMEOUT');
      expect(e.message).toBe(`GET /api/v1/namespaces/llm/secrets/hf-token: no complete answer from the API server at ${server.url} within 0.6s`);
      expect(e.message).not.toContain('secret-token');
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(elapsed).toBeLessThan(TIMEOUT_MS * 2 + 1_000);
    } finally {
      await server.close();
    }
  });

  test('the deadline covers the body: a slow body that ends in time is read whole', async () => {
    const server = await misbehavingServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"ok":');
      const t = setTimeout(() => res.end('true}'), 200);
      (res as ServerResponse & { trickle?: NodeJS.Timeout }).trickle = t;
    });
    try {
      const kubeconfig = writeKubeconfig(join(tmp, `config-ok-${Date.now()}`), [{ name: 'ok', server: server.url }]);
      const client = new KubeClient(loadKubeConfig({ kubeconfig }), 5_000);
      expect(await client.request({ method: 'GET', path: '/ok', verb: 'get', resource: 'x' })).toEqual({ ok: true });
    } finally {
      await server.close();
    }
  });

  test('a request that succeeds leaves no timer behind: the process exits as soon as its work is done', async () => {
    const server = await misbehavingServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end('{"ok":true}');
    });
    try {
      const kubeconfig = writeKubeconfig(join(tmp, 'config-script'), [{ name: 'ok', server: server.url }]);
      const r = await runScript(
        `import { KubeClient } from '@src/kube/kube-client.js';
         import { loadKubeConfig } from '@src/kube/kube-config.js';
         const client = new KubeClient(loadKubeConfig({ kubeconfig: process.env.CONFIG! }), 60_000);
         console.log(JSON.stringify(await client.request({ method: 'GET', path: '/ok', verb: 'get', resource: 'x' })));`,
        { env: { CONFIG: kubeconfig }, killAfterMs: 20_000 },
      );
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '{"ok":true}\n', '']);
      expect(r.exitAfterOutputMs).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  }, 60_000);
});
