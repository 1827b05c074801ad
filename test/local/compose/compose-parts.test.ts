import { Model } from '../../../index.js';
import { ModelstackError } from '../../../src/errors.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { composeEnvironment } from '../../../src/local/compose/compose-env.js';
import { gpuDeploys } from '../../../src/local/compose/gpu-devices.js';
import { hfCache } from '../../../src/local/compose/hf-cache.js';
import { allocateHostPorts, hostPortOf, publishedPort } from '../../../src/local/compose/host-ports.js';
import { escapeInterpolation } from '../../../src/local/compose/interpolation.js';
import { flagValue, gpuCount, mainContainer } from '../../../src/local/compose/pod-reading.js';
import { readinessTargets } from '../../../src/local/compose/readiness-targets.js';
import { serviceName } from '../../../src/local/compose/service-names.js';
import { stacksOf } from './compose-fixtures.js';

describe('serviceName', () => {
  test('<model>-<role>', () => {
    expect(serviceName('qwen3', 'frontend')).toBe('qwen3-frontend');
  });

  test('too long a name stays a DNS label, keeps the role, and stays distinct', () => {
    const a = serviceName('a'.repeat(60), 'frontend');
    const b = serviceName(`${'a'.repeat(59)}b`, 'frontend');
    for (const n of [a, b]) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(n.endsWith('-frontend')).toBe(true);
    }
    expect(a).not.toBe(b);
  });
});

describe('pod reading', () => {
  test('flagValue reads "--flag value" and "--flag=value", the last one winning', () => {
    expect(flagValue(['--model', 'a', '--tp', '2'], ['--model'])).toBe('a');
    expect(flagValue(['--model=a', '--model', 'b'], ['--model'])).toBe('b');
    expect(flagValue(['--model'], ['--model'])).toBeUndefined();
  });

  test('GPU count from limits, else requests, else 0', () => {
    expect(gpuCount({ limits: { 'nvidia.com/gpu': '2' } })).toBe(2);
    expect(gpuCount({ requests: { 'nvidia.com/gpu': 3 } })).toBe(3);
    expect(gpuCount({ limits: { cpu: '1' } })).toBe(0);
    expect(gpuCount(undefined)).toBe(0);
  });

  test('mainContainer: by name, else the first; references have no value', () => {
    const t = {
      spec: {
        containers: [
          { name: 'side', image: 's' },
          {
            name: 'main',
            image: 'm',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            ],
          },
        ],
      },
    };
    expect(mainContainer(t)).toMatchObject({ name: 'main', image: 'm', env: [{ name: 'A', value: '1' }, { name: 'B' }] });
    expect(mainContainer(t, 'nope')?.name).toBe('side');
    expect(mainContainer({})).toBeUndefined();
  });
});

describe('composeEnvironment', () => {
  test('literals, then defaults where absent, forced values over the manifest, names without values', () => {
    expect(
      composeEnvironment([{ name: 'A', value: '1' }, { name: 'TOKEN' }, { name: 'D', value: 'mine' }], {
        defaults: { D: 'default', E: 'e' },
        force: { A: 'forced' },
        byName: ['TOKEN', 'HF_TOKEN'],
      }),
    ).toEqual(['A=forced', 'TOKEN', 'D=mine', 'E=e', 'HF_TOKEN']);
  });
});

describe('host ports', () => {
  test('sequential from the base; loopback only', () => {
    expect(allocateHostPorts(3)).toEqual([18000, 18001, 18002]);
    expect(publishedPort(18000, 8000)).toBe('127.0.0.1:18000:8000');
    expect(hostPortOf({ ports: ['127.0.0.1:18005:9090'] }, 9090)).toBe(18005);
    expect(() => allocateHostPorts(2, 65535)).toThrow(ModelstackError);
  });
});

describe('gpuDeploys', () => {
  test('count, or exclusive device ids in order; nothing for 0', () => {
    expect(gpuDeploys([0, 2], 'count')).toEqual([
      undefined,
      { resources: { reservations: { devices: [{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }] } } },
    ]);
    const ids = gpuDeploys([1, 0, 2], 'exclusive').map((d) => d?.resources?.reservations.devices[0]?.device_ids);
    expect(ids).toEqual([['0'], undefined, ['1', '2']]);
  });
});

describe('hfCache', () => {
  test('volume name or absolute path', () => {
    expect(hfCache(undefined)).toEqual({
      mount: { type: 'volume', source: 'hf-cache', target: '/root/.cache/huggingface' },
      volume: { name: 'hf-cache', spec: {} },
    });
    expect(hfCache('/x').volume).toBeUndefined();
    expect(() => hfCache('x/y')).toThrow(ModelstackError);
  });
});

describe('escapeInterpolation', () => {
  test('every $ in values doubles; keys and non-strings are kept', () => {
    expect(escapeInterpolation({ k$: ['a$b', 1, { c: '${X}' }], n: null })).toEqual({ k$: ['a$$b', 1, { c: '$${X}' }], n: null });
  });
});

describe('readinessTargets', () => {
  test('the host URL of every published health endpoint, in service order', () => {
    const file = buildCompose(
      stacksOf((s) => {
        new Model(s, 'dyn', { runtime: 'dynamo', model: 'm/m', env: { DYN_SYSTEM_PORT: '-1' } });
        new Model(s, 'ray', { runtime: 'kuberay', model: 'm/m' });
      }),
    );
    expect(readinessTargets(file)).toEqual([
      { service: 'dyn-frontend', model: 'dyn', role: 'frontend', url: 'http://127.0.0.1:18000/health' },
      { service: 'ray-ray', model: 'ray', role: 'ray', url: 'http://127.0.0.1:18001/-/healthz' },
    ]);
  });
});
