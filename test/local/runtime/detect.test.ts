import type { ContainerRuntime, ProbeResult, RuntimeName } from '../../../src/local/runtime/container-runtime.js';
import { AUTO_ORDER, detectRuntime, runtimeChoice } from '../../../src/local/runtime/detect.js';
import { rejection } from '../../support/thrown.js';

/** Runtimes whose probe answers from a table; records which were probed, in order. */
function fakes(available: Partial<Record<RuntimeName, string | true>>) {
  const probed: RuntimeName[] = [];
  const envs: NodeJS.ProcessEnv[] = [];
  const create = (name: RuntimeName, opts: { env?: NodeJS.ProcessEnv }): ContainerRuntime => {
    envs.push(opts.env ?? {});
    return {
      name,
      async probe(): Promise<ProbeResult> {
        probed.push(name);
        const a = available[name] ?? `"${name}" was not found on PATH`;
        return a === true
          ? { runtime: name, cli: name, available: true, clientVersion: '1.0', gpu: { available: false, reason: 'none' } }
          : { runtime: name, cli: name, available: false, reason: a, hint: `install ${name}`, gpu: { available: false, reason: 'none' } };
      },
    } as ContainerRuntime;
  };
  return { probed, envs, create };
}

describe('auto', () => {
  test('the order is docker, podman, nerdctl', () => {
    expect(AUTO_ORDER).toEqual(['docker', 'podman', 'nerdctl']);
  });

  test('the first runtime that works is taken; later ones are not probed', async () => {
    const f = fakes({ docker: true, podman: true });
    const d = await detectRuntime({ env: {}, create: f.create });
    expect(d).toMatchObject({ choice: 'auto', source: 'default', skipped: [] });
    expect(d.runtime.name).toBe('docker');
    expect(f.probed).toEqual(['docker']);
  });

  test('falls back in order, saying why each earlier runtime was skipped', async () => {
    const f = fakes({ docker: 'cannot reach unix:///run/dead.sock (DOCKER_HOST): connection refused', nerdctl: true });
    const d = await detectRuntime({ env: { MODELSTACK_CONTAINER_RUNTIME: 'auto' }, create: f.create });
    expect(d.runtime.name).toBe('nerdctl');
    expect(d.source).toBe('env');
    expect(d.skipped).toEqual([
      { runtime: 'docker', reason: 'cannot reach unix:///run/dead.sock (DOCKER_HOST): connection refused', hint: 'install docker' },
      { runtime: 'podman', reason: '"podman" was not found on PATH', hint: 'install podman' },
    ]);
    expect(f.probed).toEqual(['docker', 'podman', 'nerdctl']);
  });

  test('none works: one error listing every reason', async () => {
    const f = fakes({ docker: 'daemon down' });
    const e = await rejection(detectRuntime({ env: {}, create: f.create }));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toBe('no container runtime is usable (tried docker, podman, nerdctl)');
    expect(e.details).toEqual(['docker: daemon down', 'podman: "podman" was not found on PATH', 'nerdctl: "nerdctl" was not found on PATH']);
    expect(e.hint).toMatch(/apt-get install docker\.io.*apt-get install podman/);
  });

  test('the environment is handed to the runtimes unchanged', async () => {
    const env = { DOCKER_HOST: 'unix:///x', PATH: '/bin' };
    const f = fakes({ docker: true });
    await detectRuntime({ env, create: f.create });
    expect(f.envs[0]).toBe(env);
  });
});

describe('an explicit choice', () => {
  test('from the environment: used when it works, nothing else probed', async () => {
    const f = fakes({ docker: true, podman: true });
    const d = await detectRuntime({ env: { MODELSTACK_CONTAINER_RUNTIME: 'podman' }, create: f.create });
    expect(d).toMatchObject({ choice: 'podman', source: 'env', skipped: [] });
    expect(f.probed).toEqual(['podman']);
  });

  test('that fails: the probe reason and hint, no fallback', async () => {
    const f = fakes({ docker: true });
    const e = await rejection(detectRuntime({ env: { MODELSTACK_CONTAINER_RUNTIME: 'nerdctl' }, create: f.create }));
    expect(e.message).toBe('container runtime nerdctl (chosen by MODELSTACK_CONTAINER_RUNTIME) is not usable: "nerdctl" was not found on PATH');
    expect(e.hint).toBe('install nerdctl');
    expect(f.probed).toEqual(['nerdctl']);
  });

  test('the --runtime flag wins over the environment', async () => {
    const f = fakes({ docker: true, podman: 'broken' });
    const e = await rejection(detectRuntime({ flag: 'podman', env: { MODELSTACK_CONTAINER_RUNTIME: 'docker' }, create: f.create }));
    expect(e.message).toBe('container runtime podman (chosen by --runtime) is not usable: broken');
    const d = await detectRuntime({ flag: 'auto', env: { MODELSTACK_CONTAINER_RUNTIME: 'podman' }, create: f.create });
    expect(d).toMatchObject({ choice: 'auto', source: 'flag' });
    expect(d.runtime.name).toBe('docker');
  });

  test('unknown values are usage errors naming where they came from', () => {
    expect(() => runtimeChoice('containerd', {})).toThrow('--runtime "containerd" is not one of auto, docker, podman, nerdctl');
    expect(() => runtimeChoice(undefined, { MODELSTACK_CONTAINER_RUNTIME: 'lxc' })).toThrow('MODELSTACK_CONTAINER_RUNTIME "lxc" is not one of auto, docker, podman, nerdctl');
    expect(runtimeChoice(undefined, { MODELSTACK_CONTAINER_RUNTIME: ' Docker ' })).toEqual({ choice: 'docker', source: 'env' });
    expect(runtimeChoice(undefined, { MODELSTACK_CONTAINER_RUNTIME: '' })).toEqual({ choice: 'auto', source: 'default' });
  });
});
