import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import { synth, synthStacks, type AppSource } from '../../src/synth/synth.js';
import { fingerprint, type FingerprintInput, MAX_BYTES, STALE_MS, SWEEP_EVERY_MS, SWEPT_MARKER } from '../../src/synth/synth-reuse.js';
import { Toolkit } from '../../src/toolkit/toolkit.js';
import { removeTempDirs, tempDir } from '../support/paths.js';
import { reuseProject as project } from '../support/reuse-project.js';

afterAll(removeTempDirs);

const source = (p: { cwd: string; cacheDir: string }, extra: Partial<AppSource> = {}): AppSource => ({
  cwd: p.cwd,
  cacheDir: p.cacheDir,
  reuse: 'reuse',
  ...extra,
});

describe('synth reuse: apply and diff reuse the last output of the app when its inputs are unchanged', () => {
  test('unchanged: the app is not run again, the stored stacks equal a fresh run, and the reuse is said', async () => {
    const p = project();
    const first = await synthStacks(source(p), new RecordingIoHost());
    const io = new RecordingIoHost();
    const second = await synthStacks(source(p), io);
    expect(p.runs()).toBe(1);
    expect(second).toEqual(first);
    expect(io.data(MESSAGES.SYNTH_REUSED)).toEqual([expect.objectContaining({ command: 'node app.mjs' })]);
    const fresh = await synthStacks(source(p, { reuse: 'off' }), new RecordingIoHost());
    expect(second).toEqual(fresh);
    // The stored entry is readable by its owner only.
    const [entry] = readdirSync(join(p.cacheDir, 'synth'));
    expect(statSync(join(p.cacheDir, 'synth', entry!)).mode & 0o777).toBe(0o600);
  });

  test.each([
    ['the stack source file', 'app.mjs', (s: string) => s.replace(`'1'`, `'2'`)],
    ['an imported local module', 'lib/name.mjs', (s: string) => s.replace('alpha', 'beta')],
    ['cdk8s.yaml', 'cdk8s.yaml', (s: string) => `${s}# a comment\n`],
    ['package-lock.json', 'package-lock.json', () => '{"lockfileVersion": 3}\n'],
  ])('after editing %s the app runs again', async (_what, file, edit) => {
    const p = project();
    await synthStacks(source(p), new RecordingIoHost());
    const path = join(p.cwd, file);
    let before = '';
    try {
      before = readFileSync(path, 'utf8');
    } catch {
      // A file that did not exist is created.
    }
    writeFileSync(path, edit(before));
    const io = new RecordingIoHost();
    await synthStacks(source(p), io);
    expect(p.runs()).toBe(2);
    expect(io.data(MESSAGES.SYNTH_REUSED)).toEqual([]);
    // And the new output is reused in turn.
    await synthStacks(source(p), new RecordingIoHost());
    expect(p.runs()).toBe(2);
  });

  test('an env variable the stack reads changes its output: the app runs again, and the output follows it', async () => {
    const p = project();
    await synthStacks(source(p), new RecordingIoHost());
    process.env.REUSE_TEST_REPLICAS = '7';
    try {
      const stacks = await synthStacks(source(p), new RecordingIoHost());
      expect(p.runs()).toBe(2);
      expect(stacks[0]!.objects[0]).toMatchObject({ data: { replicas: '7' } });
    } finally {
      delete process.env.REUSE_TEST_REPLICAS;
    }
    await synthStacks(source(p), new RecordingIoHost());
    expect(p.runs()).toBe(3);
  });

  test('refresh (--resynth) runs the app although nothing changed; off neither reads nor stores', async () => {
    const p = project();
    await synthStacks(source(p), new RecordingIoHost());
    await synthStacks(source(p, { reuse: 'refresh' }), new RecordingIoHost());
    expect(p.runs()).toBe(2);
    const q = project();
    await synthStacks(source(q, { reuse: 'off' }), new RecordingIoHost());
    await synthStacks(source(q, { reuse: 'off' }), new RecordingIoHost());
    expect(p.runs() + q.runs()).toBe(4);
    expect(() => readdirSync(join(q.cacheDir, 'synth'))).toThrow();
  });

  test('an output with Secret data is never stored (Secret contents stay out of the cache)', async () => {
    const p = project();
    const app = readFileSync(join(p.cwd, 'app.mjs'), 'utf8').replace('kind: ConfigMap', 'kind: Secret');
    writeFileSync(join(p.cwd, 'app.mjs'), app);
    const io = new RecordingIoHost();
    await synthStacks(source(p), io);
    await synthStacks(source(p), io);
    expect(p.runs()).toBe(2);
    expect(io.data(MESSAGES.SYNTH_NOT_REUSED).map((d) => d.reason)).toEqual(['Secret data', 'Secret data']);
  });

  test('a project file changed while the app ran: the output is not stored', async () => {
    const p = project();
    const app = readFileSync(join(p.cwd, 'app.mjs'), 'utf8');
    writeFileSync(join(p.cwd, 'app.mjs'), `${app}appendFileSync('notes.txt', 'ran\\n');\n`);
    await synthStacks(source(p), new RecordingIoHost());
    await synthStacks(source(p), new RecordingIoHost());
    expect(p.runs()).toBe(2);
  });

  test('modelstack synth stores its output: a following apply or diff (Toolkit.stacks) reuses it; resynth runs the app', async () => {
    const p = project();
    const toolkit = new Toolkit({ cwd: p.cwd, env: { ...process.env, MODELSTACK_CACHE_DIR: p.cacheDir } });
    const written = await toolkit.synth();
    expect(p.runs()).toBe(1);
    // dist/ (the synth output) is not part of the fingerprint.
    expect(await toolkit.stacks()).toEqual(written.stacks);
    expect(p.runs()).toBe(1);
    await toolkit.stacks({ resynth: true });
    expect(p.runs()).toBe(2);
  });

  test('a synth whose output is written into the project reuses nothing it wrote itself (fingerprint taken before)', async () => {
    const p = project();
    await synth({ cwd: p.cwd, out: 'out', cacheDir: p.cacheDir }, new RecordingIoHost());
    // out/ was written after the fingerprint: the next command sees a changed directory and runs the app.
    await synthStacks(source(p), new RecordingIoHost());
    expect(p.runs()).toBe(2);
    await synthStacks(source(p), new RecordingIoHost());
    expect(p.runs()).toBe(2);
  });
  test('entries unused for 7 days are removed when an entry is stored, at most once a day (a marker file holds the last sweep)', async () => {
    const p = project();
    const dir = join(p.cacheDir, 'synth');
    await synthStacks(source(p), new RecordingIoHost());
    const old = (Date.now() - STALE_MS - 60_000) / 1000;
    const stale = join(dir, `${'0'.repeat(32)}.json`);
    writeFileSync(stale, '{}');
    utimesSync(stale, old, old);
    // Swept a moment ago (the first store): the stale entry stays for now.
    await synthStacks(source(p, { reuse: 'refresh' }), new RecordingIoHost());
    expect(existsSync(stale)).toBe(true);
    // The last sweep a day ago: this store sweeps, and the marker says so.
    const dayAgo = (Date.now() - SWEEP_EVERY_MS - 60_000) / 1000;
    utimesSync(join(dir, SWEPT_MARKER), dayAgo, dayAgo);
    await synthStacks(source(p, { reuse: 'refresh' }), new RecordingIoHost());
    expect(existsSync(stale)).toBe(false);
    expect(Date.now() - statSync(join(dir, SWEPT_MARKER)).mtimeMs).toBeLessThan(SWEEP_EVERY_MS);
    // A recent entry is kept.
    expect(readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('-yaml.json'))).toHaveLength(1);
  });
});

