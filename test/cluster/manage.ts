// Builds and manages the test cluster: one `testcluster` process (see
// main.go) running a real kube-apiserver on an embedded etcd, listening on
// loopback only, and as its child processes (controllers.go) a real
// kube-controller-manager and, optionally, the real KubeRay operator. Only the
// kubelet is missing: tests set Pod status themselves
// (test/integration/support/kubelet.ts).
//
// As a script: `npx tsx test/cluster/manage.ts start [--no-kuberay]|stop|status|build|kubectl`.
// Results are printed to stdout as JSON; progress goes to stderr.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';

export interface ClusterInfo {
  /** Self-contained kubeconfig; contexts `admin` (current) and `restricted`. */
  kubeconfig: string;
  /** e.g. https://127.0.0.1:41234 */
  server: string;
  pid: number;
  dataDir: string;
  /** Controller processes the testcluster runs as its children (main.go, controllers.go). */
  controllers: ControllerInfo[];
}

export interface ControllerInfo {
  name: 'kube-controller-manager' | 'kuberay-operator';
  pid: number;
  /** Its log file. */
  log: string;
  /** Its readiness URL, when it serves one (the KubeRay operator's health probe, on loopback). */
  health?: string;
}

export interface ClusterOptions {
  /** Defaults to $MODELSTACK_TESTCLUSTER_DIR, else <repo root>/.testcluster. */
  dataDir?: string;
}

export interface StartOptions extends ClusterOptions {
  /** How long to wait for readiness after spawning (not counting a build). Default 120 s. */
  timeoutMs?: number;
  /** kube-apiserver port; 0 (default) picks a free one. */
  port?: number;
  log?: Log;
  /** Run kube-controller-manager (deployment, replicaset, namespace, garbagecollector, job). Default true. */
  controllerManager?: boolean;
  /** Run the KubeRay operator (KUBERAY_OPERATOR_VERSION) out of cluster. Default false. */
  kuberay?: boolean;
  /** Namespaces the KubeRay operator watches; all when empty or unset. */
  kuberayWatchNamespaces?: readonly string[];
}

export type Log = (line: string) => void;

const SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SOURCE_DIR, '..', '..');
// Marks a data dir as ours, so a mistyped MODELSTACK_TESTCLUSTER_DIR can never
// make startCluster wipe an unrelated directory.
const MARKER = '.modelstack-testcluster';
const LOCK = '.lock';
/** What manage.ts asked the running testcluster to run, to tell whether a start can reuse it. */
const CONTROLLERS_FILE = 'controllers.json';
const BINARIES_KEPT = 3;

const defaultLog: Log = (line) => process.stderr.write(`[testcluster] ${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- building

/** Where the binary for the current sources lives (it may not exist yet). */
export function binaryPath(): string {
  return path.join(cacheRoot(), 'testcluster', `testcluster-${sourceHash()}`);
}

/**
 * -buildvcs=false: the binary must not depend on (or fail over) the state of
 * the surrounding git checkout. -trimpath and -s -w make it smaller. The -X
 * flags stamp the Kubernetes version from go.mod, as release builds do, so
 * /version reports e.g. v1.36.3 rather than v0.0.0-master. The flags are part
 * of the binary's hash, so changing them rebuilds.
 */
function buildFlags(): string[] {
  const goMod = fs.readFileSync(path.join(SOURCE_DIR, 'go.mod'), 'utf8');
  const m = /^\s*k8s\.io\/kubernetes v(\d+)\.(\d+)\.(\d+)\s*$/m.exec(goMod);
  const ldflags = ['-s', '-w'];
  if (m) {
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      ldflags.push(`-X ${pkg}.gitVersion=v${m[1]}.${m[2]}.${m[3]}`, `-X ${pkg}.gitMajor=${m[1]}`);
      ldflags.push(`-X ${pkg}.gitMinor=${m[2]}`, `-X ${pkg}.gitTreeState=clean`);
    }
  }
  return ['-buildvcs=false', '-trimpath', `-ldflags=${ldflags.join(' ')}`];
}

/** sha256 over go.mod, go.sum and every *.go file (names included), plus the build flags. */
function sourceHash(): string {
  const hash = createHash('sha256');
  hash.update(`${buildFlags().join(' ')}\0`);
  const files = fs
    .readdirSync(SOURCE_DIR)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(SOURCE_DIR, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds the testcluster binary unless the one for the current sources is
 * already cached. Returns its path. The first build downloads and compiles
 * kube-apiserver and etcd, which takes several minutes.
 */
export async function ensureBuilt(log: Log = defaultLog): Promise<string> {
  const bin = binaryPath();
  if (fs.existsSync(bin)) return bin;

  fs.mkdirSync(path.dirname(bin), { recursive: true });
  // Build to a private name and rename, so a concurrent build or a reader
  // never sees a half-written binary.
  const tmp = `${bin}.tmp-${process.pid}`;
  const args = ['build', ...buildFlags(), '-v', '-o', tmp, '.'];
  log(`building ${path.basename(bin)} (first build takes several minutes)`);
  const started = Date.now();
  try {
    await runGo(args, log);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.renameSync(tmp, bin);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`);
  pruneOldBinaries(bin);
  return bin;
}

