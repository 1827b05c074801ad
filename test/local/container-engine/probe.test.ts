import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerEngine } from '../../../src/local/container-engine/docker-engine.js';
import { gpuSupport } from '../../../src/local/container-engine/gpu-support.js';
import { NerdctlEngine } from '../../../src/local/container-engine/nerdctl-engine.js';
import { PodmanEngine } from '../../../src/local/container-engine/podman-engine.js';
import { removeTempDirs, tempDir } from '../../support/paths.js';
import { fail, fixture, NOT_FOUND, ok, ScriptedCli } from './fixtures.js';

afterAll(removeTempDirs);

const NO_GPU = { pathDirs: [], cdiDirs: [] };

describe('probe really runs version and info', () => {
  test('docker: client and engine versions, the daemon address', async () => {
    const cli = new ScriptedCli().on(['version'], ok(fixture('docker-version.json'))).on(['info'], ok(fixture('docker-info.json')));
    const p = await new DockerEngine({ exec: cli.exec, env: { DOCKER_HOST: 'unix:///run/x.sock' }, gpuLookup: NO_GPU }).probe();
    expect(p).toMatchObject({
      engine: 'docker',
      available: true,
      clientVersion: '28.2.2',
      serverVersion: '20.10.24+dfsg1',
      endpoint: 'unix:///run/x.sock (DOCKER_HOST)',
    });
    expect(p.gpu.available).toBe(false);
    expect(cli.commands().sort()).toEqual(['info --format {{json .}}', 'version --format {{json .}}']);
    expect(cli.calls[0]!.env).toEqual({ DOCKER_HOST: 'unix:///run/x.sock' });
  });

  test('podman: no daemon, its own version twice', async () => {
    const cli = new ScriptedCli().on(['version'], ok(fixture('podman-version.json'))).on(['info'], ok(fixture('podman-info.json')));
    const p = await new PodmanEngine({ exec: cli.exec, env: { CONTAINERS_CONF: '/c.conf' }, gpuLookup: NO_GPU }).probe();
    expect(p).toMatchObject({ available: true, clientVersion: '4.3.1', serverVersion: '4.3.1', endpoint: 'local storage (CONTAINERS_CONF=/c.conf)' });
  });

  test('nerdctl: containerd from the server components', async () => {
    const cli = new ScriptedCli()
      .on(['version'], ok(fixture('nerdctl-version.json'), 'time="2026-11-25T02:13:38Z" level=warning msg="unable to determine buildctl version"'))
      .on(['info'], ok(fixture('nerdctl-info.json')));
    const p = await new NerdctlEngine({ exec: cli.exec, env: { CONTAINERD_ADDRESS: '/run/c.sock' }, gpuLookup: NO_GPU }).probe();
    expect(p).toMatchObject({
      available: true,
      clientVersion: 'v2.2.2',
      serverVersion: 'containerd 1.6.20~ds1',
      endpoint: 'containerd at /run/c.sock (CONTAINERD_ADDRESS)',
    });
  });

  test('a missing CLI: not available, with the Debian install hint', async () => {
    const cli = new ScriptedCli().on([], NOT_FOUND);
    const p = await new DockerEngine({ exec: cli.exec, env: {} }).probe();
    expect(p).toMatchObject({ available: false, reason: '"docker" was not found on PATH' });
    expect(p.hint).toMatch(/apt-get install docker\.io/);
    const n = await new NerdctlEngine({ exec: cli.exec, env: {} }).probe();
    expect(n.hint).toMatch(/apt-get install containerd.*nerdctl/);
  });

  test('docker with its daemon down: the reason names the socket (recorded messages)', async () => {
    const cli = new ScriptedCli()
      .on(
        ['version'],
        fail(1, 'Cannot connect to the Docker daemon at unix:///tmp/nope.sock. Is the docker daemon running?', '{"Client":{"Version":"28.2.2"},"Server":null}'),
      )
      .on(['info'], fail(1, 'Cannot connect to the Docker daemon at unix:///tmp/nope.sock. Is the docker daemon running?'));
    const p = await new DockerEngine({ exec: cli.exec, env: { DOCKER_HOST: 'unix:///tmp/nope.sock' } }).probe();
    expect(p.available).toBe(false);
    expect(p.reason).toBe(
      'cannot reach unix:///tmp/nope.sock (DOCKER_HOST): Cannot connect to the Docker daemon at unix:///tmp/nope.sock. Is the docker daemon running?',
    );
    expect(p.clientVersion).toBe('28.2.2');
    expect(p.hint).toMatch(/start the Docker daemon/);
  });

  test('nerdctl with containerd down: logrus framing removed from the reason', async () => {
    const stderr =
      'time="2026-11-25T02:14:43Z" level=warning msg="unable to determine buildctl version" error="exec: \\"buildctl\\": executable file not found in $PATH"\n' +
      'time="2026-11-25T02:14:43Z" level=fatal msg="cannot access containerd socket \\"/tmp/nope.sock\\": no such file or directory"';
    const cli = new ScriptedCli().on([], fail(1, stderr));
    const p = await new NerdctlEngine({ exec: cli.exec, env: { CONTAINERD_ADDRESS: '/tmp/nope.sock' } }).probe();
    expect(p.reason).toBe(
      'cannot reach containerd at /tmp/nope.sock (CONTAINERD_ADDRESS): cannot access containerd socket "/tmp/nope.sock": no such file or directory',
    );
  });

  test('podman whose configuration is broken', async () => {
    const cli = new ScriptedCli()
      .on(['version'], ok(fixture('podman-version.json')))
      .on(
        ['info'],
        fail(125, 'time="2026-11-25T02:14:43Z" level=error msg="finding config on system: CONTAINERS_CONF file: stat /tmp/x.conf: no such file or directory"'),
      );
    const p = await new PodmanEngine({ exec: cli.exec, env: {} }).probe();
    expect(p).toMatchObject({
      available: false,
      reason: '"podman info" failed: finding config on system: CONTAINERS_CONF file: stat /tmp/x.conf: no such file or directory',
    });
  });

  test("podman's docker shim (no server part) is not taken for docker", async () => {
    const cli = new ScriptedCli().on(['version'], ok(fixture('podman-version.json'))).on(['info'], ok(fixture('podman-info.json')));
    const p = await new DockerEngine({ exec: cli.exec, env: {} }).probe();
    expect(p.available).toBe(false);
    expect(p.reason).toMatch(/without a Docker engine/);
  });

  test('a hanging CLI times out', async () => {
    const cli = new ScriptedCli().on([], { exitCode: -1, stdout: '', stderr: '', notFound: false, timedOut: true });
    const p = await new DockerEngine({ exec: cli.exec, env: {} }).probe();
    expect(p.reason).toBe('cannot reach unix:///var/run/docker.sock: timed out');
  });
});

