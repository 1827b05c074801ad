import { resolve } from 'node:path';
import type { ApplyOptions as EngineApplyOptions, ApplyResult } from '../apply/apply.js';
import type { DestroyOptions as EngineDestroyOptions } from '../apply/destroy.js';
import type { ChangeSet } from '../diff/change-set.js';
import { ModelstackError } from '../errors.js';
import type { ArgoIgnoreDifference } from '../gitops/autoscaled-fields.js';
import { type IoHost, silentIoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import { loadEngine } from './load-engine.js';
import { defaultCacheDir } from '../util/cache-dir.js';
import type { ListResult } from '../list/list-models.js';
import type { CollectResult } from '../metrics/model-metrics.js';
import { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_SCRAPE_TIMEOUT_MS } from '../metrics/scrape-defaults.js';
import type { KubeObject, StackManifest } from '../model/kube-object.js';
import type { RuntimeStatus } from '../status/runtime-status.js';
import type { Layout } from '../synth/layout.js';
import type { SynthResult } from '../synth/synth.js';
import type { ValidateResult } from '../validate/validate-manifests.js';
import { type ClusterOptions, type Connection, connect, type RequestStats } from './cluster.js';
import { LocalToolkit } from './local-toolkit.js';
import type { ImportStackResult } from '../import/import-stack.js';
import type { KubeApi } from '../kube/kube-api.js';
import type { ModelKindHealthChecks } from '../gitops/health-checks.js';
import type { InitProjectResult } from '../init/init-project.js';
import type { CrdStore } from '../schema/crd-store.js';

// Every method loads the engine modules it uses on its first call (load-engine.ts): synth never
// loads the cluster client, apply never the container layer. Only types and light values are
// imported here.

export interface ToolkitProps {
  /** Where messages go. @default a host that drops them */
  readonly ioHost?: IoHost;
  /** The directory apps run in and relative paths resolve against. @default process.cwd() */
  readonly cwd?: string;
  /** Environment (KUBECONFIG, MODELSTACK_*). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Which stacks a call works on: ready StackManifests, else the app command's output. */
export interface StackSource {
  /** App command. @default `app` of cdk8s.yaml, else "npx tsx stacks/main.ts" */
  readonly app?: string;
  /** Stacks already synthesized (e.g. by `Testing`); the app is then not run. */
  readonly stacks?: readonly StackManifest[];
  /**
   * How long the app may run; then it is stopped with every process it started (its process
   * group) and its temporary files are removed, and the call fails with a TIMEOUT error.
   * @default 120000 (DEFAULT_APP_TIMEOUT_MS)
   */
  readonly appTimeoutMs?: number;
  /**
   * Run the app even when the output of its last run could be reused. Without it, apply, diff and
   * destroy reuse that output when the app's inputs are unchanged (command, directory, the
   * project's files, lock files, environment, Node.js and modelstack version: see
   * src/synth/synth-reuse.ts), and store the output of every run for the next command.
   * @default false
   */
  readonly resynth?: boolean;
}

export interface SynthOptions {
  readonly app?: string;
  /** How long the app may run (see StackSource.appTimeoutMs). @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
  /** Output directory, relative to cwd. @default "dist" */
  readonly out?: string;
  /** @default "file-per-chart" */
  readonly layout?: Layout;
  /** Also write kustomization.yaml in apply order. @default false */
  readonly kustomization?: boolean;
}

export interface ValidateOptions extends ClusterOptions {
  /** Manifests to check. @default "dist" */
  readonly dir?: string;
  /** CRD directory. @default $MODELSTACK_CRDS_DIR, else ../shared/crds */
  readonly crdsDir?: string;
  /** Read the CRDs from the cluster instead of a directory. @default false */
  readonly live?: boolean;
}

export interface DiffOptions extends StackSource, ClusterOptions {
  /** Compare with the app at this git revision (offline). */
  readonly base?: string;
  /** Compare with the manifests in this directory (offline). */
  readonly against?: string;
  /** Live mode: also show owned objects that `apply --prune` would delete. @default false */
  readonly prune?: boolean;
  /** Namespace of the stacks' ApplySet parents. @default "default" */
  readonly applySetNamespace?: string;
  /**
   * Values left out of both sides before they are compared (`--ignore`): dot paths with `[]`,
   * `[N]`, `[key=value]`, `["a.b"]` steps and an optional `Kind:` prefix. @default none
   */
  readonly ignore?: readonly string[];
}

export interface DiffResult {
  /** What the stack was compared with. */
  readonly against: { readonly kind: 'live' | 'git' | 'dir'; readonly label: string };
  readonly changes: ChangeSet;
  readonly hasChanges: boolean;
}

export interface ApplyOptions extends StackSource, ClusterOptions, EngineApplyOptions {}

export interface DestroyOptions extends StackSource, ClusterOptions, EngineDestroyOptions {}

export interface DestroyResult {
  readonly dryRun: boolean;
  readonly stacks: readonly { readonly stack: string; readonly deleted: readonly string[]; readonly released: readonly string[] }[];
}

export interface StatusOptions extends ClusterOptions {
  /** Look for operators only in this namespace. @default all namespaces */
  readonly namespace?: string;
}

export interface StatusResult {
  readonly runtimes: readonly RuntimeStatus[];
}

export interface ListOptions extends ClusterOptions {
  /** @default the kubeconfig context's namespace */
  readonly namespace?: string;
  /** List across all namespaces (namespace must then be unset). @default false */
  readonly allNamespaces?: boolean;
}

export interface ListModelsResult extends ListResult {
  /** The namespace listed; undefined for all namespaces. */
  readonly namespace?: string;
}

export interface InitOptions {
  /** @default the working directory */
  readonly dir?: string;
  /** Write into a non-empty directory, replacing files of the same name. @default false */
  readonly force?: boolean;
  /** The package name. @default the directory's name, made a valid npm name */
  readonly name?: string;
}

export interface GitopsHealthResult {
  readonly kinds: readonly ModelKindHealthChecks[];
}

export interface MetricsOptions extends ClusterOptions {
  /** Only this model (its DynamoGraphDeployment or RayService name). @default every model listed */
  readonly model?: string;
  /** @default the kubeconfig context's namespace */
  readonly namespace?: string;
  /** Across all namespaces (namespace must then be unset). @default false */
  readonly allNamespaces?: boolean;
  /** Time between the two scrapes rates and quantiles come from, 1000..300000. @default 5000 */
  readonly intervalMs?: number;
  /** Deadline of each scrape through the API server, 1000..120000. @default 10000 */
  readonly timeoutMs?: number;
  /** Aborting ends the wait between the scrapes; the call then rejects with the abort reason. */
  readonly signal?: AbortSignal;
}

export interface MetricsResult extends CollectResult {
  /** The namespace looked in; undefined for all namespaces. */
  readonly namespace?: string;
}

/**
 * The modelstack engine as a library: every command of the CLI is one method here, with typed
 * options and a typed result. Nothing here prints; progress and notes go to the IoHost as
 * registered messages (MESSAGES) carrying typed data. The CLI is one client of it.
 *
 * ```ts
 * const toolkit = new Toolkit({ ioHost: myHost });
 * const { changes } = await toolkit.diff({ base: 'origin/main' });
 * ```
 *
 * Every child process and request has a deadline (appTimeoutMs for the app). The toolkit
 * installs no signal handler: a process that handles SIGINT/SIGTERM itself should await
 * runCleanups() before it exits, which stops running apps (with every process they started)
 * and removes temporary worktrees and directories. The CLI does so.
 */
export class Toolkit {
  public readonly ioHost: IoHost;
  public readonly cwd: string;
  public readonly env: NodeJS.ProcessEnv;
  /** Local runs of the stack on docker, podman or nerdctl. */
  public readonly local: LocalToolkit;
  private readonly connections: Connection[] = [];

  public constructor(props: ToolkitProps = {}) {
    this.ioHost = props.ioHost ?? silentIoHost;
    this.cwd = resolve(props.cwd ?? process.cwd());
    this.env = props.env ?? process.env;
    this.local = new LocalToolkit(this);
  }

  /**
   * API requests this toolkit's cluster clients have sent and connections they opened, summed
   * over its calls so far (clients passed in as `kube` are not counted). The CLI prints them
   * at exit when MODELSTACK_DEBUG_STATS is set; the benchmark compares them with kubectl's.
   */
  public requestStats(): RequestStats {
    let requests = 0;
    let connections = 0;
    for (const c of this.connections) {
      requests += c.stats?.requests ?? 0;
      connections += c.stats?.connections ?? 0;
    }
    return { requests, connections };
  }

  private async connect(opts: ClusterOptions): Promise<Connection> {
    const connection = await connect(opts, this.env);
    this.connections.push(connection);
    return connection;
  }

  /**
   * The cluster connection, the stacks and `extra` (the engine, the lock's description), worked on
   * at once: the kubeconfig is read and the engine loaded while the app runs (or its last output
   * is fingerprinted), not after. A connection that fails (a kubeconfig error) stops the app and
   * is the error thrown, as when the connection was made before the app ran. Every side is waited
   * for before an error is thrown, so no app or git process is left running. Nothing is sent to
   * the cluster before the stacks are there: a stack that fails leaves no request behind.
   */
  private async clusterAndStacks<T>(opts: ClusterOptions & StackSource, extra: Promise<T>): Promise<[Connection, readonly StackManifest[], T]> {
    const stop = new AbortController();
    const stacks = this.stacksUntil(opts, stop.signal);
    const connection = this.connect(opts);
    connection.catch(() => stop.abort());
    const [c, s, e] = await Promise.allSettled([connection, stacks, extra]);
    for (const r of [c, s, e]) if (r.status === 'rejected') throw r.reason;
    return [
      (c as PromiseFulfilledResult<Connection>).value,
      (s as PromiseFulfilledResult<readonly StackManifest[]>).value,
      (e as PromiseFulfilledResult<T>).value,
    ];
  }

  /** Runs the app and returns its stacks without writing anything. */
  public async stacks(source: StackSource = {}): Promise<readonly StackManifest[]> {
    return this.stacksUntil(source);
  }

  /** stacks(), with the app stopped when `signal` is aborted. */
  private async stacksUntil(source: StackSource, signal?: AbortSignal): Promise<readonly StackManifest[]> {
    if (source.stacks) return source.stacks;
    const { synthStacks } = await loadEngine(() => import('../synth/synth.js'));
    return synthStacks(
      {
        app: source.app,
        cwd: this.cwd,
        appTimeoutMs: source.appTimeoutMs,
        reuse: source.resynth ? 'refresh' : 'reuse',
        cacheDir: defaultCacheDir(this.env),
        ...(signal ? { signal } : {}),
      },
      this.ioHost,
    );
  }

  /** Runs the app and writes deterministic YAML, removing files an earlier synth wrote and this one did not. */
  public async synth(opts: SynthOptions = {}): Promise<SynthResult> {
    const { synth } = await loadEngine(() => import('../synth/synth.js'));
    return synth({ ...opts, cwd: this.cwd, cacheDir: defaultCacheDir(this.env) }, this.ioHost);
  }

  /** Checks the custom resources in a directory against the CRD schemas (defaults applied first). */
  public async validate(opts: ValidateOptions = {}): Promise<ValidateResult> {
    const dir = resolve(this.cwd, opts.dir ?? 'dist');
    const { crdsFromCluster, crdsFromDir, validateManifests } = await loadEngine(() => import('../validate/validate-manifests.js'));
    if (opts.live) return validateManifests(dir, await crdsFromCluster((await this.connect(opts)).kube));
    return validateManifests(dir, (groups) => crdsFromDir(opts.crdsDir, groups));
  }

  /**
   * What would change: against the live cluster (each object against a server-side apply dry
   * run, ownership marks included), a git revision, or a directory of manifests.
   */
  public async diff(opts: DiffOptions = {}): Promise<DiffResult> {
    if (opts.base !== undefined && opts.against !== undefined) {
      throw new ModelstackError('USAGE', 'diff: --base and --against cannot be used together', { hint: 'compare with one of them' });
    }
    const [{ parseIgnorePath }, { diffObjects, hasChanges }] = await Promise.all([
      loadEngine(() => import('../diff/ignore-paths.js')),
      loadEngine(() => import('../diff/change-set.js')),
    ]);
    const ignore = (opts.ignore ?? []).map(parseIgnorePath);
    if (opts.base === undefined && opts.against === undefined) {
      const engine = loadEngine(() => import('../diff/sources/live.js'));
      const [{ kube }, stacks, { liveDiff }] = await this.clusterAndStacks(opts, engine);
      const changes = await liveDiff(kube, stacks, { prune: opts.prune, applySetNamespace: opts.applySetNamespace, ignore });
      return { against: { kind: 'live', label: 'the live cluster' }, changes, hasChanges: hasChanges(changes) };
    }
    let before: Promise<readonly KubeObject[]>;
    let against: DiffResult['against'];
    if (opts.against !== undefined) {
      const dir = resolve(this.cwd, opts.against);
      before = loadEngine(() => import('../diff/sources/manifest-dir.js')).then(({ readManifestDir }) => readManifestDir(dir));
      against = { kind: 'dir', label: opts.against };
    } else {
      const base = { ref: opts.base!, cwd: this.cwd, app: opts.app, appTimeoutMs: opts.appTimeoutMs };
      before = loadEngine(() => import('../diff/sources/git-base.js')).then(({ synthAtGitRef }) => synthAtGitRef(base, this.ioHost));
      against = { kind: 'git', label: `git ${opts.base}` };
    }
    const [b, a] = await both(before, this.stacks(opts));
    const { objectsOf } = await loadEngine(() => import('../diff/sources/synth-objects.js'));
    const changes = diffObjects(b, objectsOf(a), { ignore });
    return { against, changes, hasChanges: hasChanges(changes) };
  }

  /** Argo CD ignoreDifferences for the replica counts an autoscaler owns in the stacks (`gitops argocd-ignore`). */
  public async argocdIgnore(opts: StackSource = {}): Promise<{ readonly entries: readonly ArgoIgnoreDifference[] }> {
    const objects = (await this.stacks(opts)).flatMap((s) => s.objects);
    const { argocdIgnoreDifferences, autoscaledFields } = await loadEngine(() => import('../gitops/autoscaled-fields.js'));
    return { entries: argocdIgnoreDifferences(autoscaledFields(objects)) };
  }

  /**
   * Preflight, then server-side apply in stages (CRDs → namespaces → config → operators →
   * models) under each stack's lock; optionally prune (what the stack created is deleted, what
   * it adopted released, mass deletion refused) and wait.
   */
  public async apply(opts: ApplyOptions = {}): Promise<ApplyResult> {
    const description = opts.lockDescription !== undefined ? Promise.resolve(opts.lockDescription) : runDescription('apply', this.cwd);
    const engine = loadEngine(() => import('../apply/apply.js'));
    const [{ kube }, stacks, [lockDescription, { apply: applyStacks }]] = await this.clusterAndStacks(opts, Promise.all([description, engine]));
    return applyStacks(kube, stacks, { ...opts, lockDescription }, this.ioHost);
  }

  /**
   * Deletes what the stacks created in the cluster (models first), releases what they adopted,
   * keeps namespaces that hold anything else. Asks the IoHost to confirm the whole list first
   * (DESTROY_CONFIRM) unless `yes`; a host that cannot answer refuses.
   */
  public async destroy(opts: DestroyOptions = {}): Promise<DestroyResult> {
    const description = opts.lockDescription !== undefined ? Promise.resolve(opts.lockDescription) : runDescription('destroy', this.cwd);
    const engine = loadEngine(() => import('../apply/destroy.js'));
    const [{ kube }, stacks, [lockDescription, { destroy: destroyStacks }]] = await this.clusterAndStacks(opts, Promise.all([description, engine]));
    const results = await destroyStacks(kube, stacks, { ...opts, lockDescription }, this.ioHost);
    return {
      dryRun: opts.dryRun ?? false,
      stacks: results.map((r) => ({
        stack: r.stack,
        deleted: r.outcomes.filter((o) => o.action === 'pruned').map((o) => o.ref),
        released: r.outcomes.filter((o) => o.action === 'released').map((o) => o.ref),
      })),
    };
  }

  /**
   * Turns existing DynamoGraphDeployments (v1alpha1 converted to v1beta1) and RayServices, from
   * YAML files or a namespace of the cluster, into a stack file of DynamoModel and RayModel
   * constructs; what the props do not express stays as commented JSON patches. A synth of the
   * file gives the objects back (checked before it is written), so an apply adopts them in place.
   */
  public async importModels(opts: ImportOptions): Promise<ImportResult> {
    return importModels(this, opts, async () => (await this.connect(opts)).kube);
  }

  /** Per runtime: CRDs Established, operator available, version. */
  public async status(opts: StatusOptions = {}): Promise<StatusResult> {
    const kube = (await this.connect(opts)).kube;
    const { runtimeStatus } = await loadEngine(() => import('../status/runtime-status.js'));
    return { runtimes: await runtimeStatus(kube, { namespace: opts.namespace }) };
  }

  /**
   * Model deployments of both runtimes with phase and replicas. Throws ListForbiddenError
   * (carrying what could be listed) when a model kind may not be listed.
   */
  public async list(opts: ListOptions = {}): Promise<ListModelsResult> {
    if (opts.allNamespaces && opts.namespace) {
      throw new ModelstackError('USAGE', 'list: -n and -A cannot be used together', { hint: 'pick one' });
    }
    const { kube, defaultNamespace } = await this.connect(opts);
    const namespace = opts.allNamespaces ? undefined : (opts.namespace ?? defaultNamespace);
    const [{ listModels }, { ListForbiddenError }] = await Promise.all([
      loadEngine(() => import('../list/list-models.js')),
      loadEngine(() => import('../list/list-forbidden-error.js')),
    ]);
    const listed = await listModels(kube, { namespace });
    for (const note of listed.notes) this.ioHost.notify(MESSAGES.LIST_NOTE.make(note, { note }));
    const result = { ...listed, ...(namespace !== undefined ? { namespace } : {}) };
    if (result.forbidden.length > 0) throw new ListForbiddenError(result);
    return result;
  }

  /**
   * Each model's numbers (requests running/waiting, request and error rate, TTFT and ITL
   * quantiles, output tokens/s, KV-cache usage, prefix-cache hit rate): its runtime's metrics
   * endpoint scraped twice through the API server's service proxy, `intervalMs` apart. A metric
   * the runtime does not publish is `published: false` (shown "n/a"), never 0.
   */
  public async metrics(opts: MetricsOptions = {}): Promise<MetricsResult> {
    if (opts.allNamespaces && opts.namespace) {
      throw new ModelstackError('USAGE', 'metrics: -n and -A cannot be used together', { hint: 'pick one' });
    }
    const intervalMs = bounded('interval', opts.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS, 1_000, 300_000);
    const timeoutMs = bounded('scrape timeout', opts.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS, 1_000, 120_000);
    const { kube, defaultNamespace } = await this.connect(opts);
    const namespace = opts.allNamespaces ? undefined : (opts.namespace ?? defaultNamespace);
    const { collectMetrics } = await loadEngine(() => import('../metrics/model-metrics.js'));
    const result = await collectMetrics(kube, {
      namespace,
      ...(opts.model !== undefined ? { model: opts.model } : {}),
      intervalMs,
      timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      io: this.ioHost,
    });
    return { ...result, ...(namespace !== undefined ? { namespace } : {}) };
  }

  /**
   * Argo CD health checks (Lua) and Flux health expressions (CEL) for every runtime's model kind,
   * generated from the readiness rules `list` uses. Needs no cluster.
   */
  public async gitopsHealth(): Promise<GitopsHealthResult> {
    const { gitopsHealthChecks } = await loadEngine(() => import('../gitops/health-checks.js'));
    return { kinds: gitopsHealthChecks() };
  }

  /**
   * Scaffolds a GitOps repository (package.json, cdk8s.yaml, stacks/main.ts with a fresh
   * stackId, tsconfig.json, .gitignore, README.md, crds/, a GitHub Actions workflow) in `dir`,
   * relative to cwd. Refuses a non-empty directory (.git aside) unless `force`; every file
   * written is an INIT_FILE message, saying whether it replaced one.
   */
  public async init(opts: InitOptions = {}): Promise<InitProjectResult> {
    const dir = resolve(this.cwd, opts.dir ?? '.');
    const { initProject } = await loadEngine(() => import('../init/init-project.js'));
    return initProject({ dir, force: opts.force, name: opts.name }, (path, replaced) =>
      this.ioHost.notify(MESSAGES.INIT_FILE.make(`${replaced ? 'replaced' : 'created'} ${path}`, { path, replaced })),
    );
  }
}

export interface ImportOptions extends ClusterOptions {
  /** YAML files of DynamoGraphDeployments and RayServices to import (relative to cwd). */
  readonly files?: readonly string[];
  /** Import the models of this namespace of the cluster instead of files. */
  readonly namespace?: string;
  /** The stack file to write, relative to cwd. @default "stacks/imported.ts" */
  readonly out?: string;
  /** Overwrite `out` when it exists. @default false */
  readonly force?: boolean;
  /** Name of the generated stack. @default "imported" */
  readonly stackName?: string;
  /** Module the generated file imports the constructs from. @default "modelstack" */
  readonly module?: string;
  /** How long each synth of the generated file may run. @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
  /**
   * Directory of the CRDs whose schema defaults count as rendered (a defaulted field is not kept
   * as a patch). @default with -n, the cluster's CRDs; with files, $MODELSTACK_CRDS_DIR or a
   * shared/crds directory above the working directory, else no defaults
   */
  readonly crdsDir?: string;
}

export type ImportResult = ImportStackResult;

async function importModels(toolkit: Toolkit, opts: ImportOptions, kube: () => Promise<KubeApi>): Promise<ImportResult> {
  const files = opts.files ?? [];
  if (files.length > 0 === (opts.namespace !== undefined)) {
    throw new ModelstackError('USAGE', 'import: pass either -f FILE... or -n NAMESPACE', {
      hint: 'import files, or the models of one namespace of the cluster',
    });
  }
  const [{ readLiveObjects, readObjectFiles }, { importStack }] = await Promise.all([
    loadEngine(() => import('../import/read-objects.js')),
    loadEngine(() => import('../import/import-stack.js')),
  ]);
  const objects = files.length > 0 ? await readObjectFiles(files.map((f) => resolve(toolkit.cwd, f))) : await readLiveObjects(await kube(), opts.namespace!);
  const crds = await importCrds(opts, files.length > 0 ? undefined : kube);
  const result = await importStack(
    objects,
    {
      out: resolve(toolkit.cwd, opts.out ?? 'stacks/imported.ts'),
      ...(opts.force !== undefined ? { force: opts.force } : {}),
      ...(opts.stackName !== undefined ? { stackName: opts.stackName } : {}),
      ...(opts.module !== undefined ? { module: opts.module } : {}),
      ...(opts.appTimeoutMs !== undefined ? { appTimeoutMs: opts.appTimeoutMs } : {}),
      ...(crds ? { crds } : {}),
    },
    toolkit.ioHost,
  );
  for (const m of result.models) {
    if (m.patches.length > 0)
      toolkit.ioHost.notify(MESSAGES.IMPORT_PATCHED.make(`${m.ref}: kept ${m.patches.length} field(s) as JSON patches`, { ref: m.ref, patches: m.patches }));
    const fields = [...m.notConverted, ...m.notes];
    if (fields.length > 0)
      toolkit.ioHost.notify(MESSAGES.IMPORT_NOT_CONVERTED.make(`${m.ref}: could not convert ${fields.join('; ')}`, { ref: m.ref, fields }));
  }
  return result;
}

/** The API groups of the kinds import reads. */
const IMPORT_GROUPS = new Set(['nvidia.com', 'ray.io']);

/**
 * The CRDs whose defaults import counts as rendered: --crds; else, for live objects, the cluster's
 * own (what defaulted them); else a CRD directory found as `validate` finds one; else none, and
 * defaulted fields stay patches.
 */
async function importCrds(opts: ImportOptions, kube: (() => Promise<KubeApi>) | undefined): Promise<CrdStore | undefined> {
  const { crdsFromCluster, crdsFromDir } = await loadEngine(() => import('../validate/validate-manifests.js'));
  if (opts.crdsDir !== undefined) return (await crdsFromDir(opts.crdsDir, IMPORT_GROUPS)).store;
  if (kube) {
    try {
      return (await crdsFromCluster(await kube())).store;
    } catch (e) {
      if (!(e instanceof ModelstackError)) throw e;
    }
  }
  try {
    return (await crdsFromDir(undefined, IMPORT_GROUPS)).store;
  } catch (e) {
    if (e instanceof ModelstackError && e.code === 'CRDS_NOT_FOUND') return undefined;
    throw e;
  }
}

/** A duration option within its bounds, else a USAGE error naming them (in seconds, as the CLI flags are). */
function bounded(what: string, ms: number, min: number, max: number): number {
  if (!Number.isFinite(ms) || ms < min || ms > max) {
    throw new ModelstackError('USAGE', `metrics: the ${what} must be ${min / 1000} to ${max / 1000} seconds (got ${ms / 1000})`, {
      hint: `e.g. ${DEFAULT_METRICS_INTERVAL_MS / 1000}`,
    });
  }
  return ms;
}

/** "apply of 3f9c2a1 by ana@laptop pid 123": what a run that finds the stack locked is told. */
async function runDescription(command: string, cwd: string): Promise<string> {
  // Imported on first use: commands that start no process do not load node:child_process (issue 13).
  const { execFile } = await import('node:child_process');
  const commit = await new Promise<string | undefined>((done) => {
    execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd, timeout: 5_000 }, (err, out) => done(err ? undefined : out.trim() || undefined));
  });
  const { holderIdentity } = await loadEngine(() => import('../clusterapply/stack-lock.js'));
  return `${command}${commit ? ` of ${commit}` : ''} by ${holderIdentity()}`;
}

/** Waits for both sides, so no work (a worktree being removed) is left running on an error. */
async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
