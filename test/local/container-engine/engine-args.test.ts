import { gpusFlagValue, portArg } from '../../../src/local/container-engine/cli-engine.js';
import type { RunSpec } from '../../../src/local/container-engine/container-engine.js';
import { DockerEngine } from '../../../src/local/container-engine/docker-engine.js';
import { NerdctlEngine } from '../../../src/local/container-engine/nerdctl-engine.js';
import { PodmanEngine } from '../../../src/local/container-engine/podman-engine.js';

const SPEC: RunSpec = {
  name: 'demo-web',
  image: 'localhost/modelstack-busybox:test',
  labels: { 'modelstack.io/project': 'demo', 'modelstack.io/service': 'web' },
  network: 'demo_default',
  alias: 'web',
  ports: [
    { hostIp: '127.0.0.1', hostPort: 18000, containerPort: 8000 },
    { hostIp: '127.0.0.1', containerPort: 9090 },
  ],
  env: [{ name: 'HF_TOKEN' }, { name: 'GREETING', value: 'hello world; $(rm -rf /)' }],
  volumes: [
    { source: 'demo_hf-cache', target: '/root/.cache/huggingface' },
    { source: '/etc/modelstack/serve.yaml', target: '/etc/serve.yaml', readOnly: true },
  ],
  user: '0:0',
  shmSize: '8g',
  ipc: 'host',
  entrypoint: ['python3', '-m', 'dynamo.frontend'],
  command: ['--http-port', '8000'],
};

/** Everything but the engine-specific alias and GPU flags is the same on all three. */
function expected(alias: string[], gpu: string[] = []): string[] {
  return [
    'run',
    '-d',
    '--name',
    'demo-web',
    '--label',
    'modelstack.io/project=demo',
    '--label',
    'modelstack.io/service=web',
    '--network',
    'demo_default',
    ...alias,
    '-p',
    '127.0.0.1:18000:8000',
    '-p',
    '127.0.0.1::9090',
    '--env',
    'HF_TOKEN',
    '--env',
    'GREETING=hello world; $(rm -rf /)',
    '-v',
    'demo_hf-cache:/root/.cache/huggingface',
    '-v',
    '/etc/modelstack/serve.yaml:/etc/serve.yaml:ro',
    '--user',
    '0:0',
    '--shm-size',
    '8g',
    '--ipc',
    'host',
    ...gpu,
    '--entrypoint=python3',
    'localhost/modelstack-busybox:test',
    '-m',
    'dynamo.frontend',
    '--http-port',
    '8000',
  ];
}

describe('run arguments (one array element per argument, no shell)', () => {
  test('docker: --network-alias, --gpus', () => {
    expect(new DockerEngine().runArgs({ ...SPEC, gpus: { count: 2 } })).toEqual(expected(['--network-alias', 'web'], ['--gpus', '2']));
  });

  test('podman: --network-alias, CDI devices for GPUs', () => {
    expect(new PodmanEngine().runArgs({ ...SPEC, gpus: { count: 2 } })).toEqual(
      expected(['--network-alias', 'web'], ['--device', 'nvidia.com/gpu=0', '--device', 'nvidia.com/gpu=1']),
    );
  });

  test('nerdctl: the alias is the hostname (no --network-alias), --gpus', () => {
    expect(new NerdctlEngine().runArgs({ ...SPEC, gpus: { all: true } })).toEqual(expected(['--hostname', 'web'], ['--gpus', 'all']));
  });

  test('HF_TOKEN is passed by name: its value never appears in the arguments', () => {
    const args = new DockerEngine({ env: { HF_TOKEN: 'hf_secret' } }).runArgs(SPEC);
    expect(args.join(' ')).not.toContain('hf_secret');
    expect(args[args.indexOf('HF_TOKEN') - 1]).toBe('--env');
  });

  test('a minimal spec, and an empty entrypoint clears the image one', () => {
    expect(new DockerEngine().runArgs({ name: 'a', image: 'img' })).toEqual(['run', '-d', '--name', 'a', 'img']);
    expect(new PodmanEngine().runArgs({ name: 'a', image: 'img', entrypoint: [], command: ['x'] })).toEqual([
      'run',
      '-d',
      '--name',
      'a',
      '--entrypoint=',
      'img',
      'x',
    ]);
  });

  test('GPU flag values', () => {
    expect(gpusFlagValue({ all: true })).toBe('all');
    expect(gpusFlagValue({ count: 1 })).toBe('1');
    expect(gpusFlagValue({ deviceIds: ['3'] })).toBe('device=3');
    // docker and nerdctl read --gpus as CSV: a list of devices must be quoted inside the value
    expect(gpusFlagValue({ deviceIds: ['0', '1'] })).toBe('"device=0,1"');
    expect(new PodmanEngine().gpuArgs({ deviceIds: ['2', '3'] })).toEqual(['--device', 'nvidia.com/gpu=2', '--device', 'nvidia.com/gpu=3']);
    expect(new PodmanEngine().gpuArgs({ all: true })).toEqual(['--device', 'nvidia.com/gpu=all']);
  });

  test('port arguments', () => {
    expect(portArg({ containerPort: 80 })).toBe('80');
    expect(portArg({ hostPort: 8080, containerPort: 80 })).toBe('8080:80');
    expect(portArg({ hostIp: '127.0.0.1', containerPort: 80 })).toBe('127.0.0.1::80');
    expect(portArg({ hostIp: '::1', hostPort: 1, containerPort: 80, protocol: 'udp' })).toBe('[::1]:1:80/udp');
  });
});

