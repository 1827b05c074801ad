import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig as ClientNodeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../src/kube/kube-config.js';
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

const pem = (what: string): string => `-----BEGIN ${what}-----\n${Buffer.from(`${what}-${Math.random()}`).toString('base64')}\n-----END ${what}-----\n`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

interface Seen {
  server: string;
  namespace: string;
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  authorization?: string;
  auth?: string;
}

function seen(server: string, namespace: string, o: RequestOptions): Seen {
  const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  const headers = (o.headers ?? {}) as Record<string, string>;
  const out: Seen = { server, namespace };
  const set = <K extends keyof Seen>(k: K, v: Seen[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('ca', text(o.ca));
  set('cert', text(o.cert));
  set('key', text(o.key));
  set('rejectUnauthorized', o.rejectUnauthorized);
  set('servername', o.servername);
  set('authorization', headers.Authorization);
  set('auth', o.auth ?? undefined);
  return out;
}

/** What our reader makes of a kubeconfig, as request options (and that it read it itself). */
async function ours(file: string, context?: string): Promise<Seen> {
  const kc = loadKubeConfig({ kubeconfig: file, ...(context ? { context } : {}) });
  expect(kc.fallbackReason).toBeUndefined();
  const o: RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  return seen(kc.server, kc.namespace, o);
}

/** What client-node makes of the same kubeconfig. */
async function clientNode(file: string, context?: string): Promise<Seen> {
  const kc = new ClientNodeConfig();
  kc.loadFromFile(file);
  if (context) kc.setCurrentContext(context);
  const o: RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  return seen(kc.getCurrentCluster()!.server, kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default', o);
}

interface Entry {
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  namespace?: string;
}

/** A kubeconfig with one context per entry (named after it), the first one current. */
function kubeconfig(path: string, entries: Record<string, Entry>, current = Object.keys(entries)[0]): string {
  const names = Object.keys(entries);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: names.map((n) => ({ name: `${n}-cluster`, cluster: { server: `https://${n}.example:6443`, ...entries[n]!.cluster } })),
      users: names.filter((n) => entries[n]!.user).map((n) => ({ name: `${n}-user`, user: entries[n]!.user })),
      contexts: names.map((n) => ({
        name: n,
        context: {
          cluster: `${n}-cluster`,
          ...(entries[n]!.user ? { user: `${n}-user` } : {}),
          ...(entries[n]!.namespace ? { namespace: entries[n]!.namespace } : {}),
        },
      })),
      ...(current ? { 'current-context': current } : {}),
    }),
  );
  return path;
}