/**
 * Runs `go <args>` in the module directory. `go build -v` names every
 * package it compiles, and `go: downloading` lines report module fetches;
 * both are condensed into a progress line every few seconds. Anything else
 * is an error or a warning and is logged as is.
 */
function runGo(args: string[], log: Log, cwd = SOURCE_DIR, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const go = goCommand();
  const command = `${go} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const messages: string[] = [];
    let downloads = 0;
    let packages = 0;
    let lastPackage = '';
    let partial = '';

    const onText = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('go: downloading ')) downloads++;
        else if (/^[\w.\-/]+$/.test(line)) {
          packages++;
          lastPackage = line;
        } else if (line.trim()) {
          messages.push(line);
          log(line);
        }
      }
    };
    child.stdout.on('data', onText);
    child.stderr.on('data', onText);

    let reported = '';
    const progress = setInterval(() => {
      const now = `${downloads} modules downloaded, ${packages} packages compiled${lastPackage ? ` (last: ${lastPackage})` : ''}`;
      if (now !== reported) log(now);
      reported = now;
    }, 5000);

    child.on('error', (err: NodeJS.ErrnoException) => {
      clearInterval(progress);
      const why = err.code === 'ENOENT' ? 'the go toolchain is not on PATH' : err.message;
      reject(new Error(`cannot run \`${command}\` in ${cwd}: ${why}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(progress);
      if (partial.trim()) messages.push(partial);
      if (code === 0) return resolve();
      const tail = messages.slice(-40).join('\n') || '(no error output)';
      reject(new Error(`\`${command}\` in ${cwd} failed (${signal ?? `exit code ${code}`}):\n${tail}`));
    });
  });
}

/**
 * `go` from PATH, else the standard install location: non-login shells (CI
 * scripts) often lack /usr/local/go/bin on PATH.
 */
function goCommand(): string {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, 'go')));
  const fallback = '/usr/local/go/bin/go';
  return !onPath && fs.existsSync(fallback) ? fallback : 'go';
}

/** Keeps the few most recent binaries; each is ~100 MB. */
function pruneOldBinaries(current: string, prefix = 'testcluster'): void {
  const dir = path.dirname(current);
  const old = fs
    .readdirSync(dir)
    .filter((f) => new RegExp(`^${prefix}-[0-9a-f]+$`).test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => f !== current)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const file of old.slice(BINARIES_KEPT - 1)) fs.rmSync(file, { force: true });
}

// ---------------------------------------------------------------- kubectl and controllers

const KUBECTL_PACKAGE = 'k8s.io/kubernetes/cmd/kubectl';
const CONTROLLER_MANAGER_PACKAGE = 'k8s.io/kubernetes/cmd/kube-controller-manager';
/**
 * The KubeRay operator built for the test cluster. v1.6.0 is the newest version the Go module
 * proxy serves whole here: for v1.7.0 (the version of the CRDs in ../shared/crds/kuberay) it
 * answers "reading https://proxy.golang.org/github.com/ray-project/kuberay/ray-operator/@v/v1.7.0.zip:
 * 403 Forbidden, server response: This module version is not available."
 */
