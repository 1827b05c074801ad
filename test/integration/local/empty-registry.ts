// A registry on loopback that has no images: it answers the API check (GET /v2/) and says
// "manifest unknown" (404) for everything else, as a real registry does for an image it lacks.
// The engines really pull from it, so their own "not found" errors can be seen without network.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface EmptyRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  readonly host: string;
  /**
   * A registries.conf (for CONTAINERS_REGISTRIES_CONF) that lets podman talk plain HTTP to it;
   * docker and nerdctl already do for a registry on 127.0.0.1.
   */
  readonly registriesConf: string;
  /** How many requests asked for a manifest. */
  manifestRequests(): number;
  close(): Promise<void>;
}

export async function startEmptyRegistry(dir: string): Promise<EmptyRegistry> {
  let manifests = 0;
  const server: Server = createServer((req, res) => {
    const headers = { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' };
    if (req.url === '/v2/' || req.url === '/v2') {
      res.writeHead(200, headers).end('{}');
      return;
    }
    if (/\/manifests\//.test(req.url ?? '')) manifests++;
    res.writeHead(404, headers).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const registriesConf = join(dir, 'registries.conf');
  writeFileSync(registriesConf, `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  return {
    host,
    registriesConf,
    manifestRequests: () => manifests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