describe('GPU support', () => {
  test('none of the helpers', () => {
    expect(gpuSupport('docker', JSON.parse(fixture('docker-info.json')), {}, NO_GPU).available).toBe(false);
    expect(gpuSupport('nerdctl', {}, {}, NO_GPU)).toEqual({ available: false, reason: 'no nvidia-container-cli on PATH (NVIDIA container toolkit)' });
    expect(gpuSupport('podman', {}, {}, NO_GPU).available).toBe(false);
  });

  test('docker: an nvidia runtime, or the toolkit hook on PATH', () => {
    expect(gpuSupport('docker', { Runtimes: { runc: {}, nvidia: { path: 'nvidia-container-runtime' } } }, {}, NO_GPU)).toEqual({
      available: true,
      reason: 'docker has the "nvidia" runtime',
    });
    const bin = tempDir();
    writeFileSync(join(bin, 'nvidia-container-runtime-hook'), '#!/bin/sh\n');
    chmodSync(join(bin, 'nvidia-container-runtime-hook'), 0o755);
    expect(gpuSupport('docker', {}, { PATH: `/nonexistent:${bin}` }, { cdiDirs: [] }).available).toBe(true);
  });

  test('podman: a CDI spec that names nvidia.com/gpu', () => {
    const cdi = tempDir();
    mkdirSync(cdi, { recursive: true });
    writeFileSync(join(cdi, 'other.yaml'), 'kind: example.com/thing\n');
    expect(gpuSupport('podman', {}, {}, { pathDirs: [], cdiDirs: [cdi] }).available).toBe(false);
    writeFileSync(join(cdi, 'nvidia.yaml'), 'cdiVersion: 0.5.0\nkind: nvidia.com/gpu\n');
    expect(gpuSupport('podman', {}, {}, { pathDirs: [], cdiDirs: [cdi] })).toEqual({
      available: true,
      reason: `CDI spec ${join(cdi, 'nvidia.yaml')} names nvidia.com/gpu`,
    });
  });
});
