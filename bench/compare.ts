// modelstack against kubectl, whole processes side by side: `npm run bench:compare`.
//
// Starts a private test cluster (test/cluster, with the runtimes' CRDs), builds kubectl from the
// test cluster's Go module (cached under ~/.cache/modelstack/kubectl), generates stacks of N
// models and times paired runs of both tools on the same manifests: kubectl applies the
// synthesized YAML (`kubectl apply --server-side -f`), modelstack applies the stack. Prints per
// work the medians, the ratio modelstack/kubectl pair by pair, request counts and peak memory,
// each target marked met or MISSED. Exits 1 when a target is missed, unless --report (CI).
//
//   npm run bench:compare -- --sizes 20,200 --runs 3 [--report] [--deadline SECONDS]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureKubectl, startCluster, stopCluster } from '../test/cluster/manage.js';
import { installCrds, runtimeCrds } from '../test/integration/support/crds.js';
import { KubeClient } from '../src/kube/kube-client.js';
import { loadKubeConfig } from '../src/kube/kube-config.js';
import { benchAppSource, CHANGE_ENV, NAMESPACE_ENV } from './compare/bench-app.js';
import { hasGnuTime, killAllRunning, type MeasuredRun, runMeasured } from './compare/measured-process.js';
import { atMost, kubectlRequests, median, modelstackStats, pairRatios, serverFloorRatio, type Verdict } from './compare/stats.js';
import { processCpuMs } from './compare/process-cpu.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'bin', 'modelstack.js');
const LIB_INDEX = join(REPO, 'lib', 'index.js');

/** The targets of issue 13. Ratios are modelstack/kubectl wall time (median of the pairs). */
const TARGETS = {
  /** first apply, no-op apply, live diff */
  clusterRatio: 0.5,
  /** --help, --version against `kubectl version --client` */
  startupRatio: 2,
  /** `modelstack synth` against running the same cdk8s app on its own */
  synthRatio: 1.2,
  /** peak resident memory of any modelstack run (the largest process of it), at 1,000 models */
  memoryMiB: 200,
  /** no-op apply: requests beyond kubectl's */
  extraRequests: 10,
} as const;

interface Options {
  readonly sizes: number[];
  readonly runs: number;
  readonly report: boolean;
  readonly deadline?: number;
  readonly commandTimeoutMs: number;
}

const USAGE = `usage: npm run bench:compare -- [--sizes 20,200,1000] [--runs 5] [--report] [--deadline SECONDS] [--command-timeout SECONDS]
  --sizes N,N,...            stack sizes in models (default 20,200,1000)
  --runs N                   paired runs per work (default 5)
  --report                   print only: exit 0 even when a target is missed or a run fails (CI)
  --deadline SECONDS         stop starting new works after this long; what was measured is printed
  --command-timeout SECONDS  deadline of each process run (default 600)`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '20,200,1000' },
      runs: { type: 'string', default: '5' },
      report: { type: 'boolean', default: false },
      deadline: { type: 'string' },
      'command-timeout': { type: 'string', default: '600' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (flag: string, raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag}: "${raw}" is not a positive whole number\n${USAGE}`);
    return n;
  };
  return {
    sizes: values.sizes.split(',').map((s) => positive('--sizes', s.trim())),
    runs: positive('--runs', values.runs),
    report: values.report,
    ...(values.deadline !== undefined ? { deadline: Date.now() + positive('--deadline', values.deadline) * 1000 } : {}),
    commandTimeoutMs: positive('--command-timeout', values['command-timeout']) * 1000,
  };
}

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

interface Context {
  readonly opts: Options;
  readonly kubectl: string;
  readonly kubeconfig: string;
  readonly work: string;
  /** The test cluster's process (kube-apiserver with etcd): its CPU time is sampled around each run. */
  readonly serverPid: number;
}

/** What running and pairing processes need: the options, and the cluster's process once it runs. */
type RunContext = Pick<Context, 'opts'> & { readonly serverPid?: number };

/** One side's command in a pair. */
interface Cmd {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Exit codes that mean success (diff: 1 = differences). @default [0] */
  readonly ok?: readonly number[];
}

/** A run, and the API server's CPU time during it (undefined when /proc cannot say). */
type BenchRun = MeasuredRun & { readonly serverCpuMs?: number };

async function run(ctx: RunContext, cmd: Cmd, what: string): Promise<BenchRun> {
  const cpuBefore = ctx.serverPid === undefined ? undefined : processCpuMs(ctx.serverPid);
  const measured = await runMeasured({ ...cmd, timeoutMs: ctx.opts.commandTimeoutMs });
  const cpuAfter = ctx.serverPid === undefined ? undefined : processCpuMs(ctx.serverPid);
  const r: BenchRun = { ...measured, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { serverCpuMs: cpuAfter - cpuBefore } : {}) };
  const ok = cmd.ok ?? [0];
  if (r.timedOut) throw new Error(`${what}: no end within ${ctx.opts.commandTimeoutMs / 1000} s (stopped)`);
  if (r.exitCode === null || !ok.includes(r.exitCode)) {
    const tail = r.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what}: ${r.signal ? `ended by ${r.signal}` : `exit code ${r.exitCode}`}\n${tail}`);
  }
  return r;
}