describe('the kubeconfig reader reads the usual kubeconfigs as client-node does', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kcreader-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('certificate-authority-data, client certificate and key data, token, namespace', async () => {
    const file = kubeconfig(join(tmp, 'data'), {
      a: {
        cluster: { 'certificate-authority-data': b64(pem('CA')) },
        user: { 'client-certificate-data': b64(pem('CERT')), 'client-key-data': b64(pem('KEY')) },
        namespace: 'team-a',
      },
      b: { cluster: { 'certificate-authority-data': b64(pem('CA')) }, user: { token: 'tok-b' } },
    });
    const a = await ours(file);
    expect(a).toEqual(await clientNode(file));
    expect(a).toMatchObject({ server: 'https://a.example:6443', namespace: 'team-a' });
    expect(a.cert).toContain('BEGIN CERT');
    const b = await ours(file, 'b');
    expect(b).toEqual(await clientNode(file, 'b'));
    expect(b).toMatchObject({ authorization: 'Bearer tok-b', namespace: 'default' });
  });

  test('certificate-authority, client-certificate and client-key files, relative to the kubeconfig', async () => {
    writeFileSync(join(tmp, 'ca.crt'), pem('CA'));
    writeFileSync(join(tmp, 'client.crt'), pem('CERT'));
    writeFileSync(join(tmp, 'client.key'), pem('KEY'));
    const file = kubeconfig(join(tmp, 'files'), {
      a: { cluster: { 'certificate-authority': 'ca.crt' }, user: { 'client-certificate': 'client.crt', 'client-key': join(tmp, 'client.key') } },
    });
    const a = await ours(file);
    expect(a).toEqual(await clientNode(file));
    expect(a.ca).toContain('BEGIN CA');
    expect(a.key).toContain('BEGIN KEY');
  });

  test('insecure-skip-tls-verify and tls-server-name; a trailing slash of the server is dropped', async () => {
    const file = kubeconfig(join(tmp, 'insecure'), {
      a: { cluster: { server: 'https://10.0.0.1:6443/', 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal' }, user: { token: 't' } },
    });
    const a = await ours(file);
    expect(a).toEqual(await clientNode(file));
    expect(a).toMatchObject({ server: 'https://10.0.0.1:6443', rejectUnauthorized: false, servername: 'api.internal' });
  });

  test('username and password: basic authentication', async () => {
    const file = kubeconfig(join(tmp, 'basic'), { a: { user: { username: 'admin', password: 'pa:ss' } } });
    const a = await ours(file);
    expect(a).toEqual(await clientNode(file));
    expect(a.auth).toBe('admin:pa:ss');
  });

  test("tokenFile (kubectl's field, which client-node does not read): the file's token, trimmed, relative to the kubeconfig", async () => {
    writeFileSync(join(tmp, 'token'), 'file-token\n');
    const file = kubeconfig(join(tmp, 'tokenfile'), { a: { user: { tokenFile: 'token', token: 'inline' } } });
    expect((await ours(file)).authorization).toBe('Bearer file-token');
  });

  test('several KUBECONFIG files merge as kubectl merges them: the first to set a name or current-context wins; missing files are skipped', async () => {
    const first = kubeconfig(join(tmp, 'merge-1'), { a: { user: { token: 'from-first' }, namespace: 'ns-1' } });
    const second = join(tmp, 'merge-2');
    writeFileSync(
      second,
      stringify({
        clusters: [
          { name: 'a-cluster', cluster: { server: 'https://second.example' } },
          { name: 'b-cluster', cluster: { server: 'https://b.example' } },
        ],
        users: [{ name: 'a-user', user: { token: 'from-second' } }],
        contexts: [
          { name: 'a', context: { cluster: 'b-cluster', namespace: 'ns-2' } },
          { name: 'b', context: { cluster: 'b-cluster', user: 'a-user' } },
        ],
        'current-context': 'b',
      }),
    );
    const files = [join(tmp, 'missing'), first, second].join(delimiter);
    const current = withEnv({ KUBECONFIG: files }, () => loadKubeConfig());
    expect([current.context, current.server, current.namespace]).toEqual(['a', 'https://a.example:6443', 'ns-1']);
    const o: RequestOptions = {};
    await current.applyToHTTPSOptions(o);
    expect((o.headers as Record<string, string>).Authorization).toBe('Bearer from-first');
    const b = withEnv({ KUBECONFIG: files }, () => loadKubeConfig({ context: 'b' }));
    expect([b.server, b.namespace]).toEqual(['https://b.example', 'default']);
    const ob: RequestOptions = {};
    await b.applyToHTTPSOptions(ob);
    expect((ob.headers as Record<string, string>).Authorization).toBe('Bearer from-first');
  });

  test('an http server with insecure-skip-tls-verify gets its headers and no TLS agent; without, it is refused like client-node does', async () => {
    const refused = kubeconfig(join(tmp, 'http-refused'), { a: { cluster: { server: 'http://127.0.0.1:8080' }, user: { token: 'plain' } } });
    await expect(loadKubeConfig({ kubeconfig: refused }).applyToHTTPSOptions({})).rejects.toThrow(
      'the server is http:// and its cluster does not set insecure-skip-tls-verify: true',
    );
    await expect(clientNode(refused)).rejects.toThrow('HTTP protocol is not allowed');
    const file = kubeconfig(join(tmp, 'http'), {
      a: { cluster: { server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true }, user: { token: 'plain' } },
    });
    const kc = loadKubeConfig({ kubeconfig: file });
    const o: RequestOptions = {};
    await kc.applyToHTTPSOptions(o);
    expect(o.agent).toBeUndefined();
    expect((o.headers as Record<string, string>).Authorization).toBe('Bearer plain');
  });
});

describe('what the reader does not understand goes to client-node', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kcfallback-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('an exec plugin runs through client-node and its token is sent', async () => {
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'exec-token-1' } });
    const file = kubeconfig(join(tmp, 'exec'), {
      a: {
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: ['-e', `process.stdout.write(${JSON.stringify(credential)})`],
            interactiveMode: 'Never',
          },
        },
      },
    });
    const kc = loadKubeConfig({ kubeconfig: file });
    expect(kc.fallbackReason).toBe('user "a-user" has exec');
    expect(kc.server).toBe('https://a.example:6443');
    const o: RequestOptions = {};
    await kc.applyToHTTPSOptions(o);
    expect((o.headers as Record<string, string>).Authorization).toBe('Bearer exec-token-1');
  });

  test('auth-provider, impersonation and proxy-url are handed over, not ignored', () => {
    const file = kubeconfig(join(tmp, 'others'), {
      a: { user: { 'auth-provider': { name: 'oidc', config: {} } } },
      b: { user: { token: 't', as: 'someone' } },
      c: { cluster: { 'proxy-url': 'http://proxy.example:3128' }, user: { token: 't' } },
    });
    expect(loadKubeConfig({ kubeconfig: file }).fallbackReason).toBe('user "a-user" has auth-provider');
    expect(loadKubeConfig({ kubeconfig: file, context: 'b' }).fallbackReason).toBe('user "b-user" has as');
    expect(loadKubeConfig({ kubeconfig: file, context: 'c' }).fallbackReason).toBe('cluster "c-cluster" has proxy-url');
  });
});

