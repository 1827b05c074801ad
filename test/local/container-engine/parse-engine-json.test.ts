import { parseInspect } from '../../../src/local/container-engine/parse-inspect.js';
import { parseNames, parsePs } from '../../../src/local/container-engine/parse-ps.js';
import { fixture } from './fixtures.js';

const RUNTIMES = ['docker', 'podman', 'nerdctl'] as const;

describe('ps --format {{json .}} as each CLI prints it', () => {
  test('docker: one object per line, short IDs, Names a string', () => {
    expect(parsePs(fixture('docker-ps.txt'))).toEqual([
      { id: 'f88048bb233d', name: 'msfx-job' },
      { id: 'fb14aab73304', name: 'msfx-web' },
    ]);
  });

  test('podman: one pretty-printed array, full Ids, Names a list', () => {
    expect(parsePs(fixture('podman-ps.txt'))).toEqual([
      { id: '6fa688448d697ac6566677895f3c91a705161db8d7d267a1c30f1d4cd839e53f', name: 'msfx-web' },
      { id: 'd441605cf2d37c44d72c5ef52b24e2f081e25ab5d7c5ebb64f4fc5c921c0d0a6', name: 'msfx-job' },
    ]);
  });

  test('nerdctl: one object per line; its comma-joined Labels (with commas inside values) are not needed', () => {
    expect(parsePs(fixture('nerdctl-ps.txt'))).toEqual([
      { id: 'd18190d742c5', name: 'msfx-job' },
      { id: '57122a8fdede', name: 'msfx-web' },
    ]);
  });

  test('nothing matched: podman prints [], docker and nerdctl nothing', () => {
    expect(parsePs(fixture('podman-ps-empty.txt'))).toEqual([]);
    expect(parsePs('')).toEqual([]);
    expect(parsePs('\n')).toEqual([]);
  });

  test('volume ls rows', () => {
    expect(parseNames('{"Driver":"local","Labels":"modelstack.io/project=vt","Name":"vt_disc","Scope":"local"}\n')).toEqual(['vt_disc']);
    expect(parseNames('[\n  {\n    "Name": "vt_disc",\n    "Driver": "local"\n  }\n]\n')).toEqual(['vt_disc']);
    expect(parseNames('')).toEqual([]);
  });
});

describe('container inspect of each CLI', () => {
  test.each(RUNTIMES)('%s: the running web container and the exited job', (rt) => {
    const [web, job] = parseInspect(fixture(`${rt}-inspect.json`), 'modelstack.io/service');
    expect(web).toMatchObject({
      name: 'msfx-web',
      image: 'localhost/modelstack-busybox:test',
      state: 'running',
      exitCode: 0,
      service: 'web',
      labels: { 'modelstack.io/project': 'msfx', 'modelstack.io/service': 'web', 'modelstack.io/config-hash': 'abc123', 'modelstack.test-image.rev': '1' },
    });
    expect(web!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(web!.ports).toEqual([{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: expect.any(Number) }]);
    expect(job).toMatchObject({ name: 'msfx-job', state: 'exited', exitCode: 3, service: 'job', ports: [] });
  });

  test('docker names start with "/"; the slash is dropped', () => {
    expect(JSON.parse(fixture('docker-inspect.json'))[0].Name).toBe('/msfx-web');
    expect(parseInspect(fixture('docker-inspect.json'))[0]!.name).toBe('msfx-web');
  });

  test("nerdctl's own labels (nerdctl/*, io.containerd.*) are left out", () => {
    const [web] = parseInspect(fixture('nerdctl-inspect.json'));
    expect(Object.keys(web!.labels).sort()).toEqual([
      'modelstack.io/config-hash',
      'modelstack.io/project',
      'modelstack.io/service',
      'modelstack.test-image.rev',
    ]);
  });

  test('published ports as recorded', () => {
    expect(parseInspect(fixture('docker-inspect.json'))[0]!.ports[0]!.hostPort).toBe(32771);
    expect(parseInspect(fixture('podman-inspect.json'))[0]!.ports[0]!.hostPort).toBe(36567);
    expect(parseInspect(fixture('nerdctl-inspect.json'))[0]!.ports[0]!.hostPort).toBe(49153);
  });

  test('without a service label no service is set; empty output is no containers', () => {
    expect(parseInspect(fixture('docker-inspect.json'))[0]!.service).toBeUndefined();
    expect(parseInspect('[]')).toEqual([]);
    expect(parseInspect('')).toEqual([]);
  });
});
