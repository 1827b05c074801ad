import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { ImageUnavailableError } from '../../../src/local/container-engine/engine-errors.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { down } from '../../../src/local/run/down.js';
import { parseImageOverrides } from '../../../src/local/run/image-overrides.js';
import { projectLogs } from '../../../src/local/run/logs.js';
import { ps } from '../../../src/local/run/ps.js';
import { up } from '../../../src/local/run/up.js';
import { removeTempDirs, tempDir } from '../../support/paths.js';
import { FakeEngine, HealthServers } from './fake-engine.js';
import { rejection } from '../../support/thrown.js';

const servers = new HealthServers();
afterEach(() => servers.close());
afterAll(removeTempDirs);

/** Two services, b needs a healthy a; both publish 8080 on a free host port. */
function twoServices(extra = ''): string {
  return `
name: demo
services:
  a:
    image: img-a
    ports: ["127.0.0.1::8080"]
    x-modelstack: {model: m, role: worker, health: {port: 8080, path: /healthz}}
  b:
    image: img-b
    ports: ["127.0.0.1::8080"]
    depends_on: {a: {condition: service_healthy}}
    x-modelstack: {model: m, role: frontend, health: {port: 8080, path: /healthz}}
${extra}`;
}

/** An engine whose services' health endpoints are the given test servers. */
async function setup(answers: Record<string, (n: number) => { status: number; body?: string }>) {
  const ports: Record<string, number> = {};
  const requests: Record<string, () => number> = {};
  for (const [svc, answer] of Object.entries(answers)) {
    const s = await servers.start(answer);
    ports[`demo-${svc}`] = s.port;
    requests[svc] = s.requests;
  }
  const engine = new FakeEngine((container) => ports[container] ?? 1);
  return { engine, requests };
}

const fast = { pollIntervalMs: 20, stateDir: '/nonexistent-state' };