describe('kubeconfig mistakes are clear errors that never show credentials', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-kcerrors-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const cases: [string, Entry, string][] = [
    [
      'CA file and data',
      { cluster: { 'certificate-authority': '/x', 'certificate-authority-data': b64('secret-ca') } },
      'sets both certificate-authority and certificate-authority-data',
    ],
    [
      'a CA with insecure-skip-tls-verify',
      { cluster: { 'certificate-authority-data': b64('secret-ca'), 'insecure-skip-tls-verify': true } },
      'sets both a certificate authority and insecure-skip-tls-verify',
    ],
    ['insecure-skip-tls-verify not a boolean', { cluster: { 'insecure-skip-tls-verify': 'yes' } }, 'insecure-skip-tls-verify is not true or false'],
    ['a client certificate without its key', { user: { 'client-certificate-data': b64('secret-cert') } }, 'has a client certificate without its key'],
    ['a token and a password', { user: { token: 'secret-token', username: 'u', password: 'secret-password' } }, 'sets both a token and a username/password'],
    [
      'data that is not base64',
      { user: { 'client-certificate-data': 'secret-not-base64!', 'client-key-data': b64('k') } },
      'client-certificate-data is not base64',
    ],
    ['a token that is not a string', { user: { token: 12345 } }, 'token of users[0].user is not a string'],
    ['a CA file that does not exist', { cluster: { 'certificate-authority': 'no-such-ca.crt' } }, `cannot read certificate-authority`],
  ];
  test.each(cases)('%s', (name, entry, message) => {
    const file = kubeconfig(join(tmp, name.replace(/\W+/g, '-')), { a: entry });
    const e = thrown(() => loadKubeConfig({ kubeconfig: file }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.message).toContain(message);
    for (const text of [e.message, e.hint ?? '', ...e.details]) {
      expect(text).not.toMatch(/secret-|12345/);
      expect(text).not.toContain(b64('secret-ca'));
    }
  });

  test('a context naming a cluster or user that is not there', () => {
    const file = join(tmp, 'dangling');
    writeFileSync(
      file,
      stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://c.example' } }],
        contexts: [
          { name: 'no-cluster', context: { cluster: 'gone' } },
          { name: 'no-user', context: { cluster: 'c', user: 'gone' } },
        ],
        'current-context': 'no-cluster',
      }),
    );
    expect(thrown(() => loadKubeConfig({ kubeconfig: file })).message).toBe('context "no-cluster" names cluster "gone", which is not in the kubeconfig');
    expect(thrown(() => loadKubeConfig({ kubeconfig: file, context: 'no-user' })).message).toBe(
      'context "no-user" names user "gone", which is not in the kubeconfig',
    );
  });
});
