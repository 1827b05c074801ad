import { errorLines } from '../../../src/local/container-engine/cli-exec.js';
import { DockerEngine } from '../../../src/local/container-engine/docker-engine.js';
import { NerdctlEngine } from '../../../src/local/container-engine/nerdctl-engine.js';
import { PodmanEngine } from '../../../src/local/container-engine/podman-engine.js';
import { ImageUnavailableError, imageFailureKind, isDaemonUnreachable, portConflict } from '../../../src/local/container-engine/engine-errors.js';
import { fail, fixture, NOT_FOUND, ok, ScriptedCli } from './fixtures.js';
import { rejection } from '../../support/thrown.js';

/** Port clash messages as the three CLIs printed them on the project machine. */
const CLASH = {
  docker:
    "docker: Error response from daemon: driver failed programming external connectivity on endpoint c2-docker (5e6f): Bind for 127.0.0.1:18182 failed: port is already allocated\n\nRun 'docker run --help' for more information",
  dockerHost:
    'docker: Error response from daemon: driver failed programming external connectivity on endpoint x (e6f6): Error starting userland proxy: listen tcp4 127.0.0.1:18181: bind: address already in use',
  podman: 'Error: cannot listen on the TCP port: listen tcp4 127.0.0.1:18181: bind: address already in use',
  nerdctl: 'time="2026-11-25T02:13:14Z" level=fatal msg="failed to load networking flags: bind for 127.0.0.1:18182 failed: port is already allocated"',
};

/** The fake CLI of the current test (each test sets its own). */
let cli = new ScriptedCli();

const SPEC = { name: 'p-web', image: 'img', labels: { 'modelstack.io/project': 'p' } };

describe('stderr reading', () => {
  test('logrus lines are unwrapped, warnings and known noise dropped', () => {
    expect(
      errorLines(
        'failed to connect to syslog: Initialization\ntime="x" level=warning msg="Failed to detect whether \\"/usr/lib/cni/firewall\\" is newer"\ntime="x" level=fatal msg="no such container x"\n',
      ),
    ).toEqual(['no such container x']);
    expect(errorLines('Error: no container with name or ID "x" found: no such container')).toEqual([
      'no container with name or ID "x" found: no such container',
    ]);
  });

  test('port conflicts of all three engines', () => {
    expect(portConflict(CLASH.docker)).toEqual({ hostIp: '127.0.0.1', hostPort: 18182 });
    expect(portConflict(CLASH.dockerHost)).toEqual({ hostIp: '127.0.0.1', hostPort: 18181 });
    expect(portConflict(CLASH.podman)).toEqual({ hostIp: '127.0.0.1', hostPort: 18181 });
    expect(portConflict(CLASH.nerdctl)).toEqual({ hostIp: '127.0.0.1', hostPort: 18182 });
    expect(portConflict('Error: something else on 127.0.0.1:80')).toBeUndefined();
  });
});