interface WorkResult {
  readonly name: string;
  /** What modelstack is compared with: "kubectl", or "the app alone" for synth. */
  readonly baseline: string;
  readonly target: number;
  /** A cluster work: the API server's CPU and the floor it sets are printed. */
  readonly floor?: FloorInput;
  readonly modelstack: BenchRun[];
  readonly kubectl: BenchRun[];
}

/** `runs` pairs; the side that goes first alternates, so neither always runs on a warmer machine. */
/** What a cluster work's floor needs beyond the runs: the app's own time when every run must run it first. */
interface FloorInput {
  /** Median wall time of the app alone (from the synth work), when each modelstack run has to run the app before any request. */
  readonly appMs?: number;
}

async function pairs(
  ctx: RunContext,
  name: string,
  target: number,
  ms: (i: number) => Cmd,
  kc: (i: number) => Cmd,
  baseline = 'kubectl',
  floor?: FloorInput,
): Promise<WorkResult> {
  const result: WorkResult = { name, baseline, target, modelstack: [], kubectl: [], ...(floor ? { floor } : {}) };
  for (let i = 0; i < ctx.opts.runs; i++) {
    const sides = [
      async () => result.modelstack.push(await run(ctx, ms(i), `modelstack ${name} (run ${i + 1})`)),
      async () => result.kubectl.push(await run(ctx, kc(i), `${baseline} ${name} (run ${i + 1})`)),
    ];
    if (i % 2 === 1) sides.reverse();
    for (const side of sides) await side();
  }
  printWork(result);
  return result;
}

const fmtMs = (v: number): string => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`);
const mib = (kib: number | undefined): number | undefined => (kib === undefined ? undefined : kib / 1024);
const fmtMiB = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v.toFixed(0)} MiB`);
const peakOf = (runs: readonly MeasuredRun[]): number | undefined => {
  const all = runs.map((r) => r.peakKiB).filter((k): k is number => k !== undefined);
  return all.length ? Math.max(...all) : undefined;
};

let missed = 0;
function verdict(v: Verdict): string {
  if (v === 'MISSED') missed++;
  return v;
}

function printWork(w: WorkResult): void {
  const ms = w.modelstack.map((r) => r.ms);
  const kc = w.kubectl.map((r) => r.ms);
  const ratios = pairRatios(ms, kc);
  const ratio = median(ratios);
  out(`  ${w.name}`);
  out(`    median wall time: modelstack ${fmtMs(median(ms))}, ${w.baseline} ${fmtMs(median(kc))}`);
  out(`    ratio modelstack/${w.baseline} by pair: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${ratio.toFixed(2)}x`);
  out(`    peak memory: modelstack ${fmtMiB(mib(peakOf(w.modelstack)))}, ${w.baseline} ${fmtMiB(mib(peakOf(w.kubectl)))}`);
  // apply and diff reuse the app's last output when its inputs are unchanged (src/synth/synth-reuse.ts).
  const reused = w.modelstack.filter((r) => r.stderr.includes('reused the output of')).length;
  if (reused > 0) out(`    the app's last output reused (app not run) in ${reused} of ${w.modelstack.length} modelstack runs`);
  if (w.floor) printServerFloor(w, w.floor, median(kc));
  out(`    target ratio <= ${w.target}x: ${verdict(atMost(ratio, w.target))}`);
}

/**
 * The API server's CPU time per run on both sides, and what it implies: the server shares this
 * machine's cores, so no client can finish the work faster than the server's CPU time spread over
 * all cores, after the app has run when each run must run it (its inputs changed). When that floor
 * is above the target, the target cannot be met here.
 */
