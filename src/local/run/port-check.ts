import { createServer } from 'node:net';

/** Whether `hostIp:port` can be bound right now (nothing else, container or not, holds it). */
export function portFree(hostIp: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: hostIp, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Polls portFree for up to `waitMs` (a container that was just removed may hold its port a moment). */
export async function portFreeWithin(hostIp: string, port: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await portFree(hostIp, port)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}
