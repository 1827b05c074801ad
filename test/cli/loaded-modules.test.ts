// What a CLI command loads: only the parts of the engine it uses (issue 13: every module loaded
// costs start-up time on every command). Each command runs as a real process with a loader hook
// that lists every file module it loads: the sources (through tsx), where each module is a file,
// and the installed bin, which runs one bundle file (scripts/bundle-cli.mjs) and must load no
// package from node_modules that the command does not need.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { removeTempDirs, repoRoot, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

interface Loaded {
  readonly status: number | null;
  readonly stderr: string;
  /** Repository files as paths relative to the repository (src/...), packages as `pkg:<name>`. */
  readonly modules: ReadonlySet<string>;
  /** Modules (named as in `modules`) and `spawn <file>` lines, in the order they were loaded and started. */
  readonly order: readonly string[];
}

type Runner = (argv: string[], cwd: string, env?: NodeJS.ProcessEnv) => Loaded;

const root = pathToFileURL(repoRoot).href;
/** tsx's loader (what `node --import tsx` loads), by path: the commands run in temporary directories. */
const TSX_LOADER = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const RECORD_MODULES = join(repoRoot, 'test', 'support', 'record-modules.mjs');

/** `node_modules/<name>/...` (the last node_modules in the path) as `pkg:<name>`, a repository file as its relative path. */
function moduleName(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) {
    const [a, b] = url.slice(i + '/node_modules/'.length).split('/');
    return `pkg:${a!.startsWith('@') ? `${a}/${b}` : a}`;
  }
  return url.startsWith(`${root}/`) ? url.slice(root.length + 1) : url;
}

/** Runs node with `args` (which preload RECORD_MODULES); `named` turns each recorded URL into the module names it stands for. */
function record(args: string[], cwd: string, env: NodeJS.ProcessEnv, named: (url: string) => readonly string[]): Loaded {
  const log = join(cwd, 'modules.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env, MODELSTACK_TEST_MODULES_LOG: log },
  });
  const order = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => (l.startsWith('spawn ') ? [l] : named(l)));
  return { status: r.status, stderr: r.stderr, modules: new Set(order.filter((l) => !l.startsWith('spawn '))), order };
}

/** The sources through tsx. */
const runSources: Runner = (argv, cwd, env = {}) =>
  record(['--import', TSX_LOADER, '--import', RECORD_MODULES, join(repoRoot, 'src', 'cli', 'main.ts'), ...argv], cwd, env, (url) => [moduleName(url)]);

/**
 * A copy of the bin with the bundle of the built lib/ beside it (lib/src is the built one): what
 * `npm ci` installs. The bundle itself is one file compiled through the code cache, so the modules
 * it holds are not loaded as files: what a command loads then is the bin's own modules and the
 * packages the bundle leaves in node_modules.
 */
function bundleRunner(): Runner {
  const dir = tempDir('modelstack-bundle-');
  const built = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'bundle-cli.mjs'), '--outfile', join(dir, 'lib', 'cli', 'main.cjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`bundle-cli.mjs failed: ${built.stderr}`);
  symlinkSync(join(repoRoot, 'lib', 'src'), join(dir, 'lib', 'src'));
  mkdirSync(join(dir, 'bin'));
  for (const file of ['modelstack.js', 'package.json']) copyFileSync(join(repoRoot, 'bin', file), join(dir, 'bin', file));
  const copy = pathToFileURL(realpathSync(dir)).href;
  const named = (url: string): string[] => {
    // The copy's own files (the bin, the loader beside the bundle) are named "bundle:<path>".
    if (url.startsWith(`${copy}/`)) return [`bundle:${url.slice(copy.length + 1)}`];
    const file = url.startsWith('file:') ? realpathSync(fileURLToPath(url)) : url;
    const rel = moduleName(pathToFileURL(file).href);
    return [rel.replace(/^lib\/(src\/.*)\.js$/, '$1.ts')];
  };
  return (argv, cwd, env = {}) => record(['--import', RECORD_MODULES, join(dir, 'bin', 'modelstack.js'), ...argv], cwd, env, named);
}

