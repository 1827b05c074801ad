// Runtime detection against the real CLIs, with one runtime made unavailable at a time: a
// DOCKER_HOST at a dead socket, a PATH without nerdctl, a podman configuration that is missing.
import { delimiter } from 'node:path';
import { localCommand } from '../../../src/cli/commands/local-command.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { detectRuntime } from '../../../src/local/runtime/detect.js';
import { describeWith, gate, readEnvFile, type RuntimeUnderTest, uniqueProject } from './runtime-env.js';
import { rejection } from '../../support/thrown.js';

const gates = await Promise.all([gate('docker'), gate('podman'), gate('nerdctl')]);

describeWith('container runtime detection (real CLIs)', gates, ([docker]) => {
  const base = (): NodeJS.ProcessEnv => (docker as RuntimeUnderTest).env;
  const deadSocket = `unix:///tmp/modelstack-dead-${process.pid}.sock`;
  const deadDocker = (): NodeJS.ProcessEnv => ({ ...base(), DOCKER_HOST: deadSocket });
  /** PATH without the directory that holds nerdctl. */
  const noNerdctl = (): NodeJS.ProcessEnv => {
    const extra = readEnvFile()!.MODELSTACK_EXTRA_PATH;
    return { ...base(), PATH: (base().PATH ?? '').split(delimiter).filter((d) => d !== extra).join(delimiter) };
  };

  test('auto takes docker when it works', async () => {
    const d = await detectRuntime({ env: base() });
    expect(d.runtime.name).toBe('docker');
    expect(d.skipped).toEqual([]);
    expect(d.probe.serverVersion).toBeTruthy();
  });

  test('auto falls back to podman when the docker daemon is unreachable, saying why', async () => {
    const d = await detectRuntime({ env: deadDocker() });
    expect(d.runtime.name).toBe('podman');
    expect(d.skipped).toHaveLength(1);
    expect(d.skipped[0]!.runtime).toBe('docker');
    expect(d.skipped[0]!.reason).toContain(`cannot reach ${deadSocket} (DOCKER_HOST)`);
    expect(d.skipped[0]!.hint).toMatch(/DOCKER_HOST/);
  });

  test('auto falls back to nerdctl when docker and podman both fail', async () => {
    const d = await detectRuntime({ env: { ...deadDocker(), CONTAINERS_CONF: '/nonexistent/containers.conf' } });
    expect(d.runtime.name).toBe('nerdctl');
    expect(d.skipped.map((s) => s.runtime)).toEqual(['docker', 'podman']);
    expect(d.skipped[1]!.reason).toContain('/nonexistent/containers.conf');
  });

  test('MODELSTACK_CONTAINER_RUNTIME picks one explicitly', async () => {
    const d = await detectRuntime({ env: { ...base(), MODELSTACK_CONTAINER_RUNTIME: 'nerdctl' } });
    expect(d).toMatchObject({ choice: 'nerdctl', source: 'env', skipped: [] });
    expect(d.probe.serverVersion).toMatch(/^containerd /);
  });

  test('an explicit runtime that is unavailable is an error with the reason and a hint; no fallback', async () => {
    const missing = await rejection(detectRuntime({ env: { ...noNerdctl(), MODELSTACK_CONTAINER_RUNTIME: 'nerdctl' } }));
    expect(missing.code).toBe('CONTAINER_RUNTIME');
    expect(missing.message).toBe('container runtime nerdctl (chosen by MODELSTACK_CONTAINER_RUNTIME) is not usable: "nerdctl" was not found on PATH');
    expect(missing.hint).toMatch(/apt-get install containerd.*github\.com\/containerd\/nerdctl\/releases/);

    const dead = await rejection(detectRuntime({ flag: 'docker', env: deadDocker() }));
    expect(dead.message).toMatch(new RegExp(`^container runtime docker \\(chosen by --runtime\\) is not usable: cannot reach ${deadSocket} \\(DOCKER_HOST\\): Cannot connect to the Docker daemon`));
    expect(dead.hint).toMatch(/start the Docker daemon/);
  });

  test('the CLI shows the skipped runtime and its reason, then works on the next one', async () => {
    const io = new RecordingIoHost();
    const project = uniqueProject('ms-it-detect');
    const out = await localCommand.run(['ps', '--project', project], { io, cwd: process.cwd(), env: deadDocker() });
    expect(out).toEqual({ stdout: `no containers for project ${project}\n`, exitCode: 0 });
    expect(io.text('warn')).toEqual([expect.stringMatching(new RegExp(`^container runtime docker skipped: cannot reach ${deadSocket} \\(DOCKER_HOST\\)`))]);
    expect(io.text('info')).toEqual([expect.stringMatching(/^container runtime: podman 4\.\d+\.\d+ \(auto\)$/)]);

    const explicit = await rejection(localCommand.run(['ps', '--project', project, '--runtime', 'nerdctl'], { io, cwd: process.cwd(), env: noNerdctl() }));
    expect(explicit.message).toMatch(/^container runtime nerdctl \(chosen by --runtime\) is not usable: "nerdctl" was not found on PATH/);
  });
});
