import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBE_FLAGS, KUBE_FLAGS_USAGE } from '../../src/cli/kube-flags.js';
import { connect } from '../../src/toolkit/cluster.js';
import { Toolkit } from '../../src/toolkit/index.js';
import { removeTempDirs, tempDir } from '../support/paths.js';

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

describe('apply, destroy and diff read the kubeconfig while the app runs', () => {
  afterAll(removeTempDirs);

  /** An app that records its pid and never ends (no app timeout applies before the test's own). */
  function hangingApp(dir: string): string {
    writeFileSync(
      join(dir, 'app.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(dir, 'pid'))}, String(process.pid));\nsetInterval(() => {}, 1000);\n`,
    );
    return `"${process.execPath}" app.mjs`;
  }

  const gone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };

  test.each([
    ['apply', (t: Toolkit, app: string) => t.apply({ app, skipPreflight: true })],
    ['destroy', (t: Toolkit, app: string) => t.destroy({ app, yes: true })],
    ['diff', (t: Toolkit, app: string) => t.diff({ app })],
  ] as const)('%s: a kubeconfig error stops the running app and is the error reported', async (_name, call) => {
    const dir = tempDir('modelstack-connect-');
    const app = hangingApp(dir);
    const missing = join(dir, 'no-such-kubeconfig');
    const toolkit = new Toolkit({ cwd: dir, env: { ...process.env, KUBECONFIG: missing, MODELSTACK_CACHE_DIR: join(dir, 'cache') } });
    // The kubeconfig is read while the app starts; if its error did not stop the app (or keep it
    // from starting), this would wait for the test's timeout.
    await expect(call(toolkit, app)).rejects.toThrow(`kubeconfig ${missing} does not exist`);
    // Whether it had started or not, no app is left running once the call has returned.
    if (existsSync(join(dir, 'pid'))) expect(gone(Number(readFileSync(join(dir, 'pid'), 'utf8')))).toBe(true);
  });
});
