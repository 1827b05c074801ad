import { join } from 'node:path';
import { Model, secretKey } from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText, normalizeCompose, projectName } from '../../../src/local/run/compose-model.js';
import { stacksOf } from '../compose/compose-fixtures.js';

const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => loadComposeText(yaml, { projectDir: '/srv/app', env });

describe('hand-written compose files', () => {
  test('the short forms', () => {
    const p = load(
      `
name: demo
services:
  web:
    image: \${REGISTRY:-docker.io}/library/httpd:2
    command: httpd -f -p 8080 -h '/www root'
    entrypoint: /bin/sh -c
    environment:
      GREETING: hi $$USER
      HF_TOKEN: \${HF_TOKEN}
      EMPTY:
      NUM: 3
    ports: ["8080", "127.0.0.1:18000:8000", "9000:9000/udp", "127.0.0.1::9090"]
    volumes: ["./data:/data:ro", "/abs:/abs", "~/x:/x", "cache:/cache"]
    labels: ["a=b", "c"]
    shm_size: 2gb
    ipc: host
    user: 1000
    working_dir: /w
    depends_on: [db]
  db:
    image: postgres:16
volumes:
  cache: {}
`,
      { REGISTRY: 'registry.local:5000', HOME: '/home/u' },
    );
    expect(p.name).toBe('demo');
    const web = p.services[0]!;
    expect(web).toMatchObject({
      name: 'web',
      image: 'registry.local:5000/library/httpd:2',
      command: ['httpd', '-f', '-p', '8080', '-h', '/www root'],
      entrypoint: ['/bin/sh', '-c'],
      environment: [{ name: 'GREETING', value: 'hi $USER' }, { name: 'HF_TOKEN' }, { name: 'EMPTY' }, { name: 'NUM', value: '3' }],
      ports: [
        { containerPort: 8080 },
        { containerPort: 8000, hostPort: 18000, hostIp: '127.0.0.1' },
        { containerPort: 9000, hostPort: 9000, protocol: 'udp' },
        { containerPort: 9090, hostIp: '127.0.0.1' },
      ],
      labels: { a: 'b', c: '' },
      shmSize: '2gb',
      ipc: 'host',
      user: '1000',
      workingDir: '/w',
      dependsOn: [{ service: 'db', condition: 'service_started' }],
    });
    expect(web.volumes).toEqual([
      { kind: 'bind', source: '/srv/app/data', target: '/data', readOnly: true, createHostPath: true },
      { kind: 'bind', source: '/abs', target: '/abs', createHostPath: true },
      { kind: 'bind', source: expect.stringMatching(/\/x$/), target: '/x', createHostPath: true },
      { kind: 'volume', source: 'demo_cache', target: '/cache' },
    ]);
    expect(p.volumes).toEqual([{ key: 'cache', name: 'demo_cache', external: false }]);
    expect(p.warnings).toEqual([]);
  });

  test('the project name: option, else name:, else the directory', () => {
    const yaml = 'services: {a: {image: x}}';
    expect(loadComposeText(yaml, { projectDir: '/srv/My.App' }).name).toBe('myapp');
    expect(loadComposeText(`name: fromfile\n${yaml}`, { projectDir: '/srv/x', project: 'Given' }).name).toBe('given');
    expect(() => projectName('--')).toThrow('"--" cannot be a project name');
  });

  test('the x-modelstack extension and GPU reservations', () => {
    const p = load(`
services:
  w:
    image: x
    ports: ["127.0.0.1:18001:9090"]
    deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 2, capabilities: [gpu]}]}}}
    x-modelstack: {model: qwen, role: worker, health: {port: 9090, path: health}}
  a:
    image: x
    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}
  i:
    image: x
    deploy: {resources: {reservations: {devices: [{driver: nvidia, device_ids: ["1", "3"], capabilities: [gpu]}]}}}
`);
    expect(p.services.map((s) => s.gpus)).toEqual([{ count: 2 }, { all: true }, { deviceIds: ['1', '3'] }]);
    expect(p.services[0]!.modelstack).toEqual({ model: 'qwen', role: 'worker', health: { port: 9090, path: '/health' } });
  });

  test('unknown keys are reported, known unused ones (healthcheck, restart) silently ignored', () => {
    const p = load('services: {a: {image: x, restart: "no", healthcheck: {test: [CMD, "true"]}, cap_add: [SYS_ADMIN], x-other: 1}}');
    expect(p.warnings).toEqual(['services.a.cap_add is not supported by modelstack local and is ignored']);
  });

  test.each([
    ['services: {}', 'compose file: services is empty'],
    ['foo: 1', 'compose file: services is missing'],
    ['services: {a: {command: x}}', 'compose file: services.a.image is missing'],
    ['services: {a: {image: x, depends_on: [b]}}', 'compose file: services.a.depends_on names unknown service "b"'],
    [
      'services: {a: {image: x, ports: ["1-5:1-5"]}}',
      'compose file: services.a.ports[0] "1-5:1-5" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT (port ranges are not supported)',
    ],
    ['services: {a: {image: x, ports: ["99999"]}}', 'compose file: services.a.ports[0] "99999" is not a port number'],
    [
      'services: {a: {image: x, volumes: ["data:/d"]}}',
      'compose file: services.a.volumes[0] names volume "data", which is not declared under the top-level volumes',
    ],
    ['services: {a: {image: x, volumes: ["/d"]}}', 'compose file: services.a.volumes[0] "/d" is not SOURCE:TARGET[:ro] (anonymous volumes are not supported)'],
    [
      'services: {a: {image: x, depends_on: {b: {condition: service_done}}}, b: {image: y}}',
      'compose file: services.a.depends_on.b.condition must be one of service_started, service_healthy, service_completed_successfully',
    ],
    ['services: {a: {image: x, configs: [c]}}', 'compose file: services.a.configs[0].source names unknown config "c"'],
    ['services: [a]', 'compose file: services must be a mapping'],
    ['services: {a: {image: x}}\nvolumes: {v: {driver: nfs}}', 'compose file: volumes.v.driver "nfs" is not supported (only the local driver)'],
    ['a: [', 'the compose file is not valid YAML'],
  ])('%s is refused: %s', (yaml, message) => {
    expect(() => load(yaml)).toThrow(message);
  });
});