describe('up', () => {
  test('network, then the services in dependency order, each ready over HTTP before its dependents start', async () => {
    const { engine, requests } = await setup({ a: (n) => ({ status: n < 3 ? 503 : 200 }), b: () => ({ status: 200 }) });
    const io = new RecordingIoHost();
    const r = await up(loadComposeText(twoServices()), engine, { ...fast, io });
    expect(engine.calls).toEqual(['network create demo_default', 'run demo-a img-a', 'run demo-b img-b']);
    expect(engine.networks.get('demo_default')).toEqual({ 'modelstack.io/project': 'demo' });
    expect(requests.a!()).toBe(3);
    expect(r).toMatchObject({ project: 'demo', engine: 'docker', network: 'demo_default', networkCreated: true, orphans: [] });
    expect(r.services.map((s) => [s.service, s.container, s.action])).toEqual([
      ['a', 'demo-a', 'created'],
      ['b', 'demo-b', 'created'],
    ]);
    expect(r.services[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/healthz$/);
    const labels = engine.containers.get('demo-b')!.spec.labels!;
    expect(labels).toMatchObject({
      'modelstack.io/project': 'demo',
      'modelstack.io/service': 'b',
      'modelstack.io/config-hash': expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(engine.containers.get('demo-b')!.spec).toMatchObject({ network: 'demo_default', alias: 'b' });
    expect(io.text('info')).toContain('a: ready after ' + (r.services[0]!.readyAfterMs / 1000).toFixed(1) + 's');
  });

  test('b is not started before a is ready', async () => {
    let bStartedWhileANotReady = false;
    const { engine } = await setup({ a: (n) => ({ status: n < 4 ? 503 : 200 }), b: () => ({ status: 200 }) });
    const run = engine.run.bind(engine);
    let aReady = false;
    engine.run = async (spec) => {
      if (spec.name === 'demo-b' && !aReady) bStartedWhileANotReady = true;
      return run(spec);
    };
    const io = { notify: (m: { message: string }) => void (m.message.startsWith('a: ready') && (aReady = true)) };
    await up(loadComposeText(twoServices()), engine, { ...fast, io });
    expect(bStartedWhileANotReady).toBe(false);
  });

  test('idempotent: unchanged containers are left alone, changed ones recreated, stopped ones started', async () => {
    const { engine } = await setup({ a: () => ({ status: 200 }), b: () => ({ status: 200 }) });
    const project = loadComposeText(twoServices());
    await up(project, engine, fast);
    engine.calls.length = 0;

    const again = await up(project, engine, fast);
    expect(again.services.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.networkCreated).toBe(false);
    expect(engine.calls).toEqual([]);

    const changed = await up(project, engine, { ...fast, images: parseImageOverrides(['b=img-b:2']) });
    expect(changed.services.map((s) => s.action)).toEqual(['unchanged', 'recreated']);
    expect(engine.calls).toEqual(['rm demo-b', 'run demo-b img-b:2']);

    engine.calls.length = 0;
    await engine.stop('demo-a');
    engine.calls.length = 0;
    const restarted = await up(project, engine, { ...fast, images: parseImageOverrides(['b=img-b:2']) });
    expect(restarted.services.map((s) => s.action)).toEqual(['started', 'unchanged']);
    expect(engine.calls).toEqual(['start demo-a']);
  });

  test('a service that never becomes ready: TIMEOUT naming it and the last probe; its dependents are not started', async () => {
    const { engine } = await setup({ a: () => ({ status: 503 }), b: () => ({ status: 200 }) });
    const e = await rejection(up(loadComposeText(twoServices()), engine, { ...fast, timeoutMs: 300 }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('service a was not ready within 0.3s');
    expect(e.details[0]).toMatch(/^last probe: GET http:\/\/127\.0\.0\.1:\d+\/healthz: HTTP 503 Service Unavailable$/);
    expect(e.details[1]).toBe('service b was not started: a did not become ready');
    expect(e.hint).toMatch(/--keep-on-failure.*modelstack local logs a/);
    expect(engine.containers.has('demo-b')).toBe(false);
    // a failed up removes what it created, and says so
    expect(e.details.slice(2)).toEqual(['undid what this up created:', '  removed demo-a', '  removed network demo_default']);
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
  });

  test('keepOnFailure: a failed up leaves what it created for inspection', async () => {
    const { engine } = await setup({ a: () => ({ status: 503 }), b: () => ({ status: 200 }) });
    const e = await rejection(up(loadComposeText(twoServices()), engine, { ...fast, timeoutMs: 300, keepOnFailure: true }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.hint).toMatch(/^see "modelstack local logs a"/);
    expect(e.details.join('\n')).not.toMatch(/undid/);
    expect([...engine.containers.keys()]).toEqual(['demo-a']);
    expect(engine.networks.has('demo_default')).toBe(true);
  });

  test('a JSON body whose status is not healthy is not ready yet', async () => {
    const { engine, requests } = await setup({
      a: (n) => ({ status: 200, body: JSON.stringify({ status: n < 3 ? 'unhealthy' : 'healthy', instances: [] }) }),
      b: () => ({ status: 200, body: '{"status":"ok"}' }),
    });
    await up(loadComposeText(twoServices()), engine, fast);
    expect(requests.a!()).toBe(3);
  });

  test('a container that exits while waited for: its exit code and last log lines', async () => {
    const { engine } = await setup({ a: () => ({ status: 503 }), b: () => ({ status: 200 }) });
    engine.logLines.set('demo-a', ['loading model', 'CUDA error: no device']);
    engine.afterRun = (spec) => {
      if (spec.name === 'demo-a') setTimeout(() => engine.exit('demo-a', 3), 50);
    };
    const e = await rejection(up(loadComposeText(twoServices()), engine, { ...fast, timeoutMs: 20_000 }));
    expect(e.message).toBe('service a exited with code 3 before it was ready');
    expect(e.details).toEqual([
      'last log lines:',
      '  loading model',
      '  CUDA error: no device',
      'service b was not started: a did not become ready',
      'undid what this up created:',
      '  removed demo-a',
      '  removed network demo_default',
    ]);
  });

  test('a container that exited before its ports were read (docker and nerdctl then show none): its exit code, not "not published"', async () => {
    const engine = new FakeEngine();
    engine.logLines.set(
      'demo-a',
      Array.from({ length: 30 }, (_, i) => `line ${i + 1}`),
    );
    engine.afterRun = (spec) => {
      if (spec.name === 'demo-a') engine.exit('demo-a', 1);
    };
    const e = await rejection(up(loadComposeText(twoServices()), engine, fast));
    expect(e.message).toBe('service a exited with code 1 before it was ready');
    // the last 20 lines, no more
    expect(e.details.slice(0, 21)).toEqual(['last log lines:', ...Array.from({ length: 20 }, (_, i) => `  line ${i + 11}`)]);
  });

  test('long log lines are cut', async () => {
    const engine = new FakeEngine();
    engine.logLines.set('demo-a', ['x'.repeat(5000)]);
    engine.afterRun = (spec) => {
      if (spec.name === 'demo-a') engine.exit('demo-a', 1);
    };
    const e = await rejection(up(loadComposeText(twoServices()), engine, fast));
    expect(e.details[1]).toBe(`  ${'x'.repeat(400)}…`);
  });

  test('Ctrl-C (abort) removes what this up created, and only that', async () => {
    const { engine } = await setup({ a: () => ({ status: 200 }), b: () => ({ status: 503 }) });
    const project = loadComposeText(twoServices());
    // a exists already and is current: it must survive the rollback
    await up(project, engine, { ...fast, services: ['a'] });
    engine.calls.length = 0;
    const controller = new AbortController();
    const io = { notify: (m: { message: string }) => void (m.message.startsWith('b: waiting') && setTimeout(() => controller.abort(), 50)) };
    const e = await rejection(up(project, engine, { ...fast, io, signal: controller.signal }));
    expect(e.exitCode).toBe(130);
    expect(e.message).toBe('interrupted: undid what this up started');
    expect(e.details).toEqual(['removed demo-b']);
    expect([...engine.containers.keys()]).toEqual(['demo-a']);
    expect(engine.networks.has('demo_default')).toBe(true);
  });

  test('abort on a fresh project also removes the network it created', async () => {
    const { engine } = await setup({ a: () => ({ status: 503 }), b: () => ({ status: 200 }) });
    const controller = new AbortController();
    const io = { notify: (m: { message: string }) => void (m.message.startsWith('a: waiting') && setTimeout(() => controller.abort(), 30)) };
    const e = await rejection(up(loadComposeText(twoServices()), engine, { ...fast, io, signal: controller.signal }));
    expect(e.details).toEqual(['removed demo-a', 'removed network demo_default']);
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
  });

  test('a fixed host port that is taken: a clear error naming the port and the service, nothing started', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const engine = new FakeEngine();
      const project = loadComposeText(`services: {web: {image: x, ports: ["127.0.0.1:${port}:8080"]}}`, { projectDir: '/p/demo' });
      const e = await rejection(up(project, engine, fast));
      expect(e.message).toBe(`port 127.0.0.1:${port} is in use: cannot start service web`);
      expect(e.hint).toMatch(/ss -ltnp/);
      expect(engine.containers.size).toBe(0);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  test('GPU reservations are dropped with a warning when the engine has no GPU support, kept when it has', async () => {
    const yaml = 'services: {w: {image: x, deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]}}}}}';
    const engine = new FakeEngine();
    const io = new RecordingIoHost();
    await up(loadComposeText(yaml, { projectDir: '/p/g' }), engine, { ...fast, io });
    expect(engine.calls[0]).toBe('probe');
    expect(engine.containers.get('g-w')!.spec.gpus).toBeUndefined();
    expect(io.text('warn')).toEqual(['service w: its GPU reservation is dropped: no NVIDIA container toolkit']);

    const withGpu = new FakeEngine();
    withGpu.gpu = { available: true, reason: 'nvidia runtime' };
    await up(loadComposeText(yaml, { projectDir: '/p/g' }), withGpu, fast);
    expect(withGpu.containers.get('g-w')!.spec.gpus).toEqual({ count: 1 });

    const off = new FakeEngine();
    off.gpu = { available: true, reason: 'nvidia runtime' };
    const quiet = new RecordingIoHost();
    await up(loadComposeText(yaml, { projectDir: '/p/g' }), off, { ...fast, gpu: 'off', io: quiet });
    expect(off.containers.get('g-w')!.spec.gpus).toBeUndefined();
    expect(quiet.text('warn')).toEqual([]);
  });

  test('services without a health check are ready when running; service_completed_successfully waits for exit code 0', async () => {
    const engine = new FakeEngine();
    const run = engine.run.bind(engine);
    let appStartedWhileInitRan = false;
    engine.run = async (spec) => {
      if (spec.name === 'p-app' && engine.containers.get('p-init')?.state === 'running') appStartedWhileInitRan = true;
      const id = await run(spec);
      if (spec.name === 'p-init') setTimeout(() => engine.exit('p-init', 0), 100);
      return id;
    };
    const yaml = 'services: {init: {image: x}, app: {image: y, depends_on: {init: {condition: service_completed_successfully}}}}';
    const r = await up(loadComposeText(yaml, { projectDir: '/p/p' }), engine, fast);
    expect(appStartedWhileInitRan).toBe(false);
    expect(r.services.map((s) => [s.service, s.action, s.url])).toEqual([
      ['init', 'created', undefined],
      ['app', 'created', undefined],
    ]);

    const failing = new FakeEngine();
    failing.afterRun = (spec) => {
      if (spec.name === 'p-init') setTimeout(() => failing.exit('p-init', 1), 50);
    };
    const e = await rejection(up(loadComposeText(yaml, { projectDir: '/p/p' }), failing, fast));
    expect(e.message).toBe('service init exited with code 1');
    expect(e.details).toEqual([
      'service app was not started: init did not complete successfully',
      'undid what this up created:',
      '  removed p-init',
      '  removed network p_default',
    ]);
    expect(failing.containers.has('p-app')).toBe(false);
  });

  test('a one-shot dependency that fails at once: its exit code and last log lines, reported as a failed completion', async () => {
    const engine = new FakeEngine();
    engine.afterRun = (spec) => {
      // Exits before up ever sees it running (a download that fails at once).
      if (spec.name === 'p-download') {
        engine.logLines.set('p-download', ['fetching', '401 Unauthorized']);
        engine.exit('p-download', 2);
      }
    };
    const yaml = 'services: {download: {image: x}, app: {image: y, depends_on: {download: {condition: service_completed_successfully}}}}';
    const e = await rejection(up(loadComposeText(yaml, { projectDir: '/p/p' }), engine, fast));
    expect(e.message).toBe('service download exited with code 2');
    expect(e.details.slice(0, 4)).toEqual([
      'last log lines:',
      '  fetching',
      '  401 Unauthorized',
      'service app was not started: download did not complete successfully',
    ]);
    expect(engine.containers.has('p-app')).toBe(false);
  });

  test('a one-shot dependency is ready once it completed: its progress says so', async () => {
    const engine = new FakeEngine();
    engine.afterRun = (spec) => {
      if (spec.name === 'p-download') setTimeout(() => engine.exit('p-download', 0), 60);
    };
    const io = new RecordingIoHost();
    const yaml = 'services: {download: {image: x}, app: {image: y, depends_on: {download: {condition: service_completed_successfully}}}}';
    const r = await up(loadComposeText(yaml, { projectDir: '/p/p' }), engine, { ...fast, io });
    expect(io.text()).toContainEqual(expect.stringMatching(/^download: completed after \d+\.\ds$/));
    expect(io.text()).not.toContainEqual(expect.stringMatching(/^download: ready/));
    expect(r.services[0]!.readyAfterMs).toBeGreaterThanOrEqual(50);
  });

  test('orphans: warned about, removed on request', async () => {
    const engine = new FakeEngine();
    await up(loadComposeText('services: {old: {image: x}, keep: {image: y}}', { projectDir: '/p/o' }), engine, fast);
    const io = new RecordingIoHost();
    const r = await up(loadComposeText('services: {keep: {image: y}}', { projectDir: '/p/o' }), engine, { ...fast, io });
    expect(r.orphans).toEqual(['o-old']);
    expect(io.text('warn')[0]).toMatch(/without a service in the file: o-old/);
    await up(loadComposeText('services: {keep: {image: y}}', { projectDir: '/p/o' }), engine, { ...fast, removeOrphans: true });
    expect([...engine.containers.keys()]).toEqual(['o-keep']);
  });

  test('only the named services and what they depend on', async () => {
    const engine = new FakeEngine();
    await up(loadComposeText('services: {a: {image: x}, b: {image: y, depends_on: [a]}, c: {image: z}}', { projectDir: '/p/s' }), engine, {
      ...fast,
      services: ['b'],
    });
    expect([...engine.containers.keys()]).toEqual(['s-a', 's-b']);
    await expect(up(loadComposeText('services: {a: {image: x}}', { projectDir: '/p/s' }), engine, { ...fast, services: ['nope'] })).rejects.toThrow(
      'no service "nope" in project s',
    );
  });

  test('a dependency cycle fails before anything runs', async () => {
    const engine = new FakeEngine();
    await expect(
      up(loadComposeText('services: {a: {image: x, depends_on: [b]}, b: {image: y, depends_on: [a]}}', { projectDir: '/p/c' }), engine, fast),
    ).rejects.toThrow('services depend on each other in a cycle: a -> b -> a');
    expect(engine.calls).toEqual([]);
  });

  test('volumes and inline configs are prepared: tmpfs volumes labelled ephemeral, config files written', async () => {
    const engine = new FakeEngine();
    const stateDir = tempDir();
    const project = loadComposeText(
      `
services:
  a:
    image: x
    volumes: [{type: volume, source: disc, target: /d}, {type: volume, source: cache, target: /c}]
    configs: [{source: serve, target: /etc/serve.yaml}]
volumes:
  disc: {driver: local, driver_opts: {type: tmpfs, device: tmpfs}}
  cache: {}
configs:
  serve: {content: "applications: []\\n"}
`,
      { projectDir: '/p/v' },
    );
    await up(project, engine, { ...fast, stateDir });
    expect(engine.volumes.get('v_disc')).toEqual({ 'modelstack.io/project': 'v', 'modelstack.io/ephemeral': 'true' });
    expect(engine.volumes.get('v_cache')).toEqual({ 'modelstack.io/project': 'v' });
    const mount = engine.containers.get('v-a')!.spec.volumes!.find((m) => m.target === '/etc/serve.yaml')!;
    expect(mount.readOnly).toBe(true);
    expect(mount.source.startsWith(`${stateDir}/v/configs/serve-`)).toBe(true);
    expect(readFileSync(mount.source, 'utf8')).toBe('applications: []\n');

    // down: the project's containers, network and ephemeral volumes; the cache stays
    const d = await down(engine, { project: 'v', stateDir });
    expect(d).toEqual({
      project: 'v',
      removed: ['v-a'],
      network: 'v_default',
      volumes: ['v_disc'],
      kept: [{ kind: 'volume', name: 'v_cache', reason: 'it may hold downloaded models (remove it with "modelstack local down --volumes")' }],
    });
    expect(existsSync(`${stateDir}/v`)).toBe(false);
    expect([...engine.volumes.keys()]).toEqual(['v_cache']);
  });
});

describe('ps, logs and down only see the project', () => {
  test('by label', async () => {
    const engine = new FakeEngine();
    await up(loadComposeText('services: {b: {image: y}, a: {image: x}}', { projectDir: '/p/one' }), engine, fast);
    await up(loadComposeText('services: {a: {image: x}}', { projectDir: '/p/two' }), engine, fast);
    expect((await ps(engine, { project: 'one' })).map((c) => [c.service, c.name, c.state])).toEqual([
      ['a', 'one-a', 'running'],
      ['b', 'one-b', 'running'],
    ]);
    expect((await ps(engine, { project: 'one', services: ['b'] })).map((c) => c.name)).toEqual(['one-b']);

    engine.logLines.set('one-a', ['a1', 'a2', 'a3']);
    engine.logLines.set('one-b', ['b1']);
    const lines: string[] = [];
    await projectLogs(engine, { project: 'one', tail: 2, onLine: (s, l) => lines.push(`${s}|${l.text}`) });
    expect(lines).toEqual(['a|a2', 'a|a3', 'b|b1']);
    await expect(projectLogs(engine, { project: 'one', services: ['zzz'], onLine: () => {} })).rejects.toThrow('no containers for service zzz of project one');

    const d = await down(engine, { project: 'one' });
    expect([...d.removed].sort()).toEqual(['one-a', 'one-b']);
    expect([...engine.containers.keys()]).toEqual(['two-a']);
    expect([...engine.networks.keys()]).toEqual(['two_default']);
    expect(await down(engine, { project: 'one' })).toEqual({ project: 'one', removed: [], volumes: [], kept: [] });
  });
});

describe('a failed up cleans up; down removes only what is labelled as the project', () => {
  const withVolumes = `
services:
  a:
    image: missing-image
    volumes: [{type: volume, source: cache, target: /c}, {type: volume, source: disc, target: /d}]
volumes:
  cache: {}
  disc: {driver: local, driver_opts: {type: tmpfs, device: tmpfs}}
`;

  test('an image that cannot be had: the service, the image error and its hint with --image; the network and tmpfs volume it created are removed, the cache volume kept', async () => {
    const engine = new FakeEngine();
    engine.run = async (spec) => {
      throw new ImageUnavailableError(spec.image, 'not-found', 'manifest unknown', 'docker', 'docker');
    };
    const e = await rejection(up(loadComposeText(withVolumes, { projectDir: '/p/f' }), engine, fast));
    expect(e.message).toBe('service a: image "missing-image" was not found: manifest unknown');
    expect(e.hint).toMatch(/load -i FILE.*; or run service a from another image: --image a=IMAGE$/);
    expect(e.details).toEqual([
      'undid what this up created:',
      '  kept volume f_cache: it may hold downloaded models, which the next up reuses ("modelstack local down --volumes" removes it)',
      '  removed volume f_disc',
      '  removed network f_default',
    ]);
    expect([...engine.volumes.keys()]).toEqual(['f_cache']);
    // down --volumes removes it, and only volumes labelled as the project's.
    await engine.createVolume('other_cache', { labels: { 'modelstack.io/project': 'other' } });
    expect(await down(engine, { project: 'f' })).toEqual({
      project: 'f',
      removed: [],
      volumes: [],
      kept: [{ kind: 'volume', name: 'f_cache', reason: 'it may hold downloaded models (remove it with "modelstack local down --volumes")' }],
    });
    expect(await down(engine, { project: 'f', volumes: true })).toEqual({ project: 'f', removed: [], volumes: [], dataVolumes: ['f_cache'], kept: [] });
    expect([...engine.volumes.keys()]).toEqual(['other_cache']);
    expect(engine.networks.size).toBe(0);
  });

  test('what existed before the failed up stays: the network and volumes of an earlier up, its running containers', async () => {
    const engine = new FakeEngine();
    const project = loadComposeText('{services: {a: {image: x, volumes: [{type: volume, source: cache, target: /c}]}, b: {image: y}}, volumes: {cache: {}}}', {
      projectDir: '/p/k',
    });
    await up(project, engine, { ...fast, services: ['a'] });
    engine.run = async (spec) => {
      throw new ImageUnavailableError(spec.image, 'pull-failed', 'dial tcp: connection refused', 'docker', 'docker');
    };
    engine.calls.length = 0;
    const e = await rejection(up(project, engine, fast));
    expect(e.message).toBe('service b: image "y" is not on this machine and could not be pulled: dial tcp: connection refused');
    expect(e.details).toEqual([]);
    expect(engine.calls).toEqual([]);
    expect([...engine.containers.keys()]).toEqual(['k-a']);
    expect([...engine.volumes.keys()]).toEqual(['k_cache']);
    expect([...engine.networks.keys()]).toEqual(['k_default']);
  });

  test("up joins a network of the project's name that another tool made, with a warning; down leaves it and says why", async () => {
    const engine = new FakeEngine();
    engine.networks.set('n_default', { 'org.example.tool': 'other' });
    const io = new RecordingIoHost();
    const r = await up(loadComposeText('services: {a: {image: x}}', { projectDir: '/p/n' }), engine, { ...fast, io });
    expect(r.networkCreated).toBe(false);
    expect(io.text('warn')).toEqual([
      'network n_default exists but was not created by modelstack for project n (no label modelstack.io/project=n): the containers join it, and "modelstack local down" leaves it',
    ]);
    const d = await down(engine, { project: 'n' });
    expect(d).toEqual({
      project: 'n',
      removed: ['n-a'],
      volumes: [],
      kept: [{ kind: 'network', name: 'n_default', reason: 'not created by modelstack for project n (no label modelstack.io/project=n)' }],
    });
    expect(engine.calls).not.toContain('network rm n_default');
    expect(engine.networks.has('n_default')).toBe(true);
  });

  test('a network of the project that others still use is left, with a note', async () => {
    const engine = new FakeEngine();
    await up(loadComposeText('services: {a: {image: x}}', { projectDir: '/p/u' }), engine, fast);
    await engine.run({ name: 'someone-else', image: 'z', network: 'u_default' });
    const d = await down(engine, { project: 'u' });
    expect(d.kept).toEqual([{ kind: 'network', name: 'u_default', reason: 'containers of other projects or tools are still attached to it' }]);
    expect(d.network).toBeUndefined();
    expect([...engine.containers.keys()]).toEqual(['someone-else']);
  });
});
