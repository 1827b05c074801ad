import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelstackError } from '../../../src/errors.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { parseImageOverrides } from '../../../src/local/run/image-overrides.js';
import { up } from '../../../src/local/run/up.js';
import { removeTempDirs, tempDir } from '../../support/paths.js';
import { FakeEngine } from './fake-engine.js';
import { rejection } from '../../support/thrown.js';

afterAll(removeTempDirs);

const YAML = `
name: demo
services:
  worker:
    build:
      context: ./worker
      dockerfile: docker/Dockerfile.cpu
      args: {GREETING: hi, FROM_ENV: null}
      target: runtime
  frontend:
    image: registry.local/frontend:dev
    build: ./frontend
    depends_on: [worker]
  plain:
    image: img-plain
`;

describe('build: in the compose file', () => {
  test('context and Dockerfile resolve against the project directory; the image is <project>-<service> unless named', () => {
    const dir = tempDir();
    const p = loadComposeText(YAML, { projectDir: dir, env: { FROM_ENV: 'from the environment' } });
    const worker = p.services.find((s) => s.name === 'worker')!;
    expect(worker.image).toBe('demo-worker');
    expect(worker.build).toEqual({
      context: join(dir, 'worker'),
      dockerfile: join(dir, 'worker', 'docker/Dockerfile.cpu'),
      args: { GREETING: 'hi', FROM_ENV: 'from the environment' },
      target: 'runtime',
    });
    const frontend = p.services.find((s) => s.name === 'frontend')!;
    expect(frontend.image).toBe('registry.local/frontend:dev');
    expect(frontend.build).toEqual({ context: join(dir, 'frontend'), args: {} });
    expect(p.warnings).toEqual([]);
  });

  test('what is not supported is said: unknown build keys are ignored with a warning, an inline Dockerfile is an error', () => {
    const p = loadComposeText(`services: {w: {build: {context: ., cache_from: [x]}}}`, { project: 'demo', projectDir: '/p' });
    expect(p.warnings).toEqual(['services.w.build.cache_from is not supported by modelstack local and is ignored']);
    expect(() => loadComposeText(`services: {w: {build: {dockerfile_inline: "FROM x"}}}`, { project: 'demo' })).toThrow(
      'compose file: services.w.build.dockerfile_inline is not supported (write the Dockerfile to a file)',
    );
    expect(() => loadComposeText(`services: {w: {}}`, { project: 'demo' })).toThrow('compose file: services.w.image is missing (or give build:)');
  });
});

describe('up builds first', () => {
  function project(dir: string) {
    mkdirSync(join(dir, 'worker'), { recursive: true });
    writeFileSync(join(dir, 'worker', 'Dockerfile'), 'FROM base\n');
    return loadComposeText(YAML, { projectDir: dir, env: {} });
  }

  test('each build: service is built with the engine before anything starts, with progress; its image runs', async () => {
    const engine = new FakeEngine();
    const io = new RecordingIoHost();
    const dir = tempDir();
    await up(project(dir), engine, { io, pollIntervalMs: 20, stateDir: '/nonexistent-state' });
    expect(engine.calls.slice(0, 3)).toEqual([
      `build demo-worker ${join(dir, 'worker')}`,
      `build registry.local/frontend:dev ${join(dir, 'frontend')}`,
      'network create demo_default',
    ]);
    expect(engine.containers.get('demo-worker')!.spec.image).toBe('demo-worker');
    expect(engine.containers.get('demo-worker')!.spec.labels!['modelstack.io/image-id']).toBe('sha256:demo-worker');
    expect(io.text('info')).toEqual(
      expect.arrayContaining([
        `worker: building demo-worker with docker from ${join(dir, 'worker')}`,
        'worker | STEP 1/1: FROM base (demo-worker)',
        expect.stringMatching(/^worker: built demo-worker \(sha256:demo-worker\) in \d+\.\ds$/),
      ]),
    );
  });

  test('a rebuilt image with a new id recreates the container; the same id leaves it running', async () => {
    const engine = new FakeEngine();
    const dir = tempDir();
    const opts = { pollIntervalMs: 20, stateDir: '/nonexistent-state' };
    await up(project(dir), engine, opts);
    const same = await up(project(dir), engine, opts);
    expect(same.services.map((s) => s.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    engine.builtImageId = (spec) => `sha256:${spec.tag}-v2`;
    const changed = await up(project(dir), engine, opts);
    expect(changed.services.map((s) => [s.service, s.action])).toEqual([
      ['worker', 'recreated'],
      ['frontend', 'recreated'],
      ['plain', 'unchanged'],
    ]);
  });

  test('--image for a build: service runs that image instead and skips its build', async () => {
    const engine = new FakeEngine();
    const dir = tempDir();
    await up(project(dir), engine, { images: parseImageOverrides(['worker=prebuilt:1']), pollIntervalMs: 20, stateDir: '/nonexistent-state' });
    expect(engine.calls.filter((c) => c.startsWith('build'))).toEqual([`build registry.local/frontend:dev ${join(dir, 'frontend')}`]);
    expect(engine.containers.get('demo-worker')!.spec.image).toBe('prebuilt:1');
  });

  test("a failed build stops up before anything is created, naming the service, with the build's own error", async () => {
    const engine = new FakeEngine();
    engine.buildError = new ModelstackError('LOCAL', 'docker could not build demo-worker from /x: COPY failed: no source files', {
      details: ['Step 2/3 : COPY x /'],
    });
    const e = await rejection(up(project(tempDir()), engine, { stateDir: '/nonexistent-state' }));
    expect(e.message).toBe('service worker: docker could not build demo-worker from /x: COPY failed: no source files');
    expect(e.details).toEqual(['Step 2/3 : COPY x /']);
    expect(engine.calls).toEqual([expect.stringMatching(/^build demo-worker /)]);
  });
});
