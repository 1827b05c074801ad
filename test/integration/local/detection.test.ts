// Engine detection against the real CLIs, with one engine made unavailable at a time: a
// DOCKER_HOST at a dead socket, a PATH without nerdctl, a podman configuration that is missing.
import { delimiter } from 'node:path';
import { localCommand } from '../../../src/cli/commands/local-command.js';
import { cliContextWith } from '../../support/cli-context.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { detectContainerEngine } from '../../../src/local/container-engine/detect.js';
import { describeWith, gate, readEnvFile, type EngineUnderTest, uniqueProject } from './engine-env.js';
import { rejection } from '../../support/thrown.js';

const gates = await Promise.all([gate('docker'), gate('podman'), gate('nerdctl')]);

describeWith('container engine detection (real CLIs)', gates, ([docker]) => {
  const base = (): NodeJS.ProcessEnv => (docker as EngineUnderTest).env;
  const deadSocket = `unix:///tmp/modelstack-dead-${process.pid}.sock`;
  const deadDocker = (): NodeJS.ProcessEnv => ({ ...base(), DOCKER_HOST: deadSocket });
  /** PATH without the directory that holds nerdctl. */
  const noNerdctl = (): NodeJS.ProcessEnv => {
    const extra = readEnvFile()!.MODELSTACK_EXTRA_PATH;
    return {
      ...base(),
      PATH: (base().PATH ?? '')
        .split(delimiter)
        .filter((d) => d !== extra)
        .join(delimiter),
    };
  };

  test('auto takes docker when it works', async () => {
    const d = await detectContainerEngine({ env: base() });
    expect(d.engine.name).toBe('docker');
    expect(d.skipped).toEqual([]);
    expect(d.probe.serverVersion).toBeTruthy();
  });

  test('auto falls back to podman when the docker daemon is unreachable, saying why', async () => {
    const d = await detectContainerEngine({ env: deadDocker() });
    expect(d.engine.name).toBe('podman');
    expect(d.skipped).toHaveLength(1);
    expect(d.skipped[0]!.engine).toBe('docker');
    expect(d.skipped[0]!.reason).toContain(`cannot reach ${deadSocket} (DOCKER_HOST)`);
    expect(d.skipped[0]!.hint).toMatch(/DOCKER_HOST/);
  });

  test('auto falls back to nerdctl when docker and podman both fail', async () => {
    const d = await detectContainerEngine({ env: { ...deadDocker(), CONTAINERS_CONF: '/nonexistent/containers.conf' } });
    expect(d.engine.name).toBe('nerdctl');
    expect(d.skipped.map((s) => s.engine)).toEqual(['docker', 'podman']);
    expect(d.skipped[1]!.reason).toContain('/nonexistent/containers.conf');
  });

  test('MODELSTACK_CONTAINER_ENGINE picks one explicitly', async () => {
    const d = await detectContainerEngine({ env: { ...base(), MODELSTACK_CONTAINER_ENGINE: 'nerdctl' } });
    expect(d).toMatchObject({ choice: 'nerdctl', source: 'env', skipped: [] });
    expect(d.probe.serverVersion).toMatch(/^containerd /);
  });

  test('an explicit engine that is unavailable is an error with the reason and a hint; no fallback', async () => {
    const missing = await rejection(detectContainerEngine({ env: { ...noNerdctl(), MODELSTACK_CONTAINER_ENGINE: 'nerdctl' } }));
    expect(missing.code).toBe('CONTAINER_RUNTIME');
    expect(missing.message).toBe('container engine nerdctl (chosen by MODELSTACK_CONTAINER_ENGINE) is not usable: "nerdctl" was not found on PATH');
    expect(missing.hint).toMatch(/apt-get install containerd.*github\.com\/containerd\/nerdctl\/releases/);

    const dead = await rejection(detectContainerEngine({ flag: 'docker', env: deadDocker() }));
    expect(dead.message).toMatch(
      new RegExp(
        `^container engine docker \\(chosen by --engine\\) is not usable: cannot reach ${deadSocket} \\(DOCKER_HOST\\): Cannot connect to the Docker daemon`,
      ),
    );
    expect(dead.hint).toMatch(/start the Docker daemon/);
  });

  test('the CLI shows the skipped engine and its reason, then works on the next one', async () => {
    const io = new RecordingIoHost();
    const project = uniqueProject('ms-it-detect');
    const out = await localCommand.run(['ps', '--project', project], cliContextWith(io, process.cwd(), deadDocker()));
    expect(out).toEqual({ stdout: `no containers for project ${project}\n`, exitCode: 0 });
    expect(io.text('warn')).toEqual([expect.stringMatching(new RegExp(`^container engine docker skipped: cannot reach ${deadSocket} \\(DOCKER_HOST\\)`))]);
    expect(io.text('info')).toEqual([expect.stringMatching(/^container engine: podman 4\.\d+\.\d+ \(auto\)$/)]);

    const explicit = await rejection(localCommand.run(['ps', '--project', project, '--engine', 'nerdctl'], cliContextWith(io, process.cwd(), noNerdctl())));
    expect(explicit.message).toMatch(/^container engine nerdctl \(chosen by --engine\) is not usable: "nerdctl" was not found on PATH/);
  });
});
