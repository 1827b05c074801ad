import { existsSync, readFileSync } from 'node:fs';
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import { isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { ModelstackError, errorMessage } from '../errors.js';
import { type KubeconfigEntry, type MergedKubeconfig, pathField, readKubeconfigFiles, stringField } from './kubeconfig-files.js';
import { importPackage } from '../util/import-package.js';

// Why a kubeconfig reader of our own instead of @kubernetes/client-node's KubeConfig: importing
// client-node's dist/config.js imports all of its generated API (gen/index.js). Measured on Node 20
// (no module compile cache), that import took about 0.7 s of the ~3 s fixed cost of every cluster
// command, and about 1.7 s of a no-op apply's 3.6 s went to compiling and loading modules, mostly
// client-node's (issue 13). Importing `@kubernetes/client-node` alone: 1.1-1.4 s on the shared 2-core
// test machine, against 0.15-0.17 s for this file and its imports (yaml included); cluster
// commands' peak memory fell by about 50 MiB with it (bench:compare, 20 models). The usual
// kubeconfigs (server, CA, client certificate, token, basic auth) are read here with the `yaml`
// package; whatever this reader does not understand (exec plugins, auth-provider, impersonation,
// proxy-url, unknown fields, in-cluster service accounts) is handed to client-node, imported only
// then: never guessed.

export interface KubeConfigOptions {
  /** Path of a kubeconfig file. @default $KUBECONFIG, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** Context to use. @default the kubeconfig's current context */
  readonly context?: string;
}

/** What a KubeClient needs of a kubeconfig: the API server and the credentials for a request. */
export interface KubeConnection {
  /** URL of the API server, without a trailing slash. */
  readonly server: string;
  /** Sets TLS options, an agent and authentication headers of a request to the server. */
  applyToHTTPSOptions(opts: RequestOptions): Promise<void>;
}

/** The fields of a cluster and a user this reader understands; any other field goes to client-node. */
const CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'extensions',
  'disable-compression',
]);
const USER_FIELDS = new Set([
  'token',
  'tokenFile',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'username',
  'password',
  'extensions',
]);

/** The TLS identity and headers of the current context's user, read once. */
interface OwnAuth {
  readonly tls: AgentOptions;
  readonly headers: Readonly<Record<string, string>>;
  /** user:password of basic authentication */
  readonly basic?: string;
}

/** A kubeconfig resolved to one context: its server, namespace and credentials. */
export class KubeConfig implements KubeConnection {
  private agent?: HttpsAgent;
  private clientNode?: Promise<{ applyToHTTPSOptions(opts: RequestOptions): Promise<void> }>;

  public constructor(
    public readonly server: string,
    /** Name of the context in use. */
    public readonly context: string,
    /** Namespace of the context. @default "default" */
    public readonly namespace: string,
    private readonly auth: OwnAuth | { readonly fallback: string; readonly load: () => Promise<{ applyToHTTPSOptions(opts: RequestOptions): Promise<void> }> },
  ) {}

  /** Why client-node reads the credentials (a field this reader does not understand), else undefined. */
  public get fallbackReason(): string | undefined {
    return 'fallback' in this.auth ? this.auth.fallback : undefined;
  }

  public async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    const auth = this.auth;
    if ('fallback' in auth) {
      this.clientNode ??= auth.load();
      this.clientNode.catch(() => (this.clientNode = undefined));
      await (await this.clientNode).applyToHTTPSOptions(opts);
      return;
    }
    if (this.server.startsWith('http:') && auth.tls.rejectUnauthorized !== false) {
      // As client-node refuses it: credentials would cross the network unencrypted.
      throw new Error('the server is http:// and its cluster does not set insecure-skip-tls-verify: true');
    }
    opts.headers = { ...(opts.headers as Record<string, string> | undefined), ...auth.headers };
    if (auth.basic !== undefined) opts.auth = auth.basic;
    if (this.server.startsWith('https:')) {
      Object.assign(opts, auth.tls);
      // One agent object for every request, so the client's keep-alive pool finds it at once.
      this.agent ??= new HttpsAgent(auth.tls);
      opts.agent = this.agent;
    }
  }
}

/** Loads a kubeconfig the way kubectl does (--kubeconfig, $KUBECONFIG, ~/.kube/config; --context). */
export function loadKubeConfig(opts: KubeConfigOptions = {}): KubeConfig {
  let files: string[];
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new ModelstackError('KUBECONFIG', `kubeconfig ${opts.kubeconfig} does not exist`, {
        hint: 'pass --kubeconfig with an existing file, or set KUBECONFIG',
      });
    }
    files = [opts.kubeconfig];
  } else {
    const listed = (process.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
    if (listed.length > 0) {
      // kubectl skips files of $KUBECONFIG that do not exist.
      files = listed.filter((f) => existsSync(f));
      if (files.length === 0) {
        throw new ModelstackError('KUBECONFIG', `no kubeconfig found (none of the files in KUBECONFIG exists: ${listed.join(', ')})`, {
          hint: 'pass --kubeconfig FILE, or set KUBECONFIG',
        });
      }
    } else {
      const homeDir = process.env.HOME || (process.platform === 'win32' ? process.env.USERPROFILE : undefined);
      const home = homeDir ? join(homeDir, '.kube', 'config') : undefined;
      if (home && existsSync(home)) files = [home];
      else if (process.env.KUBERNETES_SERVICE_HOST) return inCluster(opts);
      else {
        const where = home ? `${home} does not exist` : 'HOME is not set, so there is no ~/.kube/config';
        throw new ModelstackError('KUBECONFIG', `no kubeconfig found (KUBECONFIG is not set and ${where})`, {
          hint: 'pass --kubeconfig FILE, or set KUBECONFIG',
        });
      }
    }
  }
  return resolveContext(readKubeconfigFiles(files), opts.context);
}

