// `modelstack init`: what it writes, that it never overwrites silently, that its workflow passes
// actionlint (built from its Go module), and that the project it makes works with modelstack
// installed from `npm pack`: synth, validate, and an offline diff between two commits.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStackId } from '../../src/model/names.js';
import { resolveCrdsDir } from '../../src/schema/crds-dir.js';
import { MESSAGES, ModelstackError, RecordingIoHost, Toolkit } from '../../src/toolkit/index.js';
import { ACTIONLINT, ensureTool } from './go-tool.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OWN = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const EXPECTED_FILES = [
  '.github/workflows/modelstack.yml',
  '.gitignore',
  'README.md',
  'cdk8s.yaml',
  'crds/README.md',
  'package.json',
  'stacks/main.ts',
  'tsconfig.json',
];

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'modelstack-init-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

const init = (opts: { dir?: string; force?: boolean; name?: string }, io = new RecordingIoHost()) => new Toolkit({ ioHost: io, cwd: tmp, env: {} }).init(opts);

describe('modelstack init', () => {
  test('scaffolds the project: every file, no placeholder left, a fresh valid stackId, modelstack as a dependency', async () => {
    const a = await init({ dir: 'My Models' });
    expect(a.name).toBe('my-models');
    expect(filesUnder(a.dir).sort()).toEqual(EXPECTED_FILES);
    for (const f of EXPECTED_FILES) expect(readFileSync(join(a.dir, f), 'utf8')).not.toMatch(/@@[A-Z_]+@@/);
    expect(isStackId(a.stackId)).toBe(true);
    expect(readFileSync(join(a.dir, 'stacks/main.ts'), 'utf8')).toContain(`stackId: '${a.stackId}'`);
    const pkg = JSON.parse(readFileSync(join(a.dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.name).toBe('my-models');
    expect(pkg.dependencies).toEqual({ modelstack: `^${OWN.version}` });
    expect(pkg.devDependencies).toEqual({
      '@types/node': OWN.devDependencies['@types/node'],
      tsx: OWN.devDependencies.tsx,
      typescript: OWN.devDependencies.typescript,
    });
    // Each init generates its own stackId.
    const b = await init({ dir: 'other' });
    expect(b.stackId).not.toBe(a.stackId);
  });

  test('refuses a non-empty directory and leaves it as it was; a directory holding only .git is fine', async () => {
    mkdirSync(join(tmp, 'busy'));
    writeFileSync(join(tmp, 'busy', 'README.md'), 'mine\n');
    const err = await init({ dir: 'busy' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelstackError);
    expect((err as ModelstackError).message).toMatch(/busy is not empty \(README\.md\)/);
    expect((err as ModelstackError).hint).toMatch(/--force/);
    expect(readdirSync(join(tmp, 'busy'))).toEqual(['README.md']);
    expect(readFileSync(join(tmp, 'busy', 'README.md'), 'utf8')).toBe('mine\n');

    mkdirSync(join(tmp, 'repo', '.git'), { recursive: true });
    await expect(init({ dir: 'repo' })).resolves.toMatchObject({ name: 'repo' });
  });

  test('--force writes into a non-empty directory and names every file it replaced', async () => {
    mkdirSync(join(tmp, 'busy'));
    writeFileSync(join(tmp, 'busy', 'README.md'), 'mine\n');
    writeFileSync(join(tmp, 'busy', 'notes.txt'), 'kept\n');
    const io = new RecordingIoHost();
    await init({ dir: 'busy', force: true }, io);
    const written = io.data(MESSAGES.INIT_FILE);
    expect(written.filter((f) => f.replaced).map((f) => f.path)).toEqual(['README.md']);
    expect(written.map((f) => f.path).sort()).toEqual(EXPECTED_FILES);
    expect(readFileSync(join(tmp, 'busy', 'notes.txt'), 'utf8')).toBe('kept\n');
    expect(readFileSync(join(tmp, 'busy', 'README.md'), 'utf8')).toMatch(/^# busy\n/);
  });

  test('rejects a package name npm would not take', async () => {
    await expect(init({ dir: 'x', name: 'Bad Name' })).rejects.toThrow(/not a valid npm package name/);
  });

  test('the generated workflow passes actionlint (and actionlint does catch a broken one)', async () => {
    const actionlint = await ensureTool(ACTIONLINT);
    if (!actionlint) {
      console.warn('skipped: no Go toolchain to build actionlint (CI=true fails instead)');
      return;
    }
    const { dir } = await init({ dir: 'p' });
    const workflow = join(dir, '.github/workflows/modelstack.yml');
    const ok = await execa(actionlint, ['-no-color', workflow], { reject: false, timeout: 60_000 });
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    // The same file with an unknown expression context: actionlint must reject it, or the check above proves nothing.
    writeFileSync(workflow, readFileSync(workflow, 'utf8').replace('github.event.pull_request.base.sha', 'gitub.event.pull_request.base.sha'));
    const bad = await execa(actionlint, ['-no-color', workflow], { reject: false, timeout: 60_000 });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/undefined variable "gitub"/);
  });
});

describe('a project made by init, with modelstack installed from npm pack', () => {
  let project: string;
  let work: string;
  const run = (cmd: string, args: string[], opts: { reject?: boolean; env?: Record<string, string> } = {}) =>
    execa(cmd, args, { cwd: project, reject: opts.reject ?? true, timeout: 300_000, env: { ...opts.env, CI: 'true' }, stdin: 'ignore' });
  const modelstack = (...args: string[]) =>
    run(join(project, 'node_modules', '.bin', 'modelstack'), args, { reject: false, env: { MODELSTACK_CRDS_DIR: resolveCrdsDir() } });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'modelstack-init-e2e-'));
    // npm pack runs prepack (the build), so the tarball holds what this checkout builds to.
    await execa('npm', ['pack', '--pack-destination', work], { cwd: REPO, timeout: 900_000, stdin: 'ignore' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
    const r = await new Toolkit({ cwd: work, env: {} }).init({ dir: 'models' });
    project = r.dir;
    // From the npm cache: registry requests only for what the cache lacks.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)]);
    await run('git', ['init', '-q', '-b', 'main']);
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'add', '-A']);
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'init']);
  }, 1_200_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the package ships the templates, and node_modules and dist stay out of git', async () => {
    expect(existsSync(join(project, 'node_modules', 'modelstack', 'templates', 'init', 'stacks', 'main.ts.tmpl'))).toBe(true);
    const tracked = (await run('git', ['ls-files'])).stdout.split('\n').sort();
    expect(tracked).toEqual(EXPECTED_FILES.concat('package-lock.json').sort());
  });

  test('the stack typechecks against the installed package (tsconfig.json, @types/node, typescript)', async () => {
    const tsc = await run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { reject: false });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.exitCode).toBe(0);
  }, 300_000);

  test('synth writes one model of each runtime, and validate passes', async () => {
    const synth = await modelstack('synth');
    expect(synth.exitCode).toBe(0);
    const dist = filesUnder(join(project, 'dist'))
      .map((f) => readFileSync(join(project, 'dist', f), 'utf8'))
      .join('\n');
    expect(dist).toMatch(/kind: DynamoGraphDeployment/);
    expect(dist).toMatch(/kind: RayService/);
    const validate = await modelstack('validate');
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toMatch(/^2 valid, 0 invalid/m);
    expect(validate.exitCode).toBe(0);
  }, 600_000);

  test('diff --base between two commits shows the change, as markdown', async () => {
    const main = join(project, 'stacks', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace("model: 'Qwen/Qwen3-0.6B',", "model: 'Qwen/Qwen3-1.7B',"));
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qam', 'bigger model']);
    const diff = await modelstack('diff', '--base', 'HEAD~1', '-o', 'markdown');
    expect(diff.stderr).not.toMatch(/error/);
    expect(diff.exitCode).toBe(1);
    expect(diff.stdout).toMatch(/DynamoGraphDeployment/);
    expect(diff.stdout).toMatch(/Qwen3-1\.7B/);
    // Only the Dynamo model changed: the Ray model is counted unchanged and has no section of its own.
    expect(diff.stdout).toMatch(/Compared with <code>git HEAD~1<\/code>: \*\*0 to add, 1 to change, 0 to remove, 2 unchanged\*\*/);
    expect(diff.stdout).not.toMatch(/<summary>.*RayService/);
  }, 600_000);
});