describe('run failures', () => {
  test.each([
    ['docker', () => new DockerEngine({ exec: cli.exec }), CLASH.docker, ['rm', '-f', 'p-web']],
    ['podman', () => new PodmanEngine({ exec: cli.exec }), CLASH.podman, ['rm', '-f', '-t', '0', 'p-web']],
    ['nerdctl', () => new NerdctlEngine({ exec: cli.exec }), CLASH.nerdctl, ['rm', '-f', 'p-web']],
  ])('%s: a port in use is a clear error, and the container it left behind (ours by its labels) is removed', async (_name, make, stderr, rm) => {
    cli = new ScriptedCli()
      .on(['run'], fail(125, stderr))
      .on(
        ['container', 'inspect'],
        ok(JSON.stringify([{ Id: 'abc', Name: '/p-web', State: { Status: 'created' }, Config: { Labels: { 'modelstack.io/project': 'p' } } }])),
      );
    const e = await rejection(make().run(SPEC));
    expect(e.message).toMatch(/^port 127\.0\.0\.1:1818[12] is in use: cannot start container "p-web"$/);
    expect(e.hint).toMatch(/ss -ltnp/);
    expect(cli.calls.map((c) => c.args)).toContainEqual(rm);
  });

  test('a container it did not create (other labels) is never removed', async () => {
    cli = new ScriptedCli()
      .on(['run'], fail(125, CLASH.docker))
      .on(['container', 'inspect'], ok(JSON.stringify([{ Id: 'abc', Name: '/p-web', Config: { Labels: { other: 'x' } } }])));
    await rejection(new DockerEngine({ exec: cli.exec }).run(SPEC));
    expect(cli.commands().filter((c) => c.startsWith('rm'))).toEqual([]);
  });

  test('a name in use: clear error, nothing removed', async () => {
    cli = new ScriptedCli().on(
      ['run'],
      fail(
        125,
        'docker: Error response from daemon: Conflict. The container name "/p-web" is already in use by container "91ac". You have to remove (or rename) that container to be able to reuse that name.',
      ),
    );
    const e = await rejection(new DockerEngine({ exec: cli.exec }).run(SPEC));
    expect(e.message).toBe('a container named "p-web" already exists');
    expect(e.hint).toBe('remove it with "docker rm -f p-web" if it is not needed');
    expect(cli.commands()).toHaveLength(1);
  });

  test('recorded name conflicts of podman and nerdctl are recognised too', async () => {
    cli = new ScriptedCli().on(
      ['run'],
      fail(
        125,
        'Error: creating container storage: the container name "p-web" is already in use by 65f. You have to remove that container to be able to reuse that name: that name is already in use',
      ),
    );
    expect((await rejection(new PodmanEngine({ exec: cli.exec }).run(SPEC))).message).toBe('a container named "p-web" already exists');
    cli = new ScriptedCli().on(['run'], fail(1, 'time="x" level=fatal msg="name-store error\\nname \\"p-web\\" is already used by ID \\"e66\\""'));
    expect((await rejection(new NerdctlEngine({ exec: cli.exec }).run(SPEC))).message).toBe('a container named "p-web" already exists');
  });

  test('a missing CLI: CONTAINER_RUNTIME error with the install hint', async () => {
    cli = new ScriptedCli().on([], NOT_FOUND);
    const e = await rejection(new PodmanEngine({ exec: cli.exec }).run(SPEC));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toBe('podman is not installed: "podman" was not found on PATH');
    expect(e.hint).toMatch(/apt-get install podman/);
  });

  test('a daemon that went away names its address', async () => {
    cli = new ScriptedCli().on([], fail(1, 'Cannot connect to the Docker daemon at unix:///run/d.sock. Is the docker daemon running?'));
    const e = await rejection(new DockerEngine({ exec: cli.exec, env: { DOCKER_HOST: 'unix:///run/d.sock' } }).list({ a: 'b' }));
    expect(e.message).toBe(
      'docker cannot reach its daemon at unix:///run/d.sock (DOCKER_HOST): Cannot connect to the Docker daemon at unix:///run/d.sock. Is the docker daemon running?',
    );
    expect(e.hint).toMatch(/DOCKER_HOST/);
  });

  test('another failure: the command and the first error line', async () => {
    cli = new ScriptedCli().on(
      ['run'],
      fail(
        126,
        'docker: Error response from daemon: failed to create task for container: OCI runtime create failed: exec: "nope": executable file not found in $PATH\nsecond line',
      ),
    );
    const e = await rejection(new DockerEngine({ exec: cli.exec }).run({ name: 'a', image: 'img' }));
    expect(e.message).toMatch(/^docker run a failed: docker: Error response from daemon: failed to create task/);
    expect(e.details).toEqual(['second line']);
  });
});

/**
 * What the three CLIs printed on the project machine for `run` of an image that is not on it:
 * "missing" from a loopback registry that answers 404 for every manifest, "refused" from
 * 127.0.0.1:9 where nothing listens (see test/integration/local/failure-suite.ts).
 */
