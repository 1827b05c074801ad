import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatDown, formatPs, formatUp, localCommand } from '../../../src/cli/commands/local-command.js';
import type { CommandContext } from '../../../src/cli/command.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { cliContext, cliContextWith } from '../../support/cli-context.js';
import { fixtureApp, removeTempDirs, tempDir } from '../../support/paths.js';
import { rejection } from '../../support/thrown.js';

afterAll(removeTempDirs);

function ctx(env: NodeJS.ProcessEnv = {}, cwd = tempDir()): CommandContext {
  return cliContext(cwd, env);
}

describe('usage errors, before anything runs', () => {
  test.each([
    [[], 'local: missing subcommand'],
    [['start'], 'local: unknown subcommand "start"'],
    [['up', '--image', 'frontend'], '--image "frontend" is not NAME=IMAGE'],
    [['up', '--timeout', '0'], '--timeout "0" is not a positive number'],
    [['up', '--scale', 'worker=two'], '--scale "worker=two" is not SERVICE=N'],
    [['up', '--runtime', 'lxc', '--file', '/nonexistent.yaml'], 'cannot read the compose file /nonexistent.yaml'],
    [['ps', '--project', 'p', '--runtime', 'lxc'], '--runtime "lxc" is not one of auto, docker, podman, nerdctl'],
    [['ps', '--project', 'p', '-o', 'yaml'], '-o "yaml" is not one of table, json'],
    [['logs', '--project', 'p', '--tail', '1.5'], '--tail "1.5" is not a whole number'],
    [['compose', '--file', 'x.yaml'], 'local compose: --file is an input of up/down/ps/logs, not of compose'],
    [['compose', '--flavor', 'fast'], '--flavor "fast" is not one of runtime, engine'],
    [['compose', '--engine', 'lxd'], '--engine "lxd" is not one of docker, podman, nerdctl, containerd'],
    [['up', '--file', 'x.yaml', '--app', 'y'], 'local: --file cannot be combined with --app, --flavor or --profile'],
    [['up', '--profile', 'tpu'], '--profile "tpu" is not one of gpu, cpu'],
    [['down', '--bogus'], "local down: Unknown option '--bogus'"],
  ])('%j', async (argv, message) => {
    const e = await rejection(localCommand.run(argv, ctx()));
    expect(e.message.startsWith(message)).toBe(true);
  });
});

describe('runtime selection', () => {
  test('an explicit runtime that is not installed: error with the reason and an install hint', async () => {
    const e = await rejection(localCommand.run(['ps', '--project', 'p'], ctx({ PATH: '/nonexistent', MODELSTACK_CONTAINER_RUNTIME: 'podman' })));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toBe('container engine podman (chosen by MODELSTACK_CONTAINER_RUNTIME) is not usable: "podman" was not found on PATH');
    expect(e.hint).toMatch(/apt-get install podman/);
    const flag = await rejection(localCommand.run(['ps', '--project', 'p', '--runtime', 'nerdctl'], ctx({ PATH: '/nonexistent' })));
    expect(flag.message).toMatch(/^container engine nerdctl \(chosen by --runtime\) is not usable/);
  });

  test('--engine containerd is nerdctl; --fallback goes on to the other engines, naming each reason', async () => {
    const one = await rejection(localCommand.run(['ps', '--project', 'p', '--engine', 'containerd'], ctx({ PATH: '/nonexistent' })));
    expect(one.message).toBe('container engine nerdctl (chosen by --engine "containerd") is not usable: "nerdctl" was not found on PATH');
    const all = await rejection(localCommand.run(['ps', '--project', 'p', '--engine', 'podman', '--fallback'], ctx({ PATH: '/nonexistent' })));
    expect(all.message).toBe('no container engine of podman, docker, nerdctl (--engine) is usable');
    expect(all.details).toEqual([
      'podman: "podman" was not found on PATH',
      'docker: "docker" was not found on PATH',
      'nerdctl: "nerdctl" was not found on PATH',
    ]);
    const list = await rejection(localCommand.run(['down', '--project', 'p'], ctx({ PATH: '/nonexistent', MODELSTACK_CONTAINER_ENGINE: 'podman,docker' })));
    expect(list.details).toEqual(['podman: "podman" was not found on PATH', 'docker: "docker" was not found on PATH']);
  });

  test('auto with nothing installed lists why each was skipped', async () => {
    const e = await rejection(localCommand.run(['down', '--project', 'p'], ctx({ PATH: '/nonexistent' })));
    expect(e.message).toBe('no container engine is usable (tried docker, podman, nerdctl)');
    expect(e.details).toEqual(['docker: "docker" was not found on PATH', 'podman: "podman" was not found on PATH', 'nerdctl: "nerdctl" was not found on PATH']);
  });
});

