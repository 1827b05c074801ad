import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBE_FLAGS, KUBE_FLAGS_USAGE } from '../../src/cli/kube-flags.js';
import { connect } from '../../src/toolkit/cluster.js';

const kubeClientFrom = async (flags: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv): Promise<{ serverUrl: string }> =>
  (await connect(flags, env)).kube;
import { writeKubeconfig } from '../support/fake-apiserver.js';

describe('KUBE_FLAGS', () => {
  test('--kubeconfig, --context and -n/--namespace, all described in the usage text', () => {
    expect(KUBE_FLAGS).toEqual({ kubeconfig: { type: 'string' }, context: { type: 'string' }, namespace: { type: 'string', short: 'n' } });
    for (const flag of ['--kubeconfig FILE', '--context NAME', '-n, --namespace NS']) expect(KUBE_FLAGS_USAGE).toContain(flag);
  });
});

describe("connect (the toolkit's kubeconfig loading)", () => {
  let tmp: string;
  let a: string;
  let b: string;
  const saved = process.env.KUBECONFIG;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kube-flags-'));
    a = writeKubeconfig(join(tmp, 'a'), [
      { name: 'a1', server: 'https://a1.example:6443' },
      { name: 'a2', server: 'https://a2.example:6443' },
    ]);
    b = writeKubeconfig(join(tmp, 'b'), [{ name: 'b1', server: 'https://b1.example:6443' }]);
  });

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  test('--kubeconfig and --context pick the server', async () => {
    expect((await kubeClientFrom({ kubeconfig: a }, {})).serverUrl).toBe('https://a1.example:6443');
    expect((await kubeClientFrom({ kubeconfig: a, context: 'a2' }, {})).serverUrl).toBe('https://a2.example:6443');
  });

  test("KUBECONFIG of the command's environment is used; --kubeconfig wins over it", async () => {
    expect((await kubeClientFrom({}, { KUBECONFIG: b })).serverUrl).toBe('https://b1.example:6443');
    expect((await kubeClientFrom({ kubeconfig: a }, { KUBECONFIG: b })).serverUrl).toBe('https://a1.example:6443');
  });

  test('a KUBECONFIG list (a:b) is left to client-node, which merges the files', async () => {
    process.env.KUBECONFIG = `${a}:${b}`;
    expect((await kubeClientFrom({ context: 'b1' }, { KUBECONFIG: `${a}:${b}` })).serverUrl).toBe('https://b1.example:6443');
    expect((await kubeClientFrom({ context: 'a2' }, { KUBECONFIG: `${a}:${b}` })).serverUrl).toBe('https://a2.example:6443');
  });

  test('kubeconfig errors come through as they are', async () => {
    await expect(kubeClientFrom({ kubeconfig: join(tmp, 'missing') }, {})).rejects.toThrow(`kubeconfig ${join(tmp, 'missing')} does not exist`);
    await expect(kubeClientFrom({ kubeconfig: a, context: 'zz' }, {})).rejects.toThrow('context "zz" is not in the kubeconfig');
  });
});