/** The loaded modules under any of `prefixes` (a folder `src/x/`, a file, or `pkg:<name>`). */
function under(modules: ReadonlySet<string>, prefixes: readonly string[]): string[] {
  return [...modules].filter((m) => prefixes.some((p) => (p.endsWith('/') ? m.startsWith(p) : m === p))).sort();
}

/** A plain cdk8s app: one ConfigMap written where cdk8s writes its output. */
function plainApp(dir: string): void {
  writeFileSync(
    join(dir, 'app.mjs'),
    `import { mkdirSync, writeFileSync } from 'node:fs';
const out = process.env.CDK8S_OUTDIR;
mkdirSync(out, { recursive: true });
writeFileSync(out + '/0000-app.k8s.yaml', 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n  namespace: default\\n');
`,
  );
}

/**
 * The environment of a command against a cluster that is not there (a kubeconfig in `dir` naming
 * a closed port): it fails at its first request, after loading what it needs. Its cache directory
 * is in `dir` too.
 */
function unreachableCluster(dir: string): NodeJS.ProcessEnv {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:9", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
  );
  return { KUBECONFIG: kubeconfig, MODELSTACK_CACHE_DIR: join(dir, 'cache') };
}

// Each feature by the modules its engine starts from (the toolkit's index re-exports a few light
// values of some features, e.g. the container engine names and renderers, which any command may load).
/** Local runs (and the process library they drive the container CLIs with), import, metrics, init, GitOps helpers. */
const LOCAL_AND_TOOLS = [
  'src/local/container-engine/detect.ts',
  'src/local/local-project.ts',
  'src/local/run/up.ts',
  'src/local/compose/render-compose.ts',
  'pkg:execa',
  'src/import/',
  'src/metrics/model-metrics.ts',
  'pkg:parse-prometheus-text-format',
  'src/init/',
  'src/gitops/',
];
/** What reaches a cluster or compares: synth uses none of it. */
const CLUSTER = [
  'src/kube/kube-config.ts',
  'src/kube/kube-client.ts',
  'pkg:@kubernetes/client-node',
  'src/clusterapply/',
  'src/apply/',
  'src/diff/change-set.ts',
  'src/diff/sources/',
  'pkg:diff',
  'src/status/',
  'src/list/list-models.ts',
  'src/validate/',
  'src/schema/',
];

test('--help and --version load no engine module and no package', () => {
  const dir = tempDir('modelstack-loaded-');
  for (const argv of [['--help'], ['--version']]) {
    const r = runSources(argv, dir);
    expect(r.status).toBe(0);
    expect(r.modules).toContain('src/cli/main.ts');
    expect([...r.modules].filter((m) => m.startsWith('pkg:') && m !== 'pkg:tsx')).toEqual([]);
    expect(under(r.modules, ['src/toolkit/', 'src/synth/', ...CLUSTER, ...LOCAL_AND_TOOLS])).toEqual([]);
  }
});

test('synth loads the synth engine only: no cluster client, no container layer, no execa', () => {
  const dir = tempDir('modelstack-loaded-');
  plainApp(dir);
  const r = runSources(['synth', '--app', 'node app.mjs'], dir, { MODELSTACK_CACHE_DIR: join(dir, 'cache') });
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.modules).toContain('src/synth/synth.ts');
  expect(r.modules).toContain('src/synth/run-app.ts');
  expect(under(r.modules, [...CLUSTER, ...LOCAL_AND_TOOLS])).toEqual([]);
  // The yaml package (to write the output) loads while the app runs, not before it starts.
  const started = r.order.indexOf('spawn node');
  expect(started).toBeGreaterThanOrEqual(0);
  expect(r.order.indexOf('pkg:yaml')).toBeGreaterThan(started);
});