function resolveContext(kc: MergedKubeconfig, wanted: string | undefined): KubeConfig {
  if (wanted && !kc.contexts.has(wanted)) {
    throw new ModelstackError('KUBECONFIG', `context "${wanted}" is not in the kubeconfig`, {
      hint: `use one of: ${[...kc.contexts.keys()].join(', ') || '(none)'}`,
    });
  }
  const name = wanted ?? kc.currentContext;
  const context = name ? kc.contexts.get(name) : undefined;
  if (!name || !context) {
    throw new ModelstackError('KUBECONFIG', name ? `the current context "${name}" is not in the kubeconfig` : 'the kubeconfig has no current cluster', {
      hint: 'set a current context (kubectl config use-context NAME) or pass --context',
    });
  }
  const clusterName = stringField(context.fields, 'cluster', context.file, context.at);
  const cluster = clusterName ? kc.clusters.get(clusterName) : undefined;
  if (!cluster) {
    throw new ModelstackError('KUBECONFIG', `context "${name}" names cluster "${clusterName ?? ''}", which is not in the kubeconfig`, {
      hint: 'fix the context in the kubeconfig, or pass --context',
    });
  }
  const userName = stringField(context.fields, 'user', context.file, context.at);
  const user = userName ? kc.users.get(userName) : undefined;
  if (userName && !user) {
    throw new ModelstackError('KUBECONFIG', `context "${name}" names user "${userName}", which is not in the kubeconfig`, {
      hint: 'fix the context in the kubeconfig, or pass --context',
    });
  }
  const server = stringField(cluster.fields, 'server', cluster.file, cluster.at)!.replace(/\/$/, '');
  const namespace = stringField(context.fields, 'namespace', context.file, context.at) || 'default';
  const unknown = firstUnknown(cluster, CLUSTER_FIELDS, 'cluster') ?? (user ? firstUnknown(user, USER_FIELDS, 'user') : undefined);
  if (unknown) {
    return new KubeConfig(server, name, namespace, { fallback: unknown, load: () => clientNodeFor(name, cluster, user) });
  }
  return new KubeConfig(server, name, namespace, ownAuth(cluster, user));
}

/** The first field of an entry this reader does not understand (as a reason to hand it to client-node). */
function firstUnknown(entry: KubeconfigEntry, known: ReadonlySet<string>, kind: string): string | undefined {
  const field = Object.keys(entry.fields).find((k) => !known.has(k) && entry.fields[k] !== null);
  return field ? `${kind} "${entry.name}" has ${field}` : undefined;
}

function ownAuth(cluster: KubeconfigEntry, user: KubeconfigEntry | undefined): OwnAuth {
  const where = (e: KubeconfigEntry, kind: string): string => `${kind} "${e.name}" (${e.file})`;
  const both = (e: KubeconfigEntry, kind: string, a: string, b: string): void => {
    if (e.fields[a] != null && e.fields[b] != null) {
      throw new ModelstackError('KUBECONFIG', `${where(e, kind)} sets both ${a} and ${b}`, { hint: `keep one of them (kubectl refuses both too)` });
    }
  };
  const tls: AgentOptions = {};
  const skip = cluster.fields['insecure-skip-tls-verify'];
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean') {
    throw new ModelstackError('KUBECONFIG', `${where(cluster, 'cluster')}: insecure-skip-tls-verify is not true or false`, { hint: 'write true or false' });
  }
  both(cluster, 'cluster', 'certificate-authority', 'certificate-authority-data');
  const ca = bytes(cluster, 'cluster', 'certificate-authority', 'certificate-authority-data');
  if (skip === true) {
    if (ca) {
      throw new ModelstackError('KUBECONFIG', `${where(cluster, 'cluster')} sets both a certificate authority and insecure-skip-tls-verify`, {
        hint: 'remove one of them (kubectl refuses both too)',
      });
    }
    tls.rejectUnauthorized = false;
  }
  if (ca) tls.ca = ca;
  const serverName = stringField(cluster.fields, 'tls-server-name', cluster.file, cluster.at);
  if (serverName) tls.servername = serverName;
  const headers: Record<string, string> = {};
  let basic: string | undefined;
  if (user) {
    both(user, 'user', 'client-certificate', 'client-certificate-data');
    both(user, 'user', 'client-key', 'client-key-data');
    const cert = bytes(user, 'user', 'client-certificate', 'client-certificate-data');
    const key = bytes(user, 'user', 'client-key', 'client-key-data');
    if (Boolean(cert) !== Boolean(key)) {
      throw new ModelstackError('KUBECONFIG', `${where(user, 'user')} has a client ${cert ? 'certificate without its key' : 'key without its certificate'}`, {
        hint: 'set both client-certificate(-data) and client-key(-data)',
      });
    }
    if (cert && key) Object.assign(tls, { cert, key });
    const token = bearerToken(user);
    const username = stringField(user.fields, 'username', user.file, user.at);
    const password = stringField(user.fields, 'password', user.file, user.at);
    if (token !== undefined && (username !== undefined || password !== undefined)) {
      throw new ModelstackError('KUBECONFIG', `${where(user, 'user')} sets both a token and a username/password`, {
        hint: 'keep one way to authenticate (kubectl refuses both too)',
      });
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    if (username !== undefined || password !== undefined) basic = `${username ?? ''}:${password ?? ''}`;
  }
  return { tls, headers, ...(basic !== undefined ? { basic } : {}) };
}

