import type { ContainerEngine, ProbeResult, ContainerEngineName } from '../../../src/local/container-engine/container-engine.js';
import { AUTO_ORDER, detectContainerEngine, engineChoice } from '../../../src/local/container-engine/detect.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { rejection } from '../../support/thrown.js';

/** Engines whose probe answers from a table; records which were probed, in order. */
function fakes(available: Partial<Record<ContainerEngineName, string | true>>) {
  const probed: ContainerEngineName[] = [];
  const envs: NodeJS.ProcessEnv[] = [];
  const create = (name: ContainerEngineName, opts: { env?: NodeJS.ProcessEnv }): ContainerEngine => {
    envs.push(opts.env ?? {});
    return {
      name,
      async probe(): Promise<ProbeResult> {
        probed.push(name);
        const a = available[name] ?? `"${name}" was not found on PATH`;
        return a === true
          ? { engine: name, cli: name, available: true, clientVersion: '1.0', gpu: { available: false, reason: 'none' } }
          : { engine: name, cli: name, available: false, reason: a, hint: `install ${name}`, gpu: { available: false, reason: 'none' } };
      },
    } as ContainerEngine;
  };
  return { probed, envs, create };
}

describe('auto', () => {
  test('the order is docker, podman, nerdctl', () => {
    expect(AUTO_ORDER).toEqual(['docker', 'podman', 'nerdctl']);
  });

  test('the first engine that works is taken; later ones are not probed', async () => {
    const f = fakes({ docker: true, podman: true });
    const d = await detectContainerEngine({ env: {}, create: f.create });
    expect(d).toMatchObject({ choice: 'auto', source: 'default', skipped: [] });
    expect(d.engine.name).toBe('docker');
    expect(f.probed).toEqual(['docker']);
  });

  test('falls back in order, saying why each earlier engine was skipped', async () => {
    const f = fakes({ docker: 'cannot reach unix:///run/dead.sock (DOCKER_HOST): connection refused', nerdctl: true });
    const d = await detectContainerEngine({ env: { MODELSTACK_CONTAINER_ENGINE: 'auto' }, create: f.create });
    expect(d.engine.name).toBe('nerdctl');
    expect(d.source).toBe('env');
    expect(d.skipped).toEqual([
      { engine: 'docker', reason: 'cannot reach unix:///run/dead.sock (DOCKER_HOST): connection refused', hint: 'install docker' },
      { engine: 'podman', reason: '"podman" was not found on PATH', hint: 'install podman' },
    ]);
    expect(f.probed).toEqual(['docker', 'podman', 'nerdctl']);
  });

  test('none works: one error listing every reason', async () => {
    const f = fakes({ docker: 'daemon down' });
    const e = await rejection(detectContainerEngine({ env: {}, create: f.create }));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toBe('no container engine is usable (tried docker, podman, nerdctl)');
    expect(e.details).toEqual(['docker: daemon down', 'podman: "podman" was not found on PATH', 'nerdctl: "nerdctl" was not found on PATH']);
    expect(e.hint).toMatch(/apt-get install docker\.io.*apt-get install podman/);
  });

  test('the environment is handed to the engines unchanged', async () => {
    const env = { DOCKER_HOST: 'unix:///x', PATH: '/bin' };
    const f = fakes({ docker: true });
    await detectContainerEngine({ env, create: f.create });
    expect(f.envs[0]).toBe(env);
  });
});

