import { gpuSyntaxFor } from '../../../src/local/compose/gpu-syntax.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import type { ComposeFile } from '../../../src/local/compose/compose-types.js';
import { createContainerEngine } from '../../../src/local/container-engine/detect.js';
import type { CliEngine } from '../../../src/local/container-engine/cli-engine.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { planProject } from '../../../src/local/run/run-plan.js';

/** One worker reserving GPUs as `device` says, one frontend without. */
function file(device: { count?: number; device_ids?: readonly string[] }): ComposeFile {
  return {
    name: 'demo',
    services: {
      worker: {
        image: 'img',
        restart: 'no',
        labels: {},
        'x-modelstack': { model: 'm', role: 'worker' },
        deploy: { resources: { reservations: { devices: [{ driver: 'nvidia', ...device, capabilities: ['gpu'] }] } } },
      },
      frontend: { image: 'img', restart: 'no', labels: {}, 'x-modelstack': { model: 'm', role: 'frontend' } },
    },
  } as unknown as ComposeFile;
}

const GPU = { available: true, reason: 'test' };

/** The GPU flags of the worker's run arguments after rendering for `engine` and reading back. */
function gpuArgs(engine: 'docker' | 'podman' | 'nerdctl', device: { count?: number; device_ids?: readonly string[] }): string[] {
  const text = renderCompose(gpuSyntaxFor(engine, file(device)));
  const plan = planProject(loadComposeText(text), { gpuSupport: GPU });
  const args = (createContainerEngine(engine) as CliEngine).runArgs(plan.services.find((s) => s.service === 'worker')!.spec);
  return args.flatMap((a, i) => (a === '--gpus' || a === '--device' ? [a, args[i + 1]!] : []));
}

describe('the compose file says GPUs the way each engine reads them', () => {
  test('docker and nerdctl: deploy.resources.reservations.devices (docker compose; nerdctl compose reads the same field)', () => {
    for (const engine of ['docker', 'nerdctl'] as const) {
      const out = gpuSyntaxFor(engine, file({ count: 2 }));
      expect(out.services.worker!.deploy).toEqual({ resources: { reservations: { devices: [{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }] } } });
      expect(out.services.worker!.devices).toBeUndefined();
    }
  });

  test('podman: CDI device names under devices, no deploy reservation (podman does not read it)', () => {
    expect(gpuSyntaxFor('podman', file({ count: 2 })).services.worker).toMatchObject({ devices: ['nvidia.com/gpu=0', 'nvidia.com/gpu=1'] });
    expect(gpuSyntaxFor('podman', file({ count: 2 })).services.worker!.deploy).toBeUndefined();
    expect(gpuSyntaxFor('podman', file({ device_ids: ['1', '3'] })).services.worker!.devices).toEqual(['nvidia.com/gpu=1', 'nvidia.com/gpu=3']);
    expect(gpuSyntaxFor('podman', file({})).services.worker!.devices).toEqual(['nvidia.com/gpu=all']);
    expect(gpuSyntaxFor('podman', file({ count: 1 })).services.frontend).not.toHaveProperty('devices');
  });
});

describe('rendered for an engine, read back and run on it: the GPU flags that engine takes', () => {
  test.each([
    ['docker', { count: 2 }, ['--gpus', '2']],
    ['docker', { device_ids: ['1', '3'] }, ['--gpus', '"device=1,3"']],
    ['docker', {}, ['--gpus', 'all']],
    ['nerdctl', { count: 1 }, ['--gpus', '1']],
    ['nerdctl', { device_ids: ['2'] }, ['--gpus', 'device=2']],
    ['podman', { count: 2 }, ['--device', 'nvidia.com/gpu=0', '--device', 'nvidia.com/gpu=1']],
    ['podman', { device_ids: ['3'] }, ['--device', 'nvidia.com/gpu=3']],
    ['podman', {}, ['--device', 'nvidia.com/gpu=all']],
  ] as const)('%s %j', (engine, device, expected) => {
    expect(gpuArgs(engine, device)).toEqual(expected);
  });
});

describe('reading the other GPU spellings of hand-written files', () => {
  test('CDI names under devices and the compose gpus key are GPU reservations; other devices are ignored with a warning', () => {
    const p = loadComposeText(`
name: demo
services:
  a: {image: i, devices: [nvidia.com/gpu=all]}
  b: {image: i, devices: ["nvidia.com/gpu=0", "nvidia.com/gpu=2"]}
  c: {image: i, gpus: all}
  d: {image: i, gpus: [{driver: nvidia, count: 2}]}
  e: {image: i, devices: ["/dev/fuse:/dev/fuse"]}
`);
    expect(p.services.map((s) => [s.name, s.gpus])).toEqual([
      ['a', { all: true }],
      ['b', { deviceIds: ['0', '2'] }],
      ['c', { all: true }],
      ['d', { count: 2 }],
      ['e', undefined],
    ]);
    expect(p.warnings).toEqual(['services.e.devices "/dev/fuse:/dev/fuse" is not supported by modelstack local (only NVIDIA GPUs by CDI name) and is ignored']);
  });
});