function printServerFloor(w: WorkResult, input: FloorInput, kubectlMs: number): void {
  const cpu = (runs: readonly BenchRun[]): number | undefined => {
    const all = runs.map((r) => r.serverCpuMs).filter((v): v is number => v !== undefined);
    return all.length ? median(all) : undefined;
  };
  const ms = cpu(w.modelstack);
  const kc = cpu(w.kubectl);
  if (ms === undefined || kc === undefined) return void out('    API server CPU: not measured (no /proc)');
  const cores = availableParallelism();
  const floor = serverFloorRatio(Math.min(ms, kc), cores, kubectlMs, input.appMs);
  const app = input.appMs !== undefined ? `, after the app's own ${fmtMs(input.appMs)} (each run must run it: its inputs are new)` : '';
  out(
    `    API server CPU per run (median): modelstack ${fmtMs(ms)}, kubectl ${fmtMs(kc)}; on ${cores} cores the floor for the less costly side's requests${app} is ${floor.toFixed(2)}x kubectl's time`,
  );
  if (floor > w.target) out(`    NOTE: the target ${w.target}x is below that floor on this machine`);
}

function pastDeadline(ctx: Pick<Context, 'opts'>): boolean {
  return ctx.opts.deadline !== undefined && Date.now() > ctx.opts.deadline;
}

/** Run before the test cluster starts: its start-up (and controllers settling) would take CPU from these short runs. */
async function startupWorks(ctx: RunContext & Pick<Context, 'kubectl' | 'work'>): Promise<void> {
  out('== start-up (vs kubectl version --client)');
  const node = process.execPath;
  const kc = (): Cmd => ({ file: ctx.kubectl, args: ['version', '--client'], cwd: ctx.work });
  for (const flag of ['--help', '--version']) {
    if (pastDeadline(ctx)) return void out(`  ${flag}: skipped (deadline)`);
    await run(ctx, { file: node, args: [CLI, flag], cwd: ctx.work }, `warm-up ${flag}`);
    await pairs(ctx, `modelstack ${flag}`, TARGETS.startupRatio, () => ({ file: node, args: [CLI, flag], cwd: ctx.work }), kc);
  }
  await nodeStartup(ctx, node);
}

/**
 * What any Node.js process costs here before its first line runs, which every modelstack command
 * pays (and again the app it runs): `node -e 0`, and without NODE_EXTRA_CA_CERTS when it is set
 * (Node.js 20 reads that file at start; kubectl does not).
 */
async function nodeStartup(ctx: RunContext & Pick<Context, 'work'>, node: string): Promise<void> {
  const medianOf = async (env: Record<string, string>, what: string): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < ctx.opts.runs; i++) times.push((await run(ctx, { file: node, args: ['-e', '0'], cwd: ctx.work, env }, what)).ms);
    return median(times);
  };
  const plain = await medianOf({}, 'node -e 0');
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  const without = extra
    ? ` (without NODE_EXTRA_CA_CERTS, set here to ${extra}: ${fmtMs(await medianOf({ NODE_EXTRA_CA_CERTS: '' }, 'node -e 0 without NODE_EXTRA_CA_CERTS'))})`
    : '';
  out(`  Node.js start-up alone (node -e 0, median): ${fmtMs(plain)}${without}; every modelstack command pays it, synth and apply again for the app`);
}

