import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { synth } from '../../src/synth/synth.js';
import { toYaml } from '../../src/synth/render-yaml.js';
import { YamlCache, yamlCachePath } from '../../src/synth/yaml-cache.js';
import { removeTempDirs, tempDir } from '../support/paths.js';
import { reuseProject as project } from '../support/reuse-project.js';

afterAll(removeTempDirs);

describe('YamlCache', () => {
  test('an object with the same JSON gets the stored text without rendering; another object is rendered; only the texts used are kept', () => {
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } };
    const b = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } };
    const first = new YamlCache();
    expect(toYaml([a, b], first)).toBe(toYaml([a, b]));
    let rendered = 0;
    const second = new YamlCache(new Map(Object.entries(first.entries())));
    const render = (o: unknown): string => {
      rendered++;
      return toYaml([o]);
    };
    expect(second.render(structuredClone(a), render)).toBe(toYaml([a]));
    expect(rendered).toBe(0);
    const changed = { ...a, data: { k: 'w' } };
    expect(second.render(changed, render)).toBe(toYaml([changed]));
    expect(rendered).toBe(1);
    expect(Object.keys(second.entries())).toHaveLength(2);
  });
});

describe('synth reuses the YAML of unchanged objects from its last run', () => {
  const run = async (p: { cwd: string; cacheDir: string }, out: string): Promise<string> => {
    await synth({ cwd: p.cwd, cacheDir: p.cacheDir, out }, new RecordingIoHost());
    return readFileSync(join(out, 'main.k8s.yaml'), 'utf8');
  };
  /** Puts `mark` into every stored text: what synth writes from the cache then shows it. */
  const markStored = (p: { cwd: string; cacheDir: string }, mark: string, renderer?: string): void => {
    const path = yamlCachePath(p.cacheDir, p.cwd);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { renderer: string; entries: Record<string, string> };
    for (const k of Object.keys(stored.entries)) stored.entries[k] = `# ${mark}\n${stored.entries[k]}`;
    writeFileSync(path, JSON.stringify({ ...stored, ...(renderer ? { renderer } : {}) }));
  };

  test('the same output as rendering; an unchanged object comes from the cache, a changed one is rendered again', async () => {
    const p = project();
    const out = tempDir('modelstack-yaml-out-');
    const first = await run(p, out);
    const fresh = await run({ cwd: p.cwd, cacheDir: tempDir('modelstack-yaml-empty-') }, tempDir('modelstack-yaml-out-'));
    expect(first).toBe(fresh);
    markStored(p, 'from the cache');
    expect(await run(p, out)).toBe(`# from the cache\n${fresh}`);
    // The object changes (the app reads REUSE_TEST_REPLICAS): rendered, not the stored text.
    process.env.REUSE_TEST_REPLICAS = '3';
    try {
      const changed = await run(p, out);
      expect(changed).not.toContain('from the cache');
      expect(changed).toContain('replicas: "3"');
    } finally {
      delete process.env.REUSE_TEST_REPLICAS;
    }
  });

  test('texts of another renderer (another modelstack build or yaml version) are not used', async () => {
    const p = project();
    const out = tempDir('modelstack-yaml-out-');
    const first = await run(p, out);
    markStored(p, 'other renderer', 'yaml 0.0.0');
    expect(await run(p, out)).toBe(first);
  });

  test('an output with Secret data stores no texts', async () => {
    const p = project();
    writeFileSync(
      join(p.cwd, 'app.mjs'),
      `import { mkdirSync, writeFileSync } from 'node:fs';
const out = process.env.CDK8S_OUTDIR;
mkdirSync(out, { recursive: true });
writeFileSync(out + '/0000-main.k8s.yaml', 'apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: s\\nstringData:\\n  token: t0ps3cret\\n');
`,
    );
    await run(p, tempDir('modelstack-yaml-out-'));
    expect(existsSync(yamlCachePath(p.cacheDir, p.cwd))).toBe(false);
    // Nothing at all is stored (synth-reuse.ts does not store such an output either).
    expect(existsSync(join(p.cacheDir, 'synth')) ? readdirSync(join(p.cacheDir, 'synth')) : []).toEqual([]);
  });
});
