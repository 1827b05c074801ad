import type { BuildSpec } from '../../../src/local/container-engine/container-engine.js';
import { DockerEngine } from '../../../src/local/container-engine/docker-engine.js';
import { NerdctlEngine } from '../../../src/local/container-engine/nerdctl-engine.js';
import { PodmanEngine } from '../../../src/local/container-engine/podman-engine.js';
import { rejection } from '../../support/thrown.js';
import { tempDir, removeTempDirs } from '../../support/paths.js';

afterAll(removeTempDirs);

const SPEC: BuildSpec = {
  context: '/src/app',
  dockerfile: '/src/app/docker/Dockerfile.cpu',
  args: { GREETING: 'hello world', EMPTY: '' },
  target: 'runtime',
  tag: 'demo-worker',
  labels: { 'modelstack.io/project': 'demo' },
};

function expected(pull: string): string[] {
  return [
    'build',
    '-t',
    'demo-worker',
    '-f',
    '/src/app/docker/Dockerfile.cpu',
    '--build-arg',
    'GREETING=hello world',
    '--build-arg',
    'EMPTY=',
    '--target',
    'runtime',
    '--label',
    'modelstack.io/project=demo',
    pull,
    '/src/app',
  ];
}

describe('build arguments: the engine does not pull base images it has', () => {
  test('docker: --pull=false (it has no never policy: a missing base image is still pulled)', () => {
    expect(new DockerEngine().buildArgs(SPEC)).toEqual(expected('--pull=false'));
  });
  test('podman: --pull=never (podman 4.3 reads --pull=false as "missing" and would pull)', () => {
    expect(new PodmanEngine().buildArgs(SPEC)).toEqual(expected('--pull=never'));
  });
  test('nerdctl: --pull=false', () => {
    expect(new NerdctlEngine().buildArgs(SPEC)).toEqual(expected('--pull=false'));
  });
  test('only the context is required', () => {
    expect(new DockerEngine().buildArgs({ context: '/c', tag: 't' })).toEqual(['build', '-t', 't', '--pull=false', '/c']);
  });
});

describe('nerdctl needs BuildKit', () => {
  test('without buildctl on PATH the build fails before running, naming buildctl and buildkitd', async () => {
    const calls: string[][] = [];
    const engine = new NerdctlEngine({
      env: { PATH: tempDir() },
      exec: async (_file, args) => {
        calls.push([...args]);
        return { exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false };
      },
    });
    const e = await rejection(engine.build({ context: '/c', tag: 't' }));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toBe('nerdctl cannot build images here: it builds through BuildKit, and buildctl is not on PATH');
    expect(e.hint).toMatch(/buildkitd/);
    expect(calls).toEqual([]);
  });
});