async function sizeWorks(ctx: Context, models: number): Promise<void> {
  const dir = join(ctx.work, `models-${models}`);
  // What the bench writes (YAML for kubectl, synth outputs) goes beside the app's directory, not
  // into it: the app's directory is what modelstack fingerprints to reuse the app's output.
  const gen = join(ctx.work, `generated-${models}`);
  mkdirSync(dir, { recursive: true });
  mkdirSync(gen, { recursive: true });
  writeFileSync(join(dir, 'app.mjs'), benchAppSource(models, LIB_INDEX));
  const node = process.execPath;
  const app = `"${node}" app.mjs`;
  const kube = { KUBECONFIG: ctx.kubeconfig };
  const cacheDir = join(ctx.work, 'kubectl-cache');
  const msNs = (i: number): string => `bms${models}-r${i}`;
  const kcNs = (i: number): string => `bkc${models}-r${i}`;

  // kubectl's manifests: the same stack synthesized (not timed) into the namespace of each run.
  const synthYaml = async (env: Record<string, string>, name: string): Promise<string> => {
    const outDir = join(gen, `yaml-${name}`);
    await run(ctx, { file: node, args: [CLI, 'synth', '--app', app, '--out', outDir], cwd: dir, env }, `synth for kubectl (${name})`);
    const files = readdirSync(outDir).filter((f) => f.endsWith('.yaml'));
    return files.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n---\n');
  };
  const base = await synthYaml({ [NAMESPACE_ENV]: kcNs(0) }, 'base');
  const changed = await synthYaml({ [NAMESPACE_ENV]: kcNs(0), [CHANGE_ENV]: '1' }, 'changed');
  const objects = (base.match(/^kind: /gm) ?? []).length;
  const kcFile = (i: number): string => {
    const file = join(gen, `kubectl-r${i}.yaml`);
    // The namespace (and stack name) is the only difference between runs.
    writeFileSync(file, base.replaceAll(kcNs(0), kcNs(i)));
    return file;
  };
  const changedFile = join(gen, 'kubectl-changed.yaml');
  writeFileSync(changedFile, changed);

  out();
  out(`== ${models} models (${objects} objects)`);
  const results: WorkResult[] = [];
  const skip = (name: string): boolean => {
    if (!pastDeadline(ctx)) return false;
    out(`  ${name}: skipped (deadline)`);
    return true;
  };

  const msCmd = (args: string[], env: Record<string, string>, ok?: number[]): Cmd => ({
    file: node,
    args: [CLI, ...args, '--app', app],
    cwd: dir,
    env: { ...kube, ...env, MODELSTACK_DEBUG_STATS: '1' },
    ...(ok ? { ok } : {}),
  });
  const kcCmd = (args: string[], ok?: number[]): Cmd => ({
    file: ctx.kubectl,
    args: [...args, '--cache-dir', cacheDir],
    cwd: dir,
    env: kube,
    ...(ok ? { ok } : {}),
  });

  // Warm-up (not timed): the page cache for both, kubectl's discovery and OpenAPI cache. A diff
  // before anything exists may fail (no namespace yet); that is fine here.
  await runMeasured({ ...msCmd(['diff'], { [NAMESPACE_ENV]: msNs(0) }), timeoutMs: ctx.opts.commandTimeoutMs });
  await runMeasured({ ...kcCmd(['diff', '--server-side', '-f', kcFile(0)]), timeoutMs: ctx.opts.commandTimeoutMs });

  let synthWork: WorkResult | undefined;
  if (!skip('synth')) {
    synthWork = await pairs(
      ctx,
      'synth (vs running the same cdk8s app on its own, as `cdk8s synth` does)',
      TARGETS.synthRatio,
      (i) => ({ file: node, args: [CLI, 'synth', '--app', app, '--out', join(gen, `synth-ms-${i}`)], cwd: dir, env: { [NAMESPACE_ENV]: msNs(0) } }),
      (i) => ({ file: node, args: ['app.mjs'], cwd: dir, env: { [NAMESPACE_ENV]: msNs(0), CDK8S_OUTDIR: join(gen, `synth-plain-${i}`) } }),
      'the app alone',
    );
    results.push(synthWork);
  }
  const apply = (i: number): Cmd => msCmd(['apply', '--skip-preflight'], { [NAMESPACE_ENV]: msNs(i) });
  const kcApply = (file: string, extra: string[] = []): Cmd => kcCmd(['apply', '--server-side', '-f', file, ...extra]);
  let firstApply: WorkResult | undefined;
  if (!skip('first apply')) {
    // Each run applies into a namespace of its own (BENCH_NS), a new input: the app runs every time.
    const appMs = synthWork ? median(synthWork.kubectl.map((r) => r.ms)) : undefined;
    firstApply = await pairs(
      ctx,
      'first apply (vs kubectl apply --server-side)',
      TARGETS.clusterRatio,
      apply,
      (i) => kcApply(kcFile(i)),
      'kubectl',
      appMs !== undefined ? { appMs } : {},
    );
    results.push(firstApply);
  }
  let noop: WorkResult | undefined;
  if (firstApply && !skip('no-op apply')) {
    noop = await pairs(
      ctx,
      'no-op apply (vs kubectl apply --server-side)',
      TARGETS.clusterRatio,
      () => apply(0),
      () => kcApply(kcFile(0)),
      'kubectl',
      {},
    );
    const unchanged = noop.modelstack.every((r) => / 0 created, 0 adopted, 0 configured, \d+ unchanged/.test(r.stdout));
    if (!unchanged) out(`    NOTE: a no-op apply reported changes: ${noop.modelstack[0]?.stdout.trim()}`);
    results.push(noop);
  }
  let diff: WorkResult | undefined;
  if (firstApply && !skip('live diff')) {
    diff = await pairs(
      ctx,
      'live diff, 10% of the models changed (vs kubectl diff --server-side)',
      TARGETS.clusterRatio,
      () => msCmd(['diff'], { [NAMESPACE_ENV]: msNs(0), [CHANGE_ENV]: '1' }, [1]),
      () => kcCmd(['diff', '--server-side', '-f', changedFile], [1]),
      'kubectl',
      {},
    );
    results.push(diff);
  }

  // Requests: modelstack's from its stats line (every run prints it); kubectl's from one more
  // run of each at -v=6 (not timed: the log costs time), the first apply into a fresh namespace.
  if (firstApply && noop && diff && !pastDeadline(ctx)) {
    const v6 = ['-v=6'];
    const kcFirst = await run(ctx, kcApply(kcFile(ctx.opts.runs), v6), 'kubectl first apply at -v=6');
    const kcNoop = await run(ctx, kcApply(kcFile(0), v6), 'kubectl no-op apply at -v=6');
    const kcDiff = await run(ctx, kcCmd(['diff', '--server-side', '-f', changedFile, ...v6], [1]), 'kubectl diff at -v=6');
    const msOf = (w: WorkResult): string => {
      const s = modelstackStats(w.modelstack[w.modelstack.length - 1]?.stderr ?? '');
      return s ? `${s.requests} (over ${s.connections} connections)` : 'n/a';
    };
    out('  API requests (modelstack, kubectl)');
    out(`    first apply: ${msOf(firstApply)}, ${kubectlRequests(kcFirst.stderr)}`);
    out(`    live diff:   ${msOf(diff)}, ${kubectlRequests(kcDiff.stderr)}`);
    const msNoop = modelstackStats(noop.modelstack[noop.modelstack.length - 1]?.stderr ?? '')?.requests;
    const kcNoopCount = kubectlRequests(kcNoop.stderr);
    out(`    no-op apply: ${msOf(noop)}, ${kcNoopCount}`);
    out(
      `    target no-op apply requests <= kubectl's + ${TARGETS.extraRequests}: ${verdict(atMost(msNoop === undefined ? undefined : msNoop - kcNoopCount, TARGETS.extraRequests))}`,
    );
  }

  const peak = mib(peakOf(results.flatMap((w) => w.modelstack)));
  const kcPeak = mib(peakOf(results.filter((w) => w.baseline === 'kubectl').flatMap((w) => w.kubectl)));
  out(`  peak memory of any modelstack run: ${fmtMiB(peak)} (kubectl: ${fmtMiB(kcPeak)})`);
  const label = `target < ${TARGETS.memoryMiB} MiB at 1,000 models`;
  if (models >= 1000) out(`    ${label}: ${verdict(atMost(peak, TARGETS.memoryMiB))}`);
  else out(`    (${label}; not judged at ${models})`);
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench:compare: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'modelstack-bench-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'modelstack-bench-cluster-'));
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    killAllRunning();
    await stopCluster({ dataDir }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n[bench] ${sig}: stopping the runs and the cluster\n`);
      void cleanup().finally(() => process.exit(code));
    });
  }
  try {
    if (!hasGnuTime()) log('GNU time (/usr/bin/time) is missing: peak memory is not measured');
    const kubectl = await ensureKubectl((l) => log(l));
    out(`modelstack vs kubectl (${kubectl}), ${opts.runs} paired runs per work, medians; sizes ${opts.sizes.join(', ')} models`);
    await startupWorks({ opts, kubectl, work });
    const info = await startCluster({ dataDir, log: (l) => log(l) });
    const client = new KubeClient(loadKubeConfig({ kubeconfig: info.kubeconfig, context: 'admin' }));
    await installCrds(client, await runtimeCrds());
    const ctx: Context = { opts, kubectl, kubeconfig: info.kubeconfig, work, serverPid: info.pid };
    for (const models of opts.sizes) {
      if (pastDeadline(ctx)) {
        out(`\n== ${models} models: skipped (deadline)`);
        continue;
      }
      await sizeWorks(ctx, models);
    }
    out();
    out(`bench:compare: ${missed === 0 ? 'every target met' : `${missed} target(s) MISSED`}${opts.report ? ' (report mode: not failing)' : ''}`);
    return opts.report ? 0 : missed > 0 ? 1 : 0;
  } catch (e) {
    process.stderr.write(`bench:compare failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return opts.report ? 0 : 2;
  } finally {
    await cleanup();
  }
}

process.exitCode = await main();