const PULL = {
  docker: {
    missing:
      "Unable to find image '127.0.0.1:5999/ms/missing:1' locally\ndocker: Error response from daemon: manifest for 127.0.0.1:5999/ms/missing:1 not found: manifest unknown: manifest unknown\n\nRun 'docker run --help' for more information\n",
    refused:
      "Unable to find image '127.0.0.1:9/ms/missing:1' locally\ndocker: Error response from daemon: Get \"http://127.0.0.1:9/v2/\": dial tcp 127.0.0.1:9: connect: connection refused\n\nRun 'docker run --help' for more information\n",
    noHost:
      "Unable to find image 'no-such-image-xyz:1' locally\ndocker: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host\n\nRun 'docker run --help' for more information\n",
  },
  podman: {
    missing:
      'Trying to pull 127.0.0.1:5999/ms/missing:1...\nError: initializing source docker://127.0.0.1:5999/ms/missing:1: reading manifest 1 in 127.0.0.1:5999/ms/missing: manifest unknown: manifest unknown\n',
    refused:
      'Trying to pull 127.0.0.1:9/ms/missing:1...\ntime="2026-11-29T14:37:52Z" level=warning msg="Failed, retrying in 1s ... (1/3). Error: initializing source docker://127.0.0.1:9/ms/missing:1: pinging container registry 127.0.0.1:9: Get \\"https://127.0.0.1:9/v2/\\": dial tcp 127.0.0.1:9: connect: connection refused"\nError: initializing source docker://127.0.0.1:9/ms/missing:1: pinging container registry 127.0.0.1:9: Get "https://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused\n',
    shortName:
      'Error: short-name "nosuchshort" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"\n',
  },
  nerdctl: {
    missing:
      'time="2026-11-29T14:37:55Z" level=info msg="fetch failed after status: 404 Not Found" host="127.0.0.1:5999"\ntime="2026-11-29T14:37:55Z" level=fatal msg="failed to resolve reference \\"127.0.0.1:5999/ms/missing:1\\": 127.0.0.1:5999/ms/missing:1: not found"\n',
    refused:
      'time="2026-11-29T14:37:56Z" level=info msg="fetch failed" error="failed to do request: Head \\"http://127.0.0.1:9/v2/ms/missing/manifests/1\\": dial tcp 127.0.0.1:9: connect: connection refused" host="127.0.0.1:9"\ntime="2026-11-29T14:37:56Z" level=error msg="server \\"127.0.0.1:9\\" does not seem to support HTTPS" error="failed to resolve reference \\"127.0.0.1:9/ms/missing:1\\": failed to do request: Head \\"http://127.0.0.1:9/v2/ms/missing/manifests/1\\": dial tcp 127.0.0.1:9: connect: connection refused"\ntime="2026-11-29T14:37:56Z" level=fatal msg="failed to resolve reference \\"127.0.0.1:9/ms/missing:1\\": failed to do request: Head \\"http://127.0.0.1:9/v2/ms/missing/manifests/1\\": dial tcp 127.0.0.1:9: connect: connection refused"\n',
  },
};