/**
 * The token of a user: tokenFile's contents, trimmed, when it is set (kubectl reads the file and
 * prefers it to token: client-go rest.Config.BearerTokenFile), else token.
 */
function bearerToken(user: KubeconfigEntry): string | undefined {
  const file = pathField(user, 'tokenFile');
  if (file) return readEntryFile(user, 'user', 'tokenFile', file).toString('utf8').trim();
  return stringField(user.fields, 'token', user.file, user.at) || undefined;
}

/** A file field's contents, else a -data field decoded from base64; undefined when neither is set. */
function bytes(entry: KubeconfigEntry, kind: string, fileKey: string, dataKey: string): Buffer | undefined {
  const file = pathField(entry, fileKey);
  if (file) return readEntryFile(entry, kind, fileKey, file);
  const data = stringField(entry.fields, dataKey, entry.file, entry.at);
  if (!data) return undefined;
  const compact = data.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new ModelstackError('KUBECONFIG', `${kind} "${entry.name}" (${entry.file}): ${dataKey} is not base64`, {
      hint: `${dataKey} holds base64 of a PEM file (base64 -w0 FILE); its contents are not shown`,
    });
  }
  return Buffer.from(compact, 'base64');
}

function readEntryFile(entry: KubeconfigEntry, kind: string, key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ModelstackError(
      'KUBECONFIG',
      `cannot read ${key} ${file} of ${kind} "${entry.name}" (${entry.file}): ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`,
      {
        hint: 'check the path in the kubeconfig (a relative path is relative to the kubeconfig file)',
      },
    );
  }
}

/**
 * client-node's KubeConfig holding only the context in use, with the paths already resolved
 * against their files; imported here, at the first request, and only for kubeconfigs this reader
 * hands over.
 */
async function clientNodeFor(
  context: string,
  cluster: KubeconfigEntry,
  user: KubeconfigEntry | undefined,
): Promise<{ applyToHTTPSOptions(opts: RequestOptions): Promise<void> }> {
  const { KubeConfig: ClientNodeConfig } = await importPackage<typeof import('@kubernetes/client-node')>('@kubernetes/client-node');
  const absolute = (e: KubeconfigEntry, keys: readonly string[]): Record<string, unknown> => {
    const fields: Record<string, unknown> = { ...e.fields };
    for (const k of keys) if (fields[k] != null) fields[k] = pathField(e, k);
    return fields;
  };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: absolute(cluster, ['certificate-authority']) }],
    users: user ? [{ name: user.name, user: absolute(user, ['client-certificate', 'client-key', 'tokenFile']) }] : [],
    contexts: [{ name: context, context: { cluster: cluster.name, ...(user ? { user: user.name } : {}) } }],
    'current-context': context,
  };
  const kc = new ClientNodeConfig();
  try {
    kc.loadFromString(JSON.stringify(config));
  } catch (e) {
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${user?.file ?? cluster.file}: ${errorMessage(e)}`, {
      hint: 'check KUBECONFIG or --kubeconfig',
    });
  }
  return kc;
}

/** Inside a pod without a kubeconfig: the service account, read by client-node (as before). */
function inCluster(opts: KubeConfigOptions): KubeConfig {
  const host = process.env.KUBERNETES_SERVICE_HOST!;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  if (opts.context && opts.context !== 'inClusterContext') {
    throw new ModelstackError('KUBECONFIG', `context "${opts.context}" is not in the kubeconfig`, { hint: 'use one of: inClusterContext' });
  }
  // As client-node's loadFromCluster names the server.
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const server = `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const nsFile = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() || 'default' : 'default';
  return new KubeConfig(server, 'inClusterContext', namespace, {
    fallback: 'in-cluster service account',
    load: async () => {
      const { KubeConfig: ClientNodeConfig } = await importPackage<typeof import('@kubernetes/client-node')>('@kubernetes/client-node');
      const kc = new ClientNodeConfig();
      kc.loadFromCluster();
      return kc;
    },
  });
}

/** The namespace of the current context, like kubectl's default. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.namespace;
}
