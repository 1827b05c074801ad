// The same two-service project, run through modelstack's local runner on one real engine:
// up (dependency order, readiness from the host), idempotent up, ps, logs, port clashes,
// Ctrl-C through the CLI, and down leaving nothing behind. Used by <engine>.test.ts, with the
// failure suite (failure-suite.ts) and the model cache suite (cache-suite.ts).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { down } from '../../../src/local/run/down.js';
import { projectLogs } from '../../../src/local/run/logs.js';
import { ps } from '../../../src/local/run/ps.js';
import { readComposeFile } from '../../../src/local/run/read-compose-file.js';
import { up } from '../../../src/local/run/up.js';
import type { ContainerEngineName } from '../../../src/local/container-engine/container-engine.js';
import { createContainerEngine } from '../../../src/local/container-engine/detect.js';
import { removeTempDirs, repoRoot, tempDir } from '../../support/paths.js';
import { describeWith, gate, type EngineUnderTest, uniqueProject } from './engine-env.js';
import { rejection } from '../../support/thrown.js';
import { cacheSuite } from './cache-suite.js';
import { failureSuite } from './failure-suite.js';

const TOKEN = 'hf_modelstack_test_token';

/** Two busybox httpd services; `second` needs `first` healthy and fetches from it by its service name. */
export function twoServiceCompose(project: string, image: string, firstPort: number, greeting = 'hello'): string {
  return `name: ${project}
services:
  first:
    image: ${image}
    command:
      - sh
      - -c
      - echo "first starting, token=$\${HF_TOKEN:-unset} greeting=$\${GREETING}"; sleep 1; mkdir -p /www/ready && echo ok > /www/ready/health; exec httpd -f -p 8080 -h /www
    environment: [HF_TOKEN, "GREETING=${greeting}"]
    ports: ["127.0.0.1:${firstPort}:8080"]
    volumes: [{type: volume, source: cache, target: /cache}, {type: volume, source: disc, target: /disc}]
    labels: {modelstack.io/role: worker}
    x-modelstack: {model: demo, role: worker, health: {port: 8080, path: /ready/health}}
  second:
    image: ${image}
    command:
      - sh
      - -c
      - until timeout 2 wget -q -O /www/peer.html http://first:8080/index.html; do sleep 0.2; done; echo ok > /www/health; echo "second reached first"; exec httpd -f -p 8080 -h /www
    ports: ["127.0.0.1::8080"]
    depends_on:
      first: {condition: service_healthy}
    x-modelstack: {model: demo, role: frontend, health: {port: 8080, path: /health}}
volumes:
  cache: {}
  disc: {driver: local, driver_opts: {type: tmpfs, device: tmpfs}}
`;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function listen(): Promise<Server> {
  const srv = createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  return `${res.status} ${(await res.text()).trim()}`;
}

export async function engineSuite(name: ContainerEngineName): Promise<void> {
  const g = await gate(name);
  describeWith(`local run on ${name}`, [g], ([rt]) => suite(rt!));
  describeWith(`local run failures on ${name}`, [g], ([rt]) => failureSuite(rt!));
  describeWith(`local run model cache on ${name}`, [g], ([rt]) => cacheSuite(rt!));
}

function suite(rt: EngineUnderTest): void {
  const project = uniqueProject(`ms-it-${rt.name}`);
  // HF_TOKEN is in the environment the engine CLI runs with, never in its arguments.
  const env = { ...rt.env, HF_TOKEN: TOKEN };
  rt = { ...rt, engine: createContainerEngine(rt.name, { env }) };
  const started = Date.now();
  let file = '';
  let firstPort = 0;

  beforeAll(async () => {
    firstPort = await freePort();
    file = join(tempDir(), 'compose.yaml');
    writeFileSync(file, twoServiceCompose(project, rt.image, firstPort));
  });

  afterAll(async () => {
    // Whatever a failed test left behind; then report the time this engine took.
    await down(rt.engine, { project }).catch(() => {});
    await down(rt.engine, { project: `${project}-int` }).catch(() => {});
    await rt.engine.remove(`${project}-clash`).catch(() => {});
    for (const v of [`${project}_cache`, `${project}-int_cache`, `${project}-other_disc`]) await rt.engine.removeVolume(v).catch(() => {});
    removeTempDirs();
    console.log(
      `[local run on ${rt.name}] ${rt.probe.clientVersion ?? '?'} (server ${rt.probe.serverVersion ?? '?'}): ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
  });

  test('up: the network, then first, then second once first is healthy; both pass readiness from the host', async () => {
    const io = new RecordingIoHost();
    const r = await up(await readComposeFile(file, { env }), rt.engine, { io, timeoutMs: 60_000, pollIntervalMs: 200 });
    expect(r).toMatchObject({ project, engine: rt.name, network: `${project}_default`, networkCreated: true });
    expect(r.services.map((s) => [s.service, s.container, s.action])).toEqual([
      ['first', `${project}-first`, 'created'],
      ['second', `${project}-second`, 'created'],
    ]);
    expect(r.services[0]!.url).toBe(`http://127.0.0.1:${firstPort}/ready/health`);
    expect(r.services[1]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    // first was ready before second was started
    const messages = io.text();
    expect(messages.indexOf('first: ready after ' + (r.services[0]!.readyAfterMs / 1000).toFixed(1) + 's')).toBeLessThan(
      messages.findIndex((m) => m.startsWith(`second: created`)),
    );
    expect(await get(r.services[0]!.url!)).toBe('200 ok');
    // second fetched first's page through the project network, by service name
    expect(await get(r.services[1]!.url!.replace('/health', '/peer.html'))).toBe('200 modelstack-busybox ok');
    expect(await rt.engine.networkExists(`${project}_default`)).toBe(true);
  });

  test('up again is idempotent; a changed service alone is recreated', async () => {
    const before = await ps(rt.engine, { project });
    const again = await up(await readComposeFile(file, { env }), rt.engine, { timeoutMs: 30_000, pollIntervalMs: 200 });
    expect(again.services.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.networkCreated).toBe(false);
    expect((await ps(rt.engine, { project })).map((c) => c.id)).toEqual(before.map((c) => c.id));

    const changed = join(tempDir(), 'compose.yaml');
    writeFileSync(changed, twoServiceCompose(project, rt.image, firstPort).replace('sleep 0.2; done;', 'sleep 0.3; done;'));
    const r = await up(await readComposeFile(changed, { env }), rt.engine, { timeoutMs: 30_000, pollIntervalMs: 200 });
    expect(r.services.map((s) => s.action)).toEqual(['unchanged', 'recreated']);
    const after = await ps(rt.engine, { project });
    expect(after.find((c) => c.service === 'first')!.id).toBe(before.find((c) => c.service === 'first')!.id);
    expect(after.find((c) => c.service === 'second')!.id).not.toBe(before.find((c) => c.service === 'second')!.id);
  });

  test('ps lists both services with their state and published ports', async () => {
    const list = await ps(rt.engine, { project });
    expect(list.map((c) => [c.service, c.name, c.state, c.image])).toEqual([
      ['first', `${project}-first`, 'running', rt.image],
      ['second', `${project}-second`, 'running', rt.image],
    ]);
    expect(list[0]!.ports).toEqual([{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: firstPort }]);
    expect(list[1]!.ports).toEqual([{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: expect.any(Number) }]);
    expect(list[0]!.labels).toMatchObject({ 'modelstack.io/project': project, 'modelstack.io/service': 'first', 'modelstack.io/role': 'worker' });
  });

  test('logs show what each service printed; HF_TOKEN came from the caller by name', async () => {
    const lines: string[] = [];
    await projectLogs(rt.engine, { project, onLine: (svc, l) => lines.push(`${svc} | ${l.text}`) });
    expect(lines).toContain(`first | first starting, token=${TOKEN} greeting=hello`);
    expect(lines).toContain('second | second reached first');
    const tail: string[] = [];
    await projectLogs(rt.engine, { project, services: ['second'], tail: 1, onLine: (_s, l) => tail.push(l.text) });
    expect(tail).toEqual(['second reached first']);
  });

  test('the CLI: logs --follow streams until Ctrl-C; ps prints the table', async () => {
    const cli = (args: string[]) =>
      spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'local', ...args, '--file', file, '--engine', rt.name], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const follow = cli(['logs', '--follow', 'first']);
    let out = '';
    const exited = new Promise<number | null>((resolve) => follow.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line:\n${out}`)), 20_000);
      follow.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('first starting')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    follow.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toBe(`first starting, token=${TOKEN} greeting=hello\n`);

    const table = cli(['ps']);
    let psOut = '';
    table.stdout.on('data', (d: Buffer) => (psOut += d.toString()));
    expect(await new Promise((resolve) => table.on('exit', resolve))).toBe(0);
    expect(psOut.split('\n')[0]).toMatch(/^SERVICE\s+CONTAINER\s+STATE\s+PORTS\s+IMAGE$/);
    expect(psOut).toContain(`first    ${project}-first   running  127.0.0.1:${firstPort}->8080/tcp`);
  }, 60_000);

  test('a host port in use: "port 127.0.0.1:N is in use" naming the service, from up and from the engine itself', async () => {
    const blocker = await listen();
    const port = (blocker.address() as AddressInfo).port;
    try {
      const clashFile = join(tempDir(), 'compose.yaml');
      writeFileSync(clashFile, twoServiceCompose(`${project}-int`, rt.image, port));
      const e = await rejection(up(await readComposeFile(clashFile, { env }), rt.engine, { timeoutMs: 10_000 }));
      expect(e.message).toBe(`port 127.0.0.1:${port} is in use: cannot start service first`);
      expect(await ps(rt.engine, { project: `${project}-int` })).toEqual([]);

      // The engine's own error (no pre-check): same wording, and no container left behind.
      const spec = {
        name: `${project}-clash`,
        image: rt.image,
        labels: { 'modelstack.io/project': `${project}-clash` },
        ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 8080 }],
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      };
      const direct = await rejection(rt.engine.run(spec));
      expect(direct.message).toBe(`port 127.0.0.1:${port} is in use: cannot start container "${project}-clash"`);
      expect(await rt.engine.inspect(`${project}-clash`)).toBeUndefined();
    } finally {
      await new Promise((r) => blocker.close(r));
      await down(rt.engine, { project: `${project}-int` });
    }
  });

  test('the CLI: Ctrl-C during up removes what this up started and exits 130', async () => {
    const cliProject = `${project}-int`;
    const stuck = join(tempDir(), 'compose.yaml');
    writeFileSync(stuck, twoServiceCompose(cliProject, rt.image, await freePort()).replace('path: /ready/health', 'path: /never'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'local', 'up', '--file', stuck, '--engine', rt.name, '--timeout', '120'],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`up never started waiting:\n${stderr}`)), 30_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('first: waiting for')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect((await ps(rt.engine, { project: cliProject })).map((c) => c.service)).toEqual(['first']);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`container engine: ${rt.name}`);
    expect(stderr).toContain('error: interrupted: undid what this up started');
    expect(stderr).toContain(`  removed ${cliProject}-first`);
    expect(stderr).toContain(`  removed network ${cliProject}_default`);
    expect(stderr).not.toContain('    at ');
    expect(await ps(rt.engine, { project: cliProject })).toEqual([]);
    expect(await rt.engine.networkExists(`${cliProject}_default`)).toBe(false);
  }, 60_000);

  test('down removes the containers, the network and the tmpfs volume; the cache volume and other projects stay', async () => {
    const other = `${project}-other_disc`;
    await rt.engine.createVolume(other, { labels: { 'modelstack.io/project': `${project}-other`, 'modelstack.io/ephemeral': 'true' } });
    expect(await rt.engine.volumeExists(`${project}_disc`)).toBe(true);
    const r = await down(rt.engine, { project });
    expect([...r.removed].sort()).toEqual([`${project}-first`, `${project}-second`]);
    expect(r.network).toBe(`${project}_default`);
    expect(r.volumes).toEqual([`${project}_disc`]);
    expect(await rt.engine.volumeExists(`${project}_disc`)).toBe(false);
    expect(await rt.engine.volumeExists(`${project}_cache`)).toBe(true);
    expect(await rt.engine.volumeExists(other)).toBe(true);
    expect(await ps(rt.engine, { project })).toEqual([]);
    expect(await rt.engine.networkExists(`${project}_default`)).toBe(false);
    expect(await down(rt.engine, { project })).toMatchObject({ project, removed: [], volumes: [], kept: [{ kind: 'volume', name: `${project}_cache` }] });
  });
}