describe('an image that is not on the machine', () => {
  const engines = {
    docker: () => new DockerEngine({ exec: cli.exec }),
    podman: () => new PodmanEngine({ exec: cli.exec }),
    nerdctl: () => new NerdctlEngine({ exec: cli.exec }),
  };

  test.each([
    ['docker', PULL.docker.missing, 'manifest for 127.0.0.1:5999/ms/missing:1 not found: manifest unknown: manifest unknown'],
    [
      'podman',
      PULL.podman.missing,
      'initializing source docker://127.0.0.1:5999/ms/missing:1: reading manifest 1 in 127.0.0.1:5999/ms/missing: manifest unknown: manifest unknown',
    ],
    ['nerdctl', PULL.nerdctl.missing, 'failed to resolve reference "127.0.0.1:5999/ms/missing:1": 127.0.0.1:5999/ms/missing:1: not found'],
  ] as const)('%s: no registry has it: "not found" with the engine\'s reason and a build/load hint, no container lookup', async (name, stderr, reason) => {
    cli = new ScriptedCli().on(['run'], fail(125, stderr));
    const e = await rejection(engines[name]().run({ ...SPEC, image: '127.0.0.1:5999/ms/missing:1' }));
    expect(e).toBeInstanceOf(ImageUnavailableError);
    expect(e).toMatchObject({ code: 'CONTAINER_RUNTIME', kind: 'not-found', image: '127.0.0.1:5999/ms/missing:1' });
    expect(e.message).toBe(`image "127.0.0.1:5999/ms/missing:1" was not found: ${reason}`);
    expect(e.hint).toBe(
      `build it or load it into ${name} (e.g. "${name} build -t 127.0.0.1:5999/ms/missing:1 DIR" or "${name} load -i FILE"), or check its name and tag ("${name} login" first for a private registry)`,
    );
    expect(cli.commands()).toHaveLength(1);
  });

  test.each([
    ['docker', PULL.docker.refused, 'Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused'],
    ['docker', PULL.docker.noHost, 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host'],
    [
      'podman',
      PULL.podman.refused,
      'initializing source docker://127.0.0.1:9/ms/missing:1: pinging container registry 127.0.0.1:9: Get "https://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused',
    ],
    [
      'nerdctl',
      PULL.nerdctl.refused,
      'failed to resolve reference "127.0.0.1:9/ms/missing:1": failed to do request: Head "http://127.0.0.1:9/v2/ms/missing/manifests/1": dial tcp 127.0.0.1:9: connect: connection refused',
    ],
  ] as const)('%s: its registry cannot be reached: "could not be pulled", never "cannot reach its daemon"', async (name, stderr, reason) => {
    cli = new ScriptedCli().on(['run'], fail(125, stderr));
    const e = await rejection(engines[name]().run({ ...SPEC, image: 'img:1' }));
    expect(e).toMatchObject({ kind: 'pull-failed', message: `image "img:1" is not on this machine and could not be pulled: ${reason}` });
    expect(e.hint).toMatch(/^its registry could not be reached/);
    expect(e.message + (e.hint ?? '')).not.toMatch(/daemon|start containerd/);
  });

  test('podman: an unqualified name no registry is searched for is "not found"', async () => {
    cli = new ScriptedCli().on(['run'], fail(125, PULL.podman.shortName));
    const e = await rejection(new PodmanEngine({ exec: cli.exec }).run({ ...SPEC, image: 'nosuchshort' }));
    expect(e).toMatchObject({ kind: 'not-found' });
    expect(e.message).toMatch(/^image "nosuchshort" was not found: short-name "nosuchshort" did not resolve/);
  });

  test('a pull that worked followed by another failure is not an image problem', async () => {
    cli = new ScriptedCli()
      .on(['run'], fail(125, `Unable to find image 'img:1' locally\n1: Pulling from img\nStatus: Downloaded newer image for img:1\n${CLASH.docker}`))
      .on(['container', 'inspect'], fail(1, 'Error: No such container: p-web'));
    const e = await rejection(new DockerEngine({ exec: cli.exec }).run({ ...SPEC, image: 'img:1' }));
    expect(e.message).toBe('port 127.0.0.1:18182 is in use: cannot start container "p-web"');
  });

  test('the classification: a network failure wins over "not found" (the registry was never asked)', () => {
    expect(imageFailureKind('manifest unknown')).toBe('not-found');
    expect(imageFailureKind("pull access denied for x, repository does not exist or may require 'docker login'")).toBe('not-found');
    expect(imageFailureKind('lookup registry: no such host')).toBe('pull-failed');
    expect(imageFailureKind('x509: certificate signed by unknown authority')).toBe('pull-failed');
    expect(imageFailureKind('something else')).toBe('pull-failed');
  });

  test('the daemon messages are still "cannot reach its daemon"; a registry refusing is not', () => {
    expect(isDaemonUnreachable('Cannot connect to the Docker daemon at unix:///run/d.sock. Is the docker daemon running?')).toBe(true);
    expect(isDaemonUnreachable('cannot access containerd socket "/tmp/nope.sock": no such file or directory')).toBe(true);
    expect(
      isDaemonUnreachable(
        'failed to dial "/run/containerd/containerd.sock": context deadline exceeded: connection error: desc = "transport: error while dialing: dial unix /run/containerd/containerd.sock: connect: connection refused"',
      ),
    ).toBe(true);
    for (const stderr of [PULL.docker.refused, PULL.podman.refused, PULL.nerdctl.refused]) expect(isDaemonUnreachable(stderr)).toBe(false);
  });
});

/** `network inspect` and `network rm` of a network with a running container, as the CLIs printed them. */
describe('networks: labels and removal', () => {
  test.each([
    ['docker', () => new DockerEngine({ exec: cli.exec }), [{ Name: 'n', Labels: { a: 'b' }, Containers: {} }]],
    ['nerdctl', () => new NerdctlEngine({ exec: cli.exec }), [{ Name: 'n', Labels: { a: 'b' }, Containers: {} }]],
    ['podman', () => new PodmanEngine({ exec: cli.exec }), [{ name: 'n', driver: 'bridge', labels: { a: 'b' } }]],
  ])('%s: networkLabels reads where the engine keeps them', async (_name, make, inspected) => {
    cli = new ScriptedCli().on(['network', 'inspect'], ok(JSON.stringify(inspected, null, 4)));
    expect(await make().networkLabels('n')).toEqual({ a: 'b' });
    cli = new ScriptedCli().on(['network', 'inspect'], ok(JSON.stringify([{ Name: 'n', Labels: null, labels: null }])));
    expect(await make().networkLabels('n')).toEqual({});
    cli = new ScriptedCli().on(['network', 'inspect'], fail(1, 'Error response from daemon: network n not found'));
    expect(await make().networkLabels('n')).toBeUndefined();
  });

  test.each([
    [
      'docker',
      () => new DockerEngine({ exec: cli.exec }),
      'Error response from daemon: error while removing network: network msx-n1 id 3bf4da38 has active endpoints\nexit status 1',
    ],
    [
      'podman',
      () => new PodmanEngine({ exec: cli.exec }),
      'Error: "msx-n1" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used',
    ],
    [
      'nerdctl',
      () => new NerdctlEngine({ exec: cli.exec }),
      'time="x" level=error msg="network \\"msx-n1\\" is in use by container [\\"ceae59be\\"]"\ntime="x" level=fatal msg="no network could be removed"',
    ],
  ])('%s: a network containers still use is "in-use", not an error', async (_name, make, stderr) => {
    cli = new ScriptedCli().on(['network', 'rm'], fail(1, stderr));
    expect(await make().removeNetwork('msx-n1')).toBe('in-use');
  });
});

describe('missing things are not errors where that is the point', () => {
  test('remove, removeNetwork, removeVolume, stop of something missing (recorded messages)', async () => {
    cli = new ScriptedCli()
      .on(['rm'], fail(1, 'Error response from daemon: No such container: x'))
      .on(['network', 'rm'], fail(1, 'Error response from daemon: network x not found'))
      .on(['volume', 'rm'], fail(1, 'Error response from daemon: get x: no such volume'))
      .on(['stop'], fail(1, 'Error response from daemon: No such container: x'));
    const d = new DockerEngine({ exec: cli.exec });
    await d.remove('x');
    await d.removeNetwork('x');
    await d.removeVolume('x');
    await d.stop('x');
    cli = new ScriptedCli()
      .on(
        ['network', 'rm'],
        fail(1, 'time="x" level=error msg="no network found matching: x"\ntime="x" level=fatal msg="unable to find any network matching the provided request"'),
      )
      .on(['volume', 'rm'], fail(1, 'time="x" level=warning msg="volume \\"x\\": not found"\ntime="x" level=fatal msg="some volumes could not be removed"'));
    await new NerdctlEngine({ exec: cli.exec }).removeNetwork('x');
    await new NerdctlEngine({ exec: cli.exec }).removeVolume('x');
  });

  test('exists checks and inspect of missing things', async () => {
    cli = new ScriptedCli()
      .on(['network', 'inspect'], fail(125, 'Error: inspecting object: network nonet: unable to find network with name or ID nonet: network not found'))
      .on(['volume', 'inspect'], fail(125, 'Error: inspecting object: no such volume nov'))
      .on(['container', 'inspect'], fail(125, 'Error: inspecting object: no such container nocont'));
    const p = new PodmanEngine({ exec: cli.exec });
    expect(await p.networkExists('nonet')).toBe(false);
    expect(await p.volumeExists('nov')).toBe(false);
    expect(await p.inspect('nocont')).toBeUndefined();
  });

  test('list: ps, then inspect of the ids found', async () => {
    cli = new ScriptedCli().on(['ps'], ok(fixture('docker-ps.txt'))).on(['container', 'inspect'], ok(fixture('docker-inspect.json')));
    const list = await new DockerEngine({ exec: cli.exec }).list({ 'modelstack.io/project': 'msfx' }, 'modelstack.io/service');
    expect(list.map((c) => [c.service, c.state])).toEqual([
      ['web', 'running'],
      ['job', 'exited'],
    ]);
    expect(cli.commands()[1]).toBe('container inspect f88048bb233d fb14aab73304');
  });

  test('listVolumes checks every label itself: podman 4 ORs label filters of volume ls (seen on the project machine)', async () => {
    const volume = (name: string, labels: Record<string, string>) => ({ Name: name, Driver: 'local', Labels: labels });
    cli = new ScriptedCli()
      .on(['volume', 'ls'], ok(JSON.stringify([{ Name: 'p_disc' }, { Name: 'p_hf-cache' }, { Name: 'q_disc' }], null, 2)))
      .on(
        ['volume', 'inspect'],
        ok(
          JSON.stringify([
            volume('p_disc', { 'modelstack.io/project': 'p', 'modelstack.io/ephemeral': 'true' }),
            volume('p_hf-cache', { 'modelstack.io/project': 'p' }),
            volume('q_disc', { 'modelstack.io/project': 'q', 'modelstack.io/ephemeral': 'true' }),
          ]),
        ),
      );
    const names = await new PodmanEngine({ exec: cli.exec }).listVolumes({ 'modelstack.io/project': 'p', 'modelstack.io/ephemeral': 'true' });
    expect(names).toEqual(['p_disc']);
    expect(cli.commands()).toEqual([
      'volume ls --filter label=modelstack.io/project=p --filter label=modelstack.io/ephemeral=true --format {{json .}}',
      'volume inspect p_disc p_hf-cache q_disc',
    ]);
  });

  test('list keeps only containers that carry every label', async () => {
    const inspect = JSON.parse(fixture('podman-inspect.json')) as { Config: { Labels: Record<string, string> } }[];
    inspect[1]!.Config.Labels['modelstack.io/project'] = 'other';
    cli = new ScriptedCli().on(['ps'], ok(fixture('podman-ps.txt'))).on(['container', 'inspect'], ok(JSON.stringify(inspect)));
    const list = await new PodmanEngine({ exec: cli.exec }).list({ 'modelstack.io/project': 'msfx' });
    expect(list.map((c) => c.name)).toEqual(['msfx-web']);
  });

  test('list: nothing found means no inspect', async () => {
    cli = new ScriptedCli().on(['ps'], ok(fixture('podman-ps-empty.txt')));
    expect(await new PodmanEngine({ exec: cli.exec }).list({ a: 'b' })).toEqual([]);
    expect(cli.commands()).toHaveLength(1);
  });
});