describe('the file buildCompose writes', () => {
  const token = secretKey('hf-token', 'token');
  const stacks = () =>
    stacksOf((s) => {
      new Model(s, 'dyn', { runtime: 'dynamo', model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', router: 'kv', hfTokenSecret: token });
      new Model(s, 'ray', { runtime: 'kuberay', model: 'Qwen/Qwen2.5-0.5B-Instruct' });
    });

  test('read from YAML and from the object give the same project', () => {
    const file = buildCompose(stacks());
    const fromObject = normalizeCompose(file, { projectDir: '/p', env: {} });
    const fromYaml = loadComposeText(renderCompose(file), { projectDir: '/p', env: {} });
    expect(fromYaml).toEqual(fromObject);
    expect(fromObject.warnings).toEqual([]);
  });

  test('what the runner relies on: health, published ports, HF_TOKEN by name, volumes, configs, GPUs, order', () => {
    const p = normalizeCompose(buildCompose(stacks()), { projectDir: '/p', env: { HF_TOKEN: 'hf_secret' } });
    for (const s of p.services) {
      const h = s.modelstack?.health;
      expect(h).toBeDefined();
      expect(s.ports).toContainEqual(expect.objectContaining({ hostIp: '127.0.0.1', containerPort: h!.port, hostPort: expect.any(Number) }));
      expect(s.labels['modelstack.io/service']).toBe(s.name);
      expect(s.volumes.some((v) => v.kind === 'volume' && v.target === '/root/.cache/huggingface' && v.source === `${p.name}_hf-cache`)).toBe(true);
    }
    const frontend = p.services.find((s) => s.modelstack?.role === 'frontend')!;
    expect(frontend.dependsOn.every((d) => d.condition === 'service_healthy')).toBe(true);
    // the secret is passed by name; its value is never read into the project
    expect(JSON.stringify(p)).not.toContain('hf_secret');
    expect(p.services.flatMap((s) => s.environment).filter((e) => e.name === 'HF_TOKEN')).toEqual(expect.arrayContaining([{ name: 'HF_TOKEN' }]));
    expect(p.services.some((s) => s.gpus !== undefined)).toBe(true);
    const discovery = p.volumes.find((v) => v.options?.type === 'tmpfs');
    expect(discovery).toBeDefined();
    const rayService = p.services.find((s) => s.modelstack?.role === 'ray')!;
    expect(rayService.configs).toHaveLength(1);
    expect(p.configs.find((c) => c.key === rayService.configs[0]!.source)?.content).toContain('applications');
  });
});

test('relative bind mounts resolve against the project directory', () => {
  const p = loadComposeText('services: {a: {image: x, volumes: [{type: bind, source: ./m, target: /m, bind: {create_host_path: true}}]}}', {
    projectDir: '/srv/app',
  });
  expect(p.services[0]!.volumes).toEqual([{ kind: 'bind', source: join('/srv/app', 'm'), target: '/m', createHostPath: true }]);
});