describe('an explicit choice', () => {
  test('from the environment: used when it works, nothing else probed', async () => {
    const f = fakes({ docker: true, podman: true });
    const d = await detectContainerEngine({ env: { MODELSTACK_CONTAINER_ENGINE: 'podman' }, create: f.create });
    expect(d).toMatchObject({ choice: 'podman', source: 'env', skipped: [] });
    expect(f.probed).toEqual(['podman']);
  });

  test('that fails: the probe reason and hint, no fallback', async () => {
    const f = fakes({ docker: true });
    const e = await rejection(detectContainerEngine({ env: { MODELSTACK_CONTAINER_ENGINE: 'nerdctl' }, create: f.create }));
    expect(e.message).toBe('container engine nerdctl (chosen by MODELSTACK_CONTAINER_ENGINE) is not usable: "nerdctl" was not found on PATH');
    expect(e.hint).toBe('install nerdctl');
    expect(f.probed).toEqual(['nerdctl']);
  });

  test('the --engine flag wins over the environment', async () => {
    const f = fakes({ docker: true, podman: 'broken' });
    const e = await rejection(detectContainerEngine({ flag: 'podman', env: { MODELSTACK_CONTAINER_ENGINE: 'docker' }, create: f.create }));
    expect(e.message).toBe('container engine podman (chosen by --engine) is not usable: broken');
    const d = await detectContainerEngine({ flag: 'auto', env: { MODELSTACK_CONTAINER_ENGINE: 'podman' }, create: f.create });
    expect(d).toMatchObject({ choice: 'auto', source: 'flag' });
    expect(d.engine.name).toBe('docker');
  });

  test('unknown values are usage errors naming where they came from', () => {
    expect(() => engineChoice('lxd', {})).toThrow('--engine "lxd" is not one of auto, docker, podman, nerdctl, containerd');
    expect(() => engineChoice(undefined, { MODELSTACK_CONTAINER_ENGINE: 'lxc' })).toThrow(
      'MODELSTACK_CONTAINER_ENGINE "lxc" is not one of auto, docker, podman, nerdctl, containerd',
    );
    expect(engineChoice(undefined, { MODELSTACK_CONTAINER_ENGINE: ' Docker ' })).toEqual({
      choice: 'docker',
      preference: ['docker'],
      fallback: false,
      source: 'env',
      from: 'MODELSTACK_CONTAINER_ENGINE',
    });
    expect(engineChoice(undefined, { MODELSTACK_CONTAINER_ENGINE: '' })).toEqual({
      choice: 'auto',
      preference: ['docker', 'podman', 'nerdctl'],
      fallback: true,
      source: 'default',
      from: 'auto',
    });
  });
});

describe('the old names', () => {
  test('--runtime and MODELSTACK_CONTAINER_RUNTIME still work, with a notice to use the new name', async () => {
    const f = fakes({ docker: true, podman: true });
    const io = new RecordingIoHost();
    const d = await detectContainerEngine({ flag: 'podman', flagName: '--runtime', env: {}, create: f.create, io });
    expect(d).toMatchObject({ choice: 'podman', source: 'flag', from: '--runtime' });
    expect(io.messages[0]).toEqual({
      level: 'warn',
      message: '--runtime is an old name: use --engine',
      code: 'ENGINE_ALIAS',
      data: { used: '--runtime', use: '--engine' },
    });

    const io2 = new RecordingIoHost();
    const e = await detectContainerEngine({ env: { MODELSTACK_CONTAINER_RUNTIME: 'podman' }, create: f.create, io: io2 });
    expect(e).toMatchObject({ choice: 'podman', source: 'env', from: 'MODELSTACK_CONTAINER_RUNTIME' });
    expect(io2.messages[0]).toEqual({
      level: 'warn',
      message: 'MODELSTACK_CONTAINER_RUNTIME is an old name: use MODELSTACK_CONTAINER_ENGINE',
      code: 'ENGINE_ALIAS',
      data: { used: 'MODELSTACK_CONTAINER_RUNTIME', use: 'MODELSTACK_CONTAINER_ENGINE' },
    });
  });

  test('the new environment variable wins over the old one, without a notice', () => {
    const io = new RecordingIoHost();
    expect(engineChoice(undefined, { MODELSTACK_CONTAINER_ENGINE: 'docker', MODELSTACK_CONTAINER_RUNTIME: 'podman' }, '--engine', io)).toMatchObject({
      choice: 'docker',
    });
    expect(io.messages).toEqual([]);
  });
});

describe('notices', () => {
  test('each skipped engine (warn), then the chosen one (info)', async () => {
    const f = fakes({ docker: 'daemon down', podman: true });
    const io = new RecordingIoHost();
    await detectContainerEngine({ env: {}, create: f.create, io });
    expect(io.messages).toEqual([
      { level: 'warn', message: 'container engine docker skipped: daemon down', code: 'ENGINE_SKIPPED', data: { engine: 'docker', reason: 'daemon down' } },
      { level: 'info', message: 'container engine: podman 1.0 (auto)', code: 'ENGINE_CHOSEN', data: { engine: 'podman', version: '1.0', source: 'auto' } },
    ]);
  });
});