export const KUBERAY_OPERATOR_PACKAGE = 'github.com/ray-project/kuberay/ray-operator';
export const KUBERAY_OPERATOR_VERSION = 'v1.6.0';

function cacheRoot(): string {
  return process.env.MODELSTACK_CACHE_DIR || path.join(os.homedir(), '.cache', 'modelstack');
}

/** Where `pkg` of the Kubernetes module go.mod pins is cached, keyed by go.mod, go.sum and the build flags. */
function kubernetesToolPath(name: string, pkg: string): string {
  const hash = createHash('sha256');
  hash.update(`${pkg}\0${buildFlags().join(' ')}\0`);
  for (const file of ['go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(SOURCE_DIR, file))).update('\0');
  return path.join(cacheRoot(), name, `${name}-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Where kubectl built from this module lives (it may not exist yet): the benchmark
 * (bench/compare.ts) compares modelstack with it. Keyed by go.mod, go.sum and the build flags.
 */
export function kubectlPath(): string {
  return kubernetesToolPath('kubectl', KUBECTL_PACKAGE);
}

/** Where kube-controller-manager built from this module lives (it may not exist yet). */
export function controllerManagerPath(): string {
  return kubernetesToolPath('kube-controller-manager', CONTROLLER_MANAGER_PACKAGE);
}

/** Where the KubeRay operator binary lives (it may not exist yet); keyed by package, version and flags. */
export function kuberayOperatorPath(): string {
  const hash = createHash('sha256').update(`${KUBERAY_OPERATOR_PACKAGE}@${KUBERAY_OPERATOR_VERSION}\0${toolBuildFlags().join(' ')}`);
  return path.join(cacheRoot(), 'kuberay-operator', `kuberay-operator-${hash.digest('hex').slice(0, 16)}`);
}

function toolBuildFlags(): string[] {
  return ['-buildvcs=false', '-trimpath', '-ldflags=-s -w'];
}

/**
 * Builds kubectl (k8s.io/kubernetes/cmd/kubectl at the version go.mod pins, stamped like the
 * testcluster) unless it is cached.
 */
export function ensureKubectl(log: Log = defaultLog): Promise<string> {
  return ensureKubernetesTool('kubectl', KUBECTL_PACKAGE, kubectlPath(), log);
}

/** Builds kube-controller-manager (same Kubernetes version as the API server) unless it is cached. */
export function ensureControllerManager(log: Log = defaultLog): Promise<string> {
  return ensureKubernetesTool('kube-controller-manager', CONTROLLER_MANAGER_PACKAGE, controllerManagerPath(), log);
}

/**
 * go.sum lists only what the testcluster needs, so the build runs in a temporary copy of go.mod
 * and go.sum with -mod=mod, which adds the tool's modules there and leaves the repository (and
 * the testcluster binary's hash) untouched.
 */
async function ensureKubernetesTool(name: string, pkg: string, bin: string, log: Log): Promise<string> {
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `modelstack-${name}-build-`));
  const tmp = `${bin}.tmp-${process.pid}`;
  log(`building ${path.basename(bin)} from ${pkg} (first build takes a few minutes)`);
  const started = Date.now();
  try {
    for (const file of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(SOURCE_DIR, file), path.join(work, file));
    const goflags = [process.env.GOFLAGS, '-mod=mod'].filter(Boolean).join(' ');
    await runGo(['build', ...buildFlags(), '-v', '-o', tmp, pkg], log, work, { ...process.env, GOFLAGS: goflags });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`);
  pruneOldBinaries(bin, name);
  return bin;
}

/**
 * Builds the KubeRay operator with `go install PKG@VERSION` (its own go.mod, outside this
 * module) into a temporary GOBIN, unless it is cached.
 */
export async function ensureKubeRayOperator(log: Log = defaultLog): Promise<string> {
  const bin = kuberayOperatorPath();
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-kuberay-build-'));
  const spec = `${KUBERAY_OPERATOR_PACKAGE}@${KUBERAY_OPERATOR_VERSION}`;
  log(`building ${path.basename(bin)} from ${spec} (first build takes a few minutes)`);
  const started = Date.now();
  try {
    // `go install pkg@version` refuses -mod flags; drop any from GOFLAGS.
    const goflags = (process.env.GOFLAGS ?? '')
      .split(/\s+/)
      .filter((f) => f && !f.startsWith('-mod='))
      .join(' ');
    const env = { ...process.env, GOFLAGS: goflags, GOBIN: path.join(work, 'bin') };
    await runGo(['install', ...toolBuildFlags(), '-v', spec], log, work, env);
    fs.renameSync(path.join(work, 'bin', 'ray-operator'), bin);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`);
  pruneOldBinaries(bin, 'kuberay-operator');
  return bin;
}

// ---------------------------------------------------------------- running

function resolveDataDir(dataDir?: string): string {
  return path.resolve(dataDir ?? (process.env.MODELSTACK_TESTCLUSTER_DIR || path.join(REPO_ROOT, '.testcluster')));
}

/**
 * Starts the cluster, or returns the running one if DIR/ready.json names a
 * live, ready server. A fresh start wipes DIR first.
 */
export async function startCluster(opts: StartOptions = {}): Promise<ClusterInfo> {
  const dataDir = resolveDataDir(opts.dataDir);
  const log = opts.log ?? defaultLog;
  const wanted = wantedControllers(opts);
  const running = await clusterInfo({ dataDir });
  if (running && runsExactly(running, wanted)) return running;

  const bin = await ensureBuilt(log);
  const args = ['--data-dir', dataDir, '--port', String(opts.port ?? 0)];
  if (opts.controllerManager ?? true) args.push('--controller-manager', await ensureControllerManager(log));
  if (opts.kuberay ?? false) {
    // The operator's caches need its CRDs (RayCluster, RayJob, RayService) before it starts.
    args.push('--kuberay-operator', await ensureKubeRayOperator(log), '--crds', path.join(resolveCrdsDir(), 'kuberay'));
    if (opts.kuberayWatchNamespaces?.length) args.push('--kuberay-watch-namespaces', opts.kuberayWatchNamespaces.join(','));
  }
  return withLock(dataDir, async () => {
    // Someone else may have started it while we waited for the lock.
    const started = await clusterInfo({ dataDir });
    if (started && runsExactly(started, wanted)) return started;
    // A leftover that never became ready, lost a controller, or runs other controllers.
    await stopCluster({ dataDir });
    wipe(dataDir);
    fs.writeFileSync(path.join(dataDir, CONTROLLERS_FILE), `${JSON.stringify(wanted)}\n`);
    return spawnCluster(bin, args, dataDir, opts.timeoutMs ?? 120_000, log);
  });
}

/** The controllers a start asks for, as a list compared with what a running cluster runs (DIR/controllers.json). */
function wantedControllers(opts: StartOptions): string[] {
  const names: string[] = [];
  if (opts.controllerManager ?? true) names.push('kube-controller-manager');
  if (opts.kuberay ?? false) {
    const watched = opts.kuberayWatchNamespaces?.length ? [...opts.kuberayWatchNamespaces].sort().join(',') : '*';
    names.push(`kuberay-operator watching ${watched}`);
  }
  return names;
}

/** Whether the running cluster runs exactly the controllers asked for (a KubeRay operator watching the same namespaces). */
function runsExactly(info: ClusterInfo, wanted: readonly string[]): boolean {
  try {
    const started = JSON.parse(fs.readFileSync(path.join(info.dataDir, CONTROLLERS_FILE), 'utf8')) as string[];
    return started.join('\n') === wanted.join('\n') && info.controllers.length === wanted.length;
  } catch {
    return false;
  }
}

async function spawnCluster(bin: string, args: string[], dataDir: string, timeoutMs: number, log: Log): Promise<ClusterInfo> {
  const logFile = path.join(dataDir, 'testcluster.log');
  const out = fs.openSync(logFile, 'a');
  // Detached with its output in a file: the cluster outlives this process,
  // so `npm run testcluster -- start` can return and tests can reuse it.
  // Its controllers are its children and die with it (controllers.go).
  const child = spawn(bin, args, {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `exit code ${code}`));
  child.on('error', (err) => (exit = err.message));
  child.unref();
  if (child.pid !== undefined) fs.writeFileSync(path.join(dataDir, 'testcluster.pid'), `${child.pid}\n`);
  log(`started pid ${child.pid}, waiting for kube-apiserver (log: ${logFile})`);

  const deadline = Date.now() + timeoutMs;
  const began = Date.now();
  while (Date.now() < deadline) {
    if (exit) throw new Error(`testcluster stopped before becoming ready (${exit}).\n${logTails(dataDir)}`);
    const info = readReady(dataDir);
    if (info && info.pid === child.pid) {
      log(`ready in ${((Date.now() - began) / 1000).toFixed(1)} s at ${info.server}`);
      return info;
    }
    await sleep(100);
  }
  if (child.pid !== undefined) await terminate(child.pid, 0);
  throw new Error(`testcluster not ready within ${timeoutMs} ms; killed it.\n${logTails(dataDir)}`);
}

/** Stops the cluster in DIR. Resolves to whether a process was running. */
export async function stopCluster(opts: ClusterOptions = {}): Promise<boolean> {
  const dataDir = resolveDataDir(opts.dataDir);
  const ready = readReady(dataDir);
  const pid = ready?.pid ?? readPidFile(dataDir);
  const running = pid !== undefined && isAlive(pid) && isTestcluster(pid);
  if (running) await terminate(pid, 30_000);
  // The testcluster stops its controllers first, and the kernel kills them if it dies
  // (Pdeathsig); this only catches one that outlived both.
  for (const c of ready?.controllers ?? []) {
    if (isAlive(c.pid) && commandLine(c.pid).includes(c.name === 'kuberay-operator' ? 'kuberay-operator' : 'kube-controller-manager')) {
      await terminate(c.pid, 5_000);
    }
  }
  for (const f of ['ready.json', 'testcluster.pid']) fs.rmSync(path.join(dataDir, f), { force: true });
  return running;
}

/** The running cluster's info, or undefined unless it and every controller it started are alive and ready. */
export async function clusterInfo(opts: ClusterOptions = {}): Promise<ClusterInfo | undefined> {
  const report = await clusterReport(opts);
  return report.ready ? report.info : undefined;
}

export interface ClusterReport {
  ready: boolean;
  info?: ClusterInfo;
  apiserver: 'ready' | 'not ready' | 'not running';
  controllers: Array<ControllerInfo & { state: 'running' | 'ready' | 'not ready' | 'exited' }>;
}

/** What runs in DIR, each part judged on its own (for `status`). */
export async function clusterReport(opts: ClusterOptions = {}): Promise<ClusterReport> {
  const dataDir = resolveDataDir(opts.dataDir);
  const info = readReady(dataDir);
  if (!info || !isAlive(info.pid)) return { ready: false, apiserver: 'not running', controllers: [] };
  const apiserver = (await isReady(info)) ? 'ready' : 'not ready';
  const controllers: ClusterReport['controllers'] = [];
  for (const c of info.controllers) {
    let state: ClusterReport['controllers'][number]['state'] = isAlive(c.pid) ? 'running' : 'exited';
    if (state === 'running' && c.health) state = (await httpOk(c.health)) ? 'ready' : 'not ready';
    controllers.push({ ...c, state });
  }
  const ready = apiserver === 'ready' && controllers.every((c) => c.state === 'running' || c.state === 'ready');
  return { ready, info, apiserver, controllers };
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function readReady(dataDir: string): ClusterInfo | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dataDir, 'ready.json'), 'utf8'));
    if (typeof raw.pid !== 'number' || typeof raw.server !== 'string' || typeof raw.kubeconfig !== 'string') return undefined;
    const controllers = Array.isArray(raw.controllers) ? (raw.controllers as ControllerInfo[]) : [];
    return { kubeconfig: raw.kubeconfig, server: raw.server, pid: raw.pid, dataDir, controllers };
  } catch {
    return undefined;
  }
}

function readPidFile(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'testcluster.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** GET /readyz as the admin user (certs from DIR/pki). */
function isReady(info: ClusterInfo): Promise<boolean> {
  const pki = (name: string) => fs.readFileSync(path.join(info.dataDir, 'pki', name));
  return new Promise((resolve) => {
    try {
      const req = https.get(
        `${info.server}/readyz`,
        { ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key'), timeout: 2000, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    } catch {
      resolve(false); // missing pki files
    }
  });
}

/** SIGTERM, then SIGKILL if still alive after graceMs. */
async function terminate(pid: number, graceMs: number): Promise<void> {
  if (graceMs > 0) {
    signal(pid, 'SIGTERM');
    if (await waitForExit(pid, graceMs)) return;
  }
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // An exited child of this very process stays a zombie until Node reaps it.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** Guards against signalling an unrelated process that reused the pid. */
function isTestcluster(pid: number): boolean {
  return commandLine(pid).includes('testcluster');
}

/** The process's command line; when it cannot be read without /proc, a string that matches anything we look for. */
function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return fs.existsSync('/proc/self') ? '' : 'testcluster kube-controller-manager kuberay-operator';
  }
}

/** Empties DIR (keeping the lock), refusing directories that are not ours. */
function wipe(dataDir: string): void {
  const entries = fs.readdirSync(dataDir).filter((e) => e !== LOCK);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new Error(`refusing to wipe ${dataDir}: not empty and not a testcluster data dir (no ${MARKER})`);
  }
  for (const entry of entries) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  fs.writeFileSync(path.join(dataDir, MARKER), 'data dir of test/cluster/manage.ts; wiped on every fresh start\n');
}

/**
 * Serialises starts on one data dir across processes (parallel test
 * workers, a manual `start`) with an exclusive-create lock file. A lock
 * whose owner has died is taken over.
 */
async function withLock<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, LOCK);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
    if (!Number.isInteger(owner) || !isAlive(owner)) fs.rmSync(lock, { force: true });
    else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${owner})`);
    else await sleep(250);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function logTails(dataDir: string): string {
  return ['testcluster.log', 'apiserver.log', 'kube-controller-manager.log', 'kuberay-operator.log']
    .map((name) => {
      const file = path.join(dataDir, name);
      if (!fs.existsSync(file)) return '';
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-20);
      return `--- ${file} (last ${lines.length} lines)\n${lines.join('\n')}`;
    })
    .filter(Boolean)
    .join('\n');
}

// ---------------------------------------------------------------- probing the controllers

/**
 * Checks that kube-controller-manager does its work (it serves no endpoint: --secure-port=0):
 * in a namespace of its own, a Deployment gets a ReplicaSet and a Pod (deployment and
 * replicaset controllers), a Job gets a Pod (job controller), deleting the Deployment removes
 * its ReplicaSet (garbage collector), and the namespace's deletion finishes (namespace
 * controller). Throws naming the first step that did not happen within timeoutMs.
 */
export async function probeControllers(info: ClusterInfo, timeoutMs = 60_000): Promise<void> {
  if (!info.controllers.some((c) => c.name === 'kube-controller-manager')) {
    throw new Error('the test cluster runs no kube-controller-manager');
  }
  const deadline = Date.now() + timeoutMs;
  const ns = `testcluster-probe-${process.pid}-${Date.now().toString(36)}`;
  const labels = { app: 'probe' };
  const container = { name: 'c', image: 'probe.invalid/none:0' };
  const until = async (what: string, check: () => Promise<boolean>) => {
    while (!(await check())) {
      if (Date.now() > deadline) {
        throw new Error(`kube-controller-manager probe: ${what} did not happen within ${timeoutMs} ms.\n${logTails(info.dataDir)}`);
      }
      await sleep(200);
    }
  };
  const count = async (p: string) => ((await apiRequest(info, 'GET', p)).body?.items?.length as number | undefined) ?? 0;
  await apiRequest(info, 'POST', '/api/v1/namespaces', { metadata: { name: ns } }, 201);
  try {
    await apiRequest(
      info,
      'POST',
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      {
        metadata: { name: 'probe' },
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } },
      },
      201,
    );
    await apiRequest(
      info,
      'POST',
      `/apis/batch/v1/namespaces/${ns}/jobs`,
      { metadata: { name: 'probe' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } } } },
      201,
    );
    await until('a ReplicaSet and a Pod for a Deployment', async () => (await count(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dprobe`)) > 0);
    await until('a Pod for a Job', async () => (await count(`/api/v1/namespaces/${ns}/pods?labelSelector=batch.kubernetes.io%2Fjob-name%3Dprobe`)) > 0);
    await apiRequest(info, 'DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/probe?propagationPolicy=Background`, undefined, 200);
    await until("garbage collection of a deleted Deployment's ReplicaSet", async () => (await count(`/apis/apps/v1/namespaces/${ns}/replicasets`)) === 0);
  } finally {
    await apiRequest(info, 'DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
  }
  await until('the deletion of a namespace', async () => (await apiRequest(info, 'GET', `/api/v1/namespaces/${ns}`)).status === 404);
}

/** One request to the API server as the admin user; throws unless the status is `expect` (when given). */
async function apiRequest(info: ClusterInfo, method: string, p: string, body?: unknown, expect?: number): Promise<{ status: number; body: any }> {
  const pki = (name: string) => fs.readFileSync(path.join(info.dataDir, 'pki', name));
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const result = await new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = https.request(
      `${info.server}${p}`,
      {
        method,
        ca: pki('ca.crt'),
        cert: pki('admin.crt'),
        key: pki('admin.key'),
        timeout: 10_000,
        agent: false,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
  if (expect !== undefined && result.status !== expect) {
    throw new Error(`${method} ${p}: HTTP ${result.status}: ${result.body?.message ?? ''}`);
  }
  return result;
}

// ---------------------------------------------------------------- script

const USAGE = `usage: manage.ts start [--no-kuberay] | stop | status | build [--no-kuberay] | kubectl
  start   starts kube-apiserver, kube-controller-manager and the KubeRay operator ${KUBERAY_OPERATOR_VERSION}
          (--no-kuberay leaves the operator out), or reuses the running cluster if it runs exactly those
  status  prints each part's state; exit code 0 only when all of them are running and ready
  build   builds and caches every binary start needs
`;

async function main(argv: string[]): Promise<number> {
  const [action, ...flags] = argv;
  const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  const unknown = flags.filter((f) => f !== '--no-kuberay');
  if (unknown.length > 0 || (flags.length > 0 && action !== 'start' && action !== 'build')) {
    process.stderr.write(`unknown option ${unknown[0] ?? flags[0]} for ${action}\n${USAGE}`);
    return 2;
  }
  const kuberay = !flags.includes('--no-kuberay');
  switch (action) {
    case 'start': {
      const info = await startCluster({ kuberay });
      await probeControllers(info);
      print(info);
      return 0;
    }
    case 'stop':
      print({ stopped: await stopCluster() });
      return 0;
    case 'status': {
      const report = await clusterReport();
      print({
        ready: report.ready,
        server: report.info?.server ?? null,
        kubeconfig: report.info?.kubeconfig ?? null,
        apiserver: report.apiserver,
        controllers: report.controllers,
      });
      return report.ready ? 0 : 1;
    }
    case 'build': {
      const built: Record<string, string> = { testcluster: await ensureBuilt(), 'kube-controller-manager': await ensureControllerManager() };
      if (kuberay) built['kuberay-operator'] = await ensureKubeRayOperator();
      print(built);
      return 0;
    }
    case 'kubectl':
      print({ binary: await ensureKubectl() });
      return 0;
    default:
      process.stderr.write(USAGE);
      return 2;
  }
}

function isMainModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    const self = pathToFileURL(fs.realpathSync(fileURLToPath(import.meta.url))).href;
    return self === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
