import type { ContainerEngine, ProbeResult, ContainerEngineName } from '../../../src/local/container-engine/container-engine.js';
import { detectContainerEngine, engineChoice } from '../../../src/local/container-engine/detect.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { rejection } from '../../support/thrown.js';

/** Engines whose probe answers from a table; records which were probed, in order. */
function fakes(available: Partial<Record<ContainerEngineName, string | true>>) {
  const probed: ContainerEngineName[] = [];
  const create = (name: ContainerEngineName): ContainerEngine =>
    ({
      name,
      async probe(): Promise<ProbeResult> {
        probed.push(name);
        const a = available[name] ?? `"${name}" was not found on PATH`;
        return a === true
          ? { engine: name, cli: name, available: true, clientVersion: '1.0', gpu: { available: false, reason: 'none' } }
          : { engine: name, cli: name, available: false, reason: a, hint: `install ${name}`, gpu: { available: false, reason: 'none' } };
      },
    }) as ContainerEngine;
  return { probed, create };
}

describe('containerd is a name for nerdctl', () => {
  test('as a flag and in the environment, any case', async () => {
    expect(engineChoice('containerd', {})).toMatchObject({ choice: 'nerdctl', preference: ['nerdctl'], fallback: false });
    expect(engineChoice(undefined, { MODELSTACK_CONTAINER_ENGINE: ' ContainerD ' })).toMatchObject({ choice: 'nerdctl', source: 'env' });
    const f = fakes({ nerdctl: true });
    const d = await detectContainerEngine({ flag: 'containerd', env: {}, create: f.create });
    expect(d.engine.name).toBe('nerdctl');
    expect(f.probed).toEqual(['nerdctl']);
  });

  test('an unusable containerd choice fails loudly, naming nerdctl and the name used', async () => {
    const f = fakes({ docker: true });
    const e = await rejection(detectContainerEngine({ flag: 'containerd', env: {}, create: f.create }));
    expect(e.message).toBe('container engine nerdctl (chosen by --engine "containerd") is not usable: "nerdctl" was not found on PATH');
    expect(f.probed).toEqual(['nerdctl']);
  });
});

describe('a preference list', () => {
  test('MODELSTACK_CONTAINER_ENGINE=podman,docker tries podman, then docker, saying why podman was skipped', async () => {
    const f = fakes({ podman: 'runc create failed', docker: true, nerdctl: true });
    const io = new RecordingIoHost();
    const d = await detectContainerEngine({ env: { MODELSTACK_CONTAINER_ENGINE: 'podman,docker' }, create: f.create, io });
    expect(d.engine.name).toBe('docker');
    expect(d.skipped).toEqual([{ engine: 'podman', reason: 'runc create failed', hint: 'install podman' }]);
    expect(f.probed).toEqual(['podman', 'docker']);
    expect(io.messages.map((m) => m.message)).toEqual([
      'container engine podman skipped: runc create failed',
      'container engine: docker 1.0 (MODELSTACK_CONTAINER_ENGINE)',
    ]);
  });

  test('containerd in a list is nerdctl; spaces around names are ignored', async () => {
    const f = fakes({ nerdctl: true });
    const d = await detectContainerEngine({ env: { MODELSTACK_CONTAINER_ENGINE: 'podman, containerd ,docker' }, create: f.create });
    expect(d.engine.name).toBe('nerdctl');
    expect(f.probed).toEqual(['podman', 'nerdctl']);
  });

  test('none of the named engines works: one error with every reason, others not probed', async () => {
    const f = fakes({ podman: 'broken', docker: 'daemon down', nerdctl: true });
    const e = await rejection(detectContainerEngine({ env: { MODELSTACK_CONTAINER_ENGINE: 'podman,docker' }, create: f.create }));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toBe('no container engine of podman, docker (MODELSTACK_CONTAINER_ENGINE) is usable');
    expect(e.details).toEqual(['podman: broken', 'docker: daemon down']);
    expect(e.hint).toMatch(/install podman/);
    expect(f.probed).toEqual(['podman', 'docker']);
  });

  test('duplicates are tried once; unknown names are usage errors', () => {
    expect(engineChoice(undefined, { MODELSTACK_CONTAINER_ENGINE: 'podman,podman,docker' })).toMatchObject({
      preference: ['podman', 'docker'],
      fallback: true,
    });
    expect(() => engineChoice('podman,lxc', {})).toThrow('--engine "podman,lxc": "lxc" is not one of auto, docker, podman, nerdctl, containerd');
    expect(() => engineChoice('podman,,docker', {})).toThrow('--engine "podman,,docker" has an empty entry');
  });

  test('auto in a list stands for the engines not named yet, in the auto order', () => {
    expect(engineChoice('nerdctl,auto', {})).toMatchObject({ preference: ['nerdctl', 'docker', 'podman'], fallback: true });
  });
});

describe('--fallback', () => {
  test('--engine podman --fallback tries podman first, then the other engines in the auto order', async () => {
    const f = fakes({ podman: 'broken', docker: 'daemon down', nerdctl: true });
    const d = await detectContainerEngine({ flag: 'podman', fallback: true, env: {}, create: f.create });
    expect(d.engine.name).toBe('nerdctl');
    expect(d.skipped.map((s) => s.engine)).toEqual(['podman', 'docker']);
    expect(f.probed).toEqual(['podman', 'docker', 'nerdctl']);
  });

  test('without --fallback the same choice fails loudly and nothing else is probed', async () => {
    const f = fakes({ podman: 'broken', docker: true });
    const e = await rejection(detectContainerEngine({ flag: 'podman', env: {}, create: f.create }));
    expect(e.message).toBe('container engine podman (chosen by --engine) is not usable: broken');
    expect(f.probed).toEqual(['podman']);
  });
});