describe('other commands', () => {
  const labels = { 'modelstack.io/project': 'demo', 'modelstack.io/service': 'web' };

  test.each([new DockerEngine(), new PodmanEngine(), new NerdctlEngine()])('$name: ps, logs, network create', (rt) => {
    expect(rt.listArgs(labels)).toEqual([
      'ps',
      '-a',
      '--filter',
      'label=modelstack.io/project=demo',
      '--filter',
      'label=modelstack.io/service=web',
      '--format',
      '{{json .}}',
    ]);
    expect(rt.logsArgs('demo-web', { tail: 20, follow: true })).toEqual(['logs', '--tail', '20', '--follow', 'demo-web']);
    expect(rt.logsArgs('demo-web', {})).toEqual(['logs', 'demo-web']);
    expect(rt.networkCreateArgs('demo_default', { 'modelstack.io/project': 'demo' })).toEqual([
      'network',
      'create',
      '--label',
      'modelstack.io/project=demo',
      'demo_default',
    ]);
  });

  test('forced removal: podman needs -t 0 to kill at once', () => {
    expect(new DockerEngine().removeArgs('x')).toEqual(['rm', '-f', 'x']);
    expect(new NerdctlEngine().removeArgs('x')).toEqual(['rm', '-f', 'x']);
    expect(new PodmanEngine().removeArgs('x')).toEqual(['rm', '-f', '-t', '0', 'x']);
  });

  test('volumes with driver options: docker and podman pass them, nerdctl cannot', () => {
    const opts = { labels: { 'modelstack.io/project': 'demo' }, options: { type: 'tmpfs', device: 'tmpfs' } };
    const want = [
      'volume',
      'create',
      '--label',
      'modelstack.io/project=demo',
      '--driver',
      'local',
      '--opt',
      'type=tmpfs',
      '--opt',
      'device=tmpfs',
      'demo_disc',
    ];
    expect(new DockerEngine().volumeCreateArgs('demo_disc', opts)).toEqual(want);
    expect(new PodmanEngine().volumeCreateArgs('demo_disc', opts)).toEqual(want);
    expect(new NerdctlEngine().volumeOptions).toBe(false);
    expect(() => new NerdctlEngine().volumeCreateArgs('demo_disc', opts)).toThrow(/nerdctl cannot create volume demo_disc with driver options/);
    expect(new NerdctlEngine().volumeCreateArgs('demo_disc', { labels: opts.labels })).toEqual([
      'volume',
      'create',
      '--label',
      'modelstack.io/project=demo',
      'demo_disc',
    ]);
  });
});
