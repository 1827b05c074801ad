import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextNamespace, loadKubeConfig } from '../../src/kube/kube-config.js';
import { writeKubeconfig } from '../support/fake-apiserver.js';
import { thrown } from '../support/thrown.js';

/** Runs `fn` with the given variables set (undefined: unset), restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (k: string, v: string | undefined): void => {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  for (const [k, v] of Object.entries(vars)) set(k, v);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) set(k, v);
  }
}

describe('loadKubeConfig', () => {
  let tmp: string;
  let file: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kubeconfig-'));
    file = writeKubeconfig(join(tmp, 'config'), [
      { name: 'alpha', server: 'https://alpha.example:6443', namespace: 'team-a' },
      { name: 'beta', server: 'https://beta.example:6443' },
    ]);
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('--kubeconfig loads the file with its current context', () => {
    const kc = loadKubeConfig({ kubeconfig: file });
    expect(kc.context).toBe('alpha');
    expect(kc.server).toBe('https://alpha.example:6443');
  });

  test('--context selects another context of the file', () => {
    const kc = loadKubeConfig({ kubeconfig: file, context: 'beta' });
    expect(kc.context).toBe('beta');
    expect(kc.server).toBe('https://beta.example:6443');
  });

  test('an unknown context is a KUBECONFIG error listing the contexts there are', () => {
    const e = thrown(() => loadKubeConfig({ kubeconfig: file, context: 'gamma' }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe('context "gamma" is not in the kubeconfig');
    expect(e.hint).toBe('use one of: alpha, beta');
  });

  test('a kubeconfig file that does not exist is an error naming it', () => {
    const missing = join(tmp, 'nope');
    const e = thrown(() => loadKubeConfig({ kubeconfig: missing }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe(`kubeconfig ${missing} does not exist`);
    expect(e.hint).toBe('pass --kubeconfig with an existing file, or set KUBECONFIG');
  });

  test('a file that is not a kubeconfig is a KUBECONFIG error, not a crash', () => {
    const bad = join(tmp, 'bad');
    writeFileSync(bad, 'clusters: [unclosed\n');
    const e = thrown(() => loadKubeConfig({ kubeconfig: bad }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe(
      `cannot read the kubeconfig ${bad}: invalid YAML at line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });

  test('the reasons that quote the document (an alias or tag name) have the quoted part left out', () => {
    const bad = join(tmp, 'alias');
    writeFileSync(bad, 'users:\n- name: a\n  user: {token: *secret-alias-token}\n');
    const e = thrown(() => loadKubeConfig({ kubeconfig: bad }));
    expect(e.message).toBe(`cannot read the kubeconfig ${bad}: invalid YAML at line 3, column 17: an alias (*name) has no anchor before it`);
    writeFileSync(bad, 'users:\n- name: a\n  user: {token: !<secret-tag-token> x}\n');
    expect(thrown(() => loadKubeConfig({ kubeconfig: bad })).message).not.toContain('secret-tag-token');
  });

  test('a kubeconfig that is YAML but not a kubeconfig is an error naming the file and the problem', () => {
    const bad = join(tmp, 'no-server');
    writeFileSync(bad, 'clusters:\n- name: a\n  cluster: {}\n');
    const e = thrown(() => loadKubeConfig({ kubeconfig: bad }));
    expect(e.message).toBe(`cannot read the kubeconfig ${bad}: clusters[0].cluster.server is missing`);
    expect(e.hint).toBe('check KUBECONFIG or --kubeconfig');
  });

  test('a YAML error names the file, line and column and the reason, never the contents of the file (they hold tokens)', () => {
    const token = 'test-bearer-token-4f9a';
    const bad = join(tmp, 'yaml-error');
    // The token line is followed by a line indented wrongly, so the YAML library's error (and its source
    // excerpt) is right next to the token.
    writeFileSync(bad, ['apiVersion: v1', 'kind: Config', 'users:', '- name: admin', '  user:', `    token: ${token}`, '   client-key: x', ''].join('\n'));
    const e = thrown(() => loadKubeConfig({ kubeconfig: bad }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe(`cannot read the kubeconfig ${bad}: invalid YAML at line 7, column 1: All mapping items must start at the same column`);
    expect(e.hint).toBe('fix the YAML at that line of the file (its contents are not shown: kubeconfigs hold credentials)');
    expect(e.details).toEqual([]);
    expect(e.cause).toBeUndefined();
    for (const text of [e.message, e.hint, ...e.details, String(e.stack)]) expect(text).not.toContain(token);
  });

  test('a YAML error in one of several $KUBECONFIG files names that file', () => {
    const bad = join(tmp, 'yaml-error-2');
    writeFileSync(bad, 'users:\n- name: a\n  user: {token: "abc-secret-value\n');
    const e = withEnv({ KUBECONFIG: [file, bad].join(process.platform === 'win32' ? ';' : ':') }, () => thrown(() => loadKubeConfig()));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe(`cannot read the kubeconfig ${bad}: invalid YAML at line 4, column 1: Missing closing "quote`);
    expect(e.message).not.toContain('abc-secret-value');
  });

  test('no current context (and no --context) is an error saying how to pick one', () => {
    const none = writeKubeconfig(join(tmp, 'no-current'), [{ name: 'alpha', server: 'https://alpha.example:6443' }], '');
    const e = thrown(() => loadKubeConfig({ kubeconfig: none }));
    expect(e.message).toBe('the kubeconfig has no current cluster');
    expect(e.hint).toContain('--context');
    expect(loadKubeConfig({ kubeconfig: none, context: 'alpha' }).server).toBe('https://alpha.example:6443');
  });

  test('without --kubeconfig, $KUBECONFIG is read', () => {
    const kc = withEnv({ KUBECONFIG: file }, () => loadKubeConfig({ context: 'beta' }));
    expect(kc.server).toBe('https://beta.example:6443');
  });

  test('without --kubeconfig or $KUBECONFIG, ~/.kube/config is read', () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    mkdirSync(join(home, '.kube'));
    writeKubeconfig(join(home, '.kube', 'config'), [{ name: 'homectx', server: 'https://home.example:6443' }]);
    const kc = withEnv({ HOME: home, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined }, () => loadKubeConfig());
    expect(kc.context).toBe('homectx');
    expect(kc.server).toBe('https://home.example:6443');
  });

  test('no $KUBECONFIG and no ~/.kube/config: "no kubeconfig found", not a silent localhost:8080', () => {
    const home = mkdtempSync(join(tmp, 'empty-home-'));
    const e = withEnv({ HOME: home, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined }, () => thrown(() => loadKubeConfig()));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe(`no kubeconfig found (KUBECONFIG is not set and ${join(home, '.kube', 'config')} does not exist)`);
    expect(e.hint).toBe('pass --kubeconfig FILE, or set KUBECONFIG');
  });

  test('no $HOME either (client-node then has no ~/.kube/config to read): the same error, saying so', () => {
    const e = withEnv({ HOME: undefined, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined }, () => thrown(() => loadKubeConfig()));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toBe('no kubeconfig found (KUBECONFIG is not set and HOME is not set, so there is no ~/.kube/config)');
  });
});

describe('contextNamespace', () => {
  let tmp: string;
  let file: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kubeconfig-ns-'));
    file = writeKubeconfig(join(tmp, 'config'), [
      { name: 'alpha', server: 'https://alpha.example:6443', namespace: 'team-a' },
      { name: 'beta', server: 'https://beta.example:6443' },
    ]);
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test("the current context's namespace, else default", () => {
    expect(contextNamespace(loadKubeConfig({ kubeconfig: file }))).toBe('team-a');
    expect(contextNamespace(loadKubeConfig({ kubeconfig: file, context: 'beta' }))).toBe('default');
  });
});
