// Builds and manages the test cluster: one `testcluster` process (see
// main.go) running a real kube-apiserver on an embedded etcd, listening on
// loopback only.
//
// As a script: `npx tsx test/cluster/manage.ts start|stop|status|build|kubectl`.
// Results are printed to stdout as JSON; progress goes to stderr.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ClusterInfo {
  /** Self-contained kubeconfig; contexts `admin` (current) and `restricted`. */
  kubeconfig: string;
  /** e.g. https://127.0.0.1:41234 */
  server: string;
  pid: number;
  dataDir: string;
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
}

export type Log = (line: string) => void;

const SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SOURCE_DIR, '..', '..');
// Marks a data dir as ours, so a mistyped MODELSTACK_TESTCLUSTER_DIR can never
// make startCluster wipe an unrelated directory.
const MARKER = '.modelstack-testcluster';
const LOCK = '.lock';
const BINARIES_KEPT = 3;

const defaultLog: Log = (line) => process.stderr.write(`[testcluster] ${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- building

/** Where the binary for the current sources lives (it may not exist yet). */
export function binaryPath(): string {
  const cacheRoot = process.env.MODELSTACK_CACHE_DIR || path.join(os.homedir(), '.cache', 'modelstack');
  return path.join(cacheRoot, 'testcluster', `testcluster-${sourceHash()}`);
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

// ---------------------------------------------------------------- kubectl

const KUBECTL_PACKAGE = 'k8s.io/kubernetes/cmd/kubectl';

/**
 * Where kubectl built from this module lives (it may not exist yet): the benchmark
 * (bench/compare.ts) compares modelstack with it. Keyed by go.mod, go.sum and the build flags.
 */
export function kubectlPath(): string {
  const cacheRoot = process.env.MODELSTACK_CACHE_DIR || path.join(os.homedir(), '.cache', 'modelstack');
  const hash = createHash('sha256');
  hash.update(`${KUBECTL_PACKAGE}\0${buildFlags().join(' ')}\0`);
  for (const file of ['go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(SOURCE_DIR, file))).update('\0');
  return path.join(cacheRoot, 'kubectl', `kubectl-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Builds kubectl (k8s.io/kubernetes/cmd/kubectl at the version go.mod pins, stamped like the
 * testcluster) unless it is cached. go.sum lists only what the testcluster needs, so the build
 * runs in a temporary copy of go.mod and go.sum with -mod=mod, which adds kubectl's modules
 * there and leaves the repository (and the testcluster binary's hash) untouched.
 */
export async function ensureKubectl(log: Log = defaultLog): Promise<string> {
  const bin = kubectlPath();
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-kubectl-build-'));
  const tmp = `${bin}.tmp-${process.pid}`;
  log(`building ${path.basename(bin)} from ${KUBECTL_PACKAGE} (first build takes a few minutes)`);
  const started = Date.now();
  try {
    for (const file of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(SOURCE_DIR, file), path.join(work, file));
    const goflags = [process.env.GOFLAGS, '-mod=mod'].filter(Boolean).join(' ');
    await runGo(['build', ...buildFlags(), '-v', '-o', tmp, KUBECTL_PACKAGE], log, work, { ...process.env, GOFLAGS: goflags });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`);
  pruneOldBinaries(bin, 'kubectl');
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
  const running = await clusterInfo({ dataDir });
  if (running) return running;

  const bin = await ensureBuilt(log);
  return withLock(dataDir, async () => {
    // Someone else may have started it while we waited for the lock.
    const started = await clusterInfo({ dataDir });
    if (started) return started;
    await stopCluster({ dataDir }); // a leftover that never became ready
    wipe(dataDir);
    return spawnCluster(bin, dataDir, opts.port ?? 0, opts.timeoutMs ?? 120_000, log);
  });
}

async function spawnCluster(bin: string, dataDir: string, port: number, timeoutMs: number, log: Log): Promise<ClusterInfo> {
  const logFile = path.join(dataDir, 'testcluster.log');
  const out = fs.openSync(logFile, 'a');
  // Detached with its output in a file: the cluster outlives this process,
  // so `npm run testcluster -- start` can return and tests can reuse it.
  const child = spawn(bin, ['--data-dir', dataDir, '--port', String(port)], {
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
  const pid = readReady(dataDir)?.pid ?? readPidFile(dataDir);
  const running = pid !== undefined && isAlive(pid) && isTestcluster(pid);
  if (running) await terminate(pid, 20_000);
  for (const f of ['ready.json', 'testcluster.pid']) fs.rmSync(path.join(dataDir, f), { force: true });
  return running;
}

/** The running cluster's info, or undefined unless it is alive and ready. */
export async function clusterInfo(opts: ClusterOptions = {}): Promise<ClusterInfo | undefined> {
  const dataDir = resolveDataDir(opts.dataDir);
  const info = readReady(dataDir);
  if (!info || !isAlive(info.pid) || !(await isReady(info))) return undefined;
  return info;
}

function readReady(dataDir: string): ClusterInfo | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dataDir, 'ready.json'), 'utf8'));
    if (typeof raw.pid !== 'number' || typeof raw.server !== 'string' || typeof raw.kubeconfig !== 'string') return undefined;
    return { kubeconfig: raw.kubeconfig, server: raw.server, pid: raw.pid, dataDir };
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
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('testcluster');
  } catch {
    return !fs.existsSync('/proc/self'); // cannot tell without /proc
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
  return ['testcluster.log', 'apiserver.log']
    .map((name) => {
      const file = path.join(dataDir, name);
      if (!fs.existsSync(file)) return '';
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-20);
      return `--- ${file} (last ${lines.length} lines)\n${lines.join('\n')}`;
    })
    .filter(Boolean)
    .join('\n');
}

// ---------------------------------------------------------------- script

async function main(action: string | undefined): Promise<number> {
  const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  switch (action) {
    case 'start':
      print(await startCluster());
      return 0;
    case 'stop':
      print({ stopped: await stopCluster() });
      return 0;
    case 'status': {
      const info = await clusterInfo();
      print(info ?? null);
      return info ? 0 : 1;
    }
    case 'build':
      print({ binary: await ensureBuilt() });
      return 0;
    case 'kubectl':
      print({ binary: await ensureKubectl() });
      return 0;
    default:
      process.stderr.write('usage: manage.ts start|stop|status|build|kubectl\n');
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
  main(process.argv[2]).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