describe('local compose', () => {
  test('to stdout, and atomically to --out', async () => {
    const cwd = tempDir();
    const app = fixtureApp('ok');
    const io = new RecordingIoHost();
    const printed = await localCommand.run(['compose', '--app', app], cliContextWith(io, cwd, process.env));
    expect(printed.exitCode).toBe(0);
    const doc = parse(printed.stdout) as { name: string; services: Record<string, { 'x-modelstack': unknown }> };
    expect(doc.name).toBe('fixture');
    expect(Object.keys(doc.services).length).toBeGreaterThan(1);

    writeFileSync(join(cwd, 'compose.yaml'), 'old content\n');
    const written = await localCommand.run(['compose', '--app', app, '--out', 'compose.yaml', '--flavor', 'runtime'], cliContextWith(io, cwd, process.env));
    expect(written.stdout).toBe(`wrote ${join(cwd, 'compose.yaml')}\n`);
    expect(readFileSync(join(cwd, 'compose.yaml'), 'utf8')).toBe(printed.stdout);
    expect(readdirSync(cwd)).toEqual(['compose.yaml']);
  }, 60_000);
});

describe('output', () => {
  test('up', () => {
    expect(
      formatUp({
        project: 'demo',
        engine: 'podman',
        network: 'demo_default',
        networkCreated: true,
        services: [
          { service: 'worker', container: 'demo-worker', action: 'created', readyAfterMs: 61_234, url: 'http://127.0.0.1:18001/health', ports: [] },
          { service: 'frontend', container: 'demo-frontend', action: 'unchanged', readyAfterMs: 80, ports: [] },
        ],
        orphans: [],
        orphansRemoved: false,
        scaledDown: [],
        warnings: [],
      }),
    ).toBe(
      'project demo is up on podman (network demo_default)\n' +
        'SERVICE   CONTAINER      ACTION     READY  URL\n' +
        'worker    demo-worker    created    61.2s  http://127.0.0.1:18001/health\n' +
        'frontend  demo-frontend  unchanged  0.1s   -\n',
    );
  });

  test('ps and down', () => {
    expect(formatPs('demo', [])).toBe('no containers for project demo\n');
    expect(
      formatPs('demo', [
        {
          id: 'x',
          name: 'demo-a',
          image: 'img',
          state: 'running',
          exitCode: 0,
          labels: {},
          service: 'a',
          ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18000 }],
        },
        { id: 'y', name: 'demo-b', image: 'img', state: 'exited', exitCode: 137, labels: {}, service: 'b', ports: [] },
      ]),
    ).toBe(
      'SERVICE  CONTAINER  STATE         PORTS                      IMAGE\n' +
        'a        demo-a     running       127.0.0.1:18000->8080/tcp  img\n' +
        'b        demo-b     exited (137)  -                          img\n',
    );
    expect(formatDown({ project: 'demo', removed: ['a', 'b'], network: 'demo_default', volumes: ['demo_disc'], kept: [] })).toBe(
      'project demo: 2 container(s) removed, network demo_default removed, 1 tmpfs volume(s) removed\n',
    );
    expect(formatDown({ project: 'demo', removed: [], volumes: [], kept: [] })).toBe('project demo: 0 container(s) removed\n');
    // down --volumes names the data volumes it removed
    expect(formatDown({ project: 'demo', removed: ['a'], volumes: ['demo_disc'], dataVolumes: ['demo_weights', 'demo_hf-cache'], kept: [] })).toBe(
      'project demo: 1 container(s) removed, 1 tmpfs volume(s) removed, data volume(s) removed: demo_weights, demo_hf-cache\n',
    );
    // what down left, one note a line
    expect(
      formatDown({
        project: 'demo',
        removed: [],
        volumes: [],
        kept: [
          { kind: 'network', name: 'demo_default', reason: 'not ours' },
          { kind: 'volume', name: 'demo_cache', reason: 'data' },
        ],
      }),
    ).toBe('project demo: 0 container(s) removed\nleft network demo_default: not ours\nleft volume demo_cache: data\n');
  });

  test('the usage starts with the command and documents every subcommand', () => {
    expect(localCommand.usage.startsWith('modelstack local ')).toBe(true);
    for (const sub of ['compose', 'up', 'down', 'ps', 'logs']) expect(localCommand.usage).toContain(`  ${sub}`);
    expect(localCommand.usage).toContain('$MODELSTACK_CONTAINER_RUNTIME');
  });
});
