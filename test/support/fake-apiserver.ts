// A scripted stand-in for kube-apiserver, ONLY for unit-testing the shape of requests (method,
// path, query, headers, body) and how answers are mapped: it listens on 127.0.0.1 (plain HTTP),
// records what it is sent and replies with canned JSON. It knows nothing of Kubernetes
// semantics; how a real API server behaves is covered by test/integration against a real
// kube-apiserver.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status?: number;
  /** JSON-encoded unless `raw` is given. */
  readonly body?: unknown;
  readonly raw?: string;
}

/** A reply, or 'hang' to never answer (for timeouts). */
export type Handler = (req: SeenRequest) => Reply | 'hang';

export const notFound = (what = 'the server could not find the requested resource'): Reply => ({
  status: 404,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: what, reason: 'NotFound', code: 404 },
});

export class FakeApiServer {
  public readonly requests: SeenRequest[] = [];
  /** Answers every request; tests replace it. Default: 404. */
  public handler: Handler = () => notFound();

  private constructor(private readonly server: Server) {}

  public static async start(): Promise<FakeApiServer> {
    const server = createServer();
    const fake = new FakeApiServer(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const seen: SeenRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        fake.requests.push(seen);
        const reply = fake.handler(seen);
        if (reply === 'hang') return;
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface KubeconfigContext {
  readonly name: string;
  readonly server: string;
  readonly namespace?: string;
  readonly token?: string;
  /** client-node only allows plain http:// servers with this set. @default true */
  readonly insecureSkipTlsVerify?: boolean;
}

/** Writes a kubeconfig with one cluster and user per context; returns its path. */
export function writeKubeconfig(path: string, contexts: readonly KubeconfigContext[], current = contexts[0]?.name ?? ''): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of contexts) {
    lines.push(`- name: ${c.name}-cluster`, '  cluster:', `    server: ${c.server}`);
    if (c.insecureSkipTlsVerify ?? true) lines.push('    insecure-skip-tls-verify: true');
  }
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: ${c.name}-user`, '  user:', `    token: ${c.token ?? `token-${c.name}`}`);
  lines.push('contexts:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}-cluster`, `    user: ${c.name}-user`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
  }
  lines.push(`current-context: "${current}"`, '');
  writeFileSync(path, lines.join('\n'));
  return path;
}