test('apply and a live diff load the cluster client, but neither local runs, import, metrics nor each other', () => {
  const dir = tempDir('modelstack-loaded-');
  plainApp(dir);
  const env = unreachableCluster(dir);
  const apply = runSources(['apply', '--app', 'node app.mjs', '--skip-preflight'], dir, env);
  expect(apply.status).not.toBe(0);
  expect(apply.stderr).toMatch(/^error: /);
  expect(apply.modules).toContain('src/kube/kube-client.ts');
  expect(apply.modules).toContain('src/apply/apply.ts');
  expect(under(apply.modules, [...LOCAL_AND_TOOLS, 'src/diff/change-set.ts', 'src/diff/sources/', 'pkg:diff'])).toEqual([]);

  const diff = runSources(['diff', '--app', 'node app.mjs'], dir, env);
  expect(diff.status).not.toBe(0);
  expect(diff.stderr).toMatch(/^error: /);
  expect(diff.modules).toContain('src/kube/kube-client.ts');
  expect(diff.modules).toContain('src/diff/sources/live.ts');
  expect(under(diff.modules, [...LOCAL_AND_TOOLS, 'src/apply/'])).toEqual([]);
});

const built = existsSync(join(repoRoot, 'lib', 'src', 'cli', 'main.js'));
if (!built && process.env.CI !== 'true') console.warn('SKIPPED: the bundle cases need lib/ built; run "npm run build"');

(built || process.env.CI === 'true' ? describe : describe.skip)('the installed bin (the bundle)', () => {
  let run: Runner;
  beforeAll(() => {
    run = bundleRunner();
  }, 180_000);

  /** The code-cache loader (src/bin/code-cache.ts and its three modules, bundled beside the CLI bundle). */
  const LOADER = 'bundle:lib/cli/code-cache.cjs';
  const ownModules = (r: Loaded): string[] => [...r.modules].filter((m) => m.startsWith('src/')).sort();
  const packages = (r: Loaded): string[] => [...r.modules].filter((m) => m.startsWith('pkg:')).sort();

  test('--help and --version run from lib/src, not the bundle: no engine module and no package', () => {
    const dir = tempDir('modelstack-loaded-');
    for (const argv of [['--help'], ['--version']]) {
      const r = run(argv, dir);
      expect(r.status).toBe(0);
      expect(r.modules).toContain('src/cli/main.ts');
      expect(r.modules).not.toContain(LOADER);
      expect(packages(r)).toEqual([]);
      expect(under(r.modules, ['src/toolkit/', 'src/synth/', ...CLUSTER, ...LOCAL_AND_TOOLS])).toEqual([]);
    }
  });

  test('synth, apply and a live diff run the bundle through the loader: no module of lib/src, no package from node_modules', () => {
    const dir = tempDir('modelstack-loaded-');
    plainApp(dir);
    const env = unreachableCluster(dir);
    const synth = run(['synth', '--app', 'node app.mjs'], dir, env);
    expect([synth.status, synth.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'dist', 'app.k8s.yaml'), 'utf8')).toContain('kind: ConfigMap');
    // The bundle carries yaml; the cluster client and execa are not loaded by synth.
    for (const r of [synth, run(['apply', '--app', 'node app.mjs', '--skip-preflight'], dir, env), run(['diff', '--app', 'node app.mjs'], dir, env)]) {
      expect([...r.modules].filter((m) => m.startsWith('bundle:')).sort()).toEqual(['bundle:bin/modelstack.js', LOADER]);
      expect(ownModules(r)).toEqual([]);
      expect(packages(r)).toEqual([]);
    }
    // The apply engine itself answered (the app's stack has no stackId), after the kubeconfig was read.
    const apply = run(['apply', '--app', 'node app.mjs', '--skip-preflight'], dir, env);
    expect(apply.status).toBe(2);
    expect(apply.stderr).toMatch(/^error: apply: stack "app" has no stackId/);
  });
});