describe("the fingerprint of an app's inputs", () => {
  const input = (cwd: string, env: NodeJS.ProcessEnv = { A: '1' }): FingerprintInput => ({ command: 'node app.mjs', cwd, env });
  const hashOf = async (i: FingerprintInput): Promise<string> => {
    const f = await fingerprint(i);
    if (!('hash' in f)) throw new Error(`no hash: ${f.unknown}`);
    return f.hash;
  };

  test('is the same for the same inputs, and follows every file (read a few at once), env variable and lock file above the project', async () => {
    const parent = tempDir('modelstack-fingerprint-');
    const cwd = join(parent, 'project');
    mkdirSync(join(cwd, 'deep', 'er'), { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(cwd, i % 2 ? 'deep/er' : '.', `f${i}.mjs`), `export const X = ${i};\n`);
    const first = await hashOf(input(cwd));
    expect(await hashOf(input(cwd))).toBe(first);
    writeFileSync(join(cwd, 'deep/er/f39.mjs'), 'export const X = -1;\n');
    const edited = await hashOf(input(cwd));
    expect(edited).not.toBe(first);
    expect(await hashOf(input(cwd, { A: '2' }))).not.toBe(edited);
    writeFileSync(join(parent, 'package-lock.json'), '{}\n');
    expect(await hashOf(input(cwd))).not.toBe(edited);
  });

  test('dependencies, git and synth outputs are not read', async () => {
    const cwd = tempDir('modelstack-fingerprint-');
    writeFileSync(join(cwd, 'app.mjs'), '\n');
    const before = await hashOf(input(cwd));
    for (const dir of ['node_modules/x', '.git', 'dist', 'cdk8s.out']) {
      mkdirSync(join(cwd, dir), { recursive: true });
      writeFileSync(join(cwd, dir, 'file'), 'changed\n');
    }
    expect(await hashOf(input(cwd))).toBe(before);
  });

  test('a project of more than MAX_BYTES, or with a link to a directory, has no fingerprint (the app runs), and says why', async () => {
    const big = tempDir('modelstack-fingerprint-');
    writeFileSync(join(big, 'app.mjs'), '\n');
    truncateSync(join(big, 'app.mjs'), MAX_BYTES + 1);
    expect(await fingerprint(input(big))).toEqual({ unknown: 'the directory holds more than 32 MiB of files' });
    const linked = tempDir('modelstack-fingerprint-');
    mkdirSync(join(linked, 'lib'));
    symlinkSync(tempDir('modelstack-fingerprint-elsewhere-'), join(linked, 'lib', 'shared'));
    expect(await fingerprint(input(linked))).toEqual({ unknown: 'lib/shared is a link to a directory' });
  });
});
