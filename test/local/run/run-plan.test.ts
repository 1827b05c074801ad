import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { parseImageOverrides } from '../../../src/local/run/image-overrides.js';
import { configHash, defaultStateDir, planProject } from '../../../src/local/run/run-plan.js';

const YAML = `
name: demo
services:
  frontend:
    image: nvcr.io/nvidia/ai-dynamo/vllm-engine:1.4.0
    entrypoint: [python3, -m, dynamo.frontend]
    command: [--http-port, "8000"]
    environment: [HF_TOKEN, DYN_ROUTER_MODE=kv]
    ports: ["127.0.0.1:18000:8000"]
    labels: {modelstack.io/project: demo, modelstack.io/service: frontend, modelstack.io/role: frontend}
    depends_on: {worker: {condition: service_healthy}}
    x-modelstack: {model: qwen, role: frontend, health: {port: 8000, path: /health}}
  worker:
    image: nvcr.io/nvidia/ai-dynamo/vllm-engine:1.4.0
    ports: ["18001:9090"]
    ipc: host
    deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]}}}
    x-modelstack: {model: qwen, role: worker, health: {port: 9090, path: /health}}
`;

const GPU = { available: true, reason: 'test' };

describe('planProject', () => {
  test('start order, names, network, labels and the run spec', () => {
    const plan = planProject(loadComposeText(YAML), { gpuSupport: GPU });
    expect(plan.network).toBe('demo_default');
    expect(plan.services.map((s) => [s.service, s.container])).toEqual([
      ['worker', 'demo-worker'],
      ['frontend', 'demo-frontend'],
    ]);
    const f = plan.services[1]!;
    expect(f.spec).toEqual({
      name: 'demo-frontend',
      image: 'nvcr.io/nvidia/ai-dynamo/vllm-engine:1.4.0',
      labels: {
        'modelstack.io/project': 'demo',
        'modelstack.io/service': 'frontend',
        'modelstack.io/role': 'frontend',
        'modelstack.io/config-hash': f.hash,
      },
      network: 'demo_default',
      alias: 'frontend',
      ports: [{ hostIp: '127.0.0.1', hostPort: 18000, containerPort: 8000 }],
      env: [{ name: 'HF_TOKEN' }, { name: 'DYN_ROUTER_MODE', value: 'kv' }],
      entrypoint: ['python3', '-m', 'dynamo.frontend'],
      command: ['--http-port', '8000'],
    });
    expect(f.health).toEqual({ containerPort: 8000, path: '/health', hostIp: '127.0.0.1', hostPort: 18000 });
    // published on all interfaces: probed on the loopback address
    expect(plan.services[0]!.health).toEqual({ containerPort: 9090, path: '/health', hostIp: '127.0.0.1', hostPort: 18001 });
    expect(plan.services[0]!.spec.gpus).toEqual({ count: 1 });
  });

  test('the config hash: stable, independent of key order, changed by any setting', () => {
    const a = planProject(loadComposeText(YAML), { gpuSupport: GPU });
    const b = planProject(loadComposeText(YAML), { gpuSupport: GPU });
    expect(a.services.map((s) => s.hash)).toEqual(b.services.map((s) => s.hash));
    expect(configHash({ name: 'x', image: 'y', labels: { a: '1', b: '2' } })).toBe(configHash({ labels: { b: '2', a: '1' }, image: 'y', name: 'x' }));
    const image = planProject(loadComposeText(YAML), { gpuSupport: GPU, images: parseImageOverrides(['worker=cpu:1']) });
    expect(image.services[0]!.hash).not.toBe(a.services[0]!.hash);
    expect(image.services[1]!.hash).toBe(a.services[1]!.hash);
    const noGpu = planProject(loadComposeText(YAML), { gpu: 'off' });
    expect(noGpu.services[0]!.hash).not.toBe(a.services[0]!.hash);
    expect(noGpu.services[0]!.gpuDropped).toBe(true);
  });

  test('GPU reservations: dropped with a warning when support is missing or unknown, silently with gpu off', () => {
    expect(planProject(loadComposeText(YAML), { gpuSupport: { available: false, reason: 'no toolkit' } }).warnings).toEqual([
      'service worker: its GPU reservation is dropped: no toolkit',
    ]);
    expect(planProject(loadComposeText(YAML)).warnings).toEqual(['service worker: its GPU reservation is dropped: GPU support of the engine is unknown']);
    expect(planProject(loadComposeText(YAML), { gpu: 'off' }).warnings).toEqual([]);
  });

  test('--image for every service and for one', () => {
    const plan = planProject(loadComposeText(YAML), { images: parseImageOverrides(['*=busybox', 'frontend=python:3']), gpu: 'off' });
    expect(plan.services.map((s) => s.spec.image)).toEqual(['busybox', 'python:3']);
    expect(() => planProject(loadComposeText(YAML), { images: parseImageOverrides(['workr=x']) })).toThrow(
      '--image names a service that does not exist: workr',
    );
  });

  test('a health port that is not published is an error with a hint', () => {
    expect(() =>
      planProject(
        loadComposeText('services: {a: {image: x, x-modelstack: {model: m, role: engine, health: {port: 8000, path: /health}}}}', { projectDir: '/p/x' }),
      ),
    ).toThrow('service a: its health port 8000 is not published');
  });

  test('inline configs become files under the state directory, named by their content', () => {
    const yaml = 'services: {a: {image: x, configs: [{source: c, target: /etc/c.yaml}]}, b: {image: y}}\nconfigs: {c: {content: "k: v\\n"}}';
    const plan = planProject(loadComposeText(yaml, { projectDir: '/p/cfg' }), { stateDir: '/state' });
    expect(plan.files).toEqual([{ path: expect.stringMatching(/^\/state\/cfg\/configs\/c-[0-9a-f]{12}$/), content: 'k: v\n' }]);
    expect(plan.services[0]!.spec.volumes).toEqual([{ source: plan.files[0]!.path, target: '/etc/c.yaml', readOnly: true }]);
    const changed = planProject(loadComposeText(yaml.replace('k: v', 'k: w'), { projectDir: '/p/cfg' }), { stateDir: '/state' });
    expect(changed.services[0]!.hash).not.toBe(plan.services[0]!.hash);
    expect(changed.services[1]!.hash).toBe(plan.services[1]!.hash);
  });

  test('only the volumes and host directories the planned services use', () => {
    const yaml = `
services:
  a: {image: x, volumes: ["v1:/v1", "./data:/data"]}
  b: {image: y, volumes: ["v2:/v2", {type: bind, source: /nocreate, target: /n}]}
volumes: {v1: {}, v2: {}, ext: {external: true}}
`;
    const plan = planProject(loadComposeText(yaml, { projectDir: '/p/vol' }), { services: ['b'] });
    expect(plan.volumes.map((v) => v.name)).toEqual(['vol_v2']);
    expect(plan.hostDirs).toEqual([]);
    expect(planProject(loadComposeText(yaml, { projectDir: '/p/vol' })).hostDirs).toEqual(['/p/vol/data']);
  });

  test('the default state directory follows MODELSTACK_CACHE_DIR', () => {
    expect(defaultStateDir({ MODELSTACK_CACHE_DIR: '/c' })).toBe('/c/local');
    expect(defaultStateDir({})).toMatch(/\.cache\/modelstack\/local$/);
  });
});
