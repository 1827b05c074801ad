import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ModelstackError } from '../../src/errors.js';
import { silentIoHost } from '../../src/io/io-host.js';
import { parseManifests } from '../../src/synth/render-yaml.js';
import { synth, type SynthResult } from '../../src/synth/synth.js';
import { INDEX_FILE, writeOutput } from '../../src/synth/write-output.js';
import { fixtureApp, removeTempDirs, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

/** path → content of every file under dir. */
function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const ok = fixtureApp('ok');
const cwdWithConfig = tempDir();
writeFileSync(join(cwdWithConfig, 'cdk8s.yaml'), `language: typescript\napp: '${ok}'\n`);
const outC = join(tempDir(), 'c');
const outD = tempDir();

let first: SynthResult;
let afterFirst: Record<string, string>;
let second: SynthResult;
let perResource: SynthResult;
let invalid: unknown;
let before: Record<string, string>;

beforeAll(async () => {
  // outD holds an earlier synth and a file of the user's; a failing synth must leave it as it is.
  writeFileSync(join(outD, 'notes.txt'), 'mine\n');
  await writeOutput(outD, [{ path: 'fixture.k8s.yaml', content: 'kind: Earlier\n' }]);
  before = snapshotDir(outD);
  [first, perResource, invalid] = await Promise.all([
    // No --app and no --out: cdk8s.yaml names the app, output goes to <cwd>/dist.
    synth({ cwd: cwdWithConfig }, silentIoHost),
    synth({ app: ok, cwd: tempDir(), out: outC, layout: 'file-per-resource', kustomization: true }, silentIoHost),
    synth({ app: fixtureApp('invalid'), cwd: tempDir(), out: outD }, silentIoHost).catch((e: unknown) => e),
  ]);
  afterFirst = snapshotDir(first.outdir);
  second = await synth({ cwd: cwdWithConfig }, silentIoHost);
}, 60_000);

describe('synth', () => {
  test('runs the app named by cdk8s.yaml and writes <cwd>/dist', () => {
    expect(first.outdir).toBe(join(cwdWithConfig, 'dist'));
    expect(first.files).toEqual({ written: ['fixture.k8s.yaml'], unchanged: [], removed: [] });
    expect(first.stacks.map((s) => s.id)).toEqual(['fixture']);
    expect(first.objectCount).toBe(6);
    expect(readdirSync(first.outdir).sort()).toEqual([INDEX_FILE, 'fixture.k8s.yaml']);
    const objects = parseManifests(readFileSync(join(first.outdir, 'fixture.k8s.yaml'), 'utf8'), 'x');
    expect(objects).toEqual(first.stacks[0]!.objects);
  });

  test('two synths produce byte-identical output; the second leaves every file unchanged', () => {
    expect(second.files).toEqual({ written: [], unchanged: ['fixture.k8s.yaml'], removed: [] });
    expect(snapshotDir(second.outdir)).toEqual(afterFirst);
    expect(afterFirst['fixture.k8s.yaml']).toContain('kind: DynamoGraphDeployment');
  });

  test('file-per-resource with a kustomization in apply order', () => {
    const files = snapshotDir(outC);
    const resources = parse(files['kustomization.yaml']!).resources as string[];
    expect(resources).toEqual([
      'fixture/namespace-llm.yaml',
      'fixture/namespace-dynamo-system.yaml',
      'fixture/helmrepository-dynamo-system-ai-dynamo.yaml',
      'fixture/helmrelease-dynamo-system-dynamo-platform.yaml',
      'fixture/dynamographdeployment-llm-qwen.yaml',
      'fixture/rayservice-llm-qwen-ray.yaml',
    ]);
    expect(Object.keys(files).sort()).toEqual([INDEX_FILE, 'kustomization.yaml', ...resources].sort());
    expect(resources.flatMap((p) => parseManifests(files[p]!, p))).toEqual(perResource.stacks[0]!.objects);
    expect(perResource.files.written).toEqual([...resources, 'kustomization.yaml']);
  });

  test('a stack with validation errors: every error, and nothing written', () => {
    expect(invalid).toBeInstanceOf(ModelstackError);
    const e = invalid as ModelstackError;
    expect(e.code).toBe('VALIDATION');
    expect(e.details.map((d) => d.split(':')[0])).toEqual(['[fixture/a] tensorParallelSize', '[fixture/b] image', '[fixture/c] router']);
    expect(snapshotDir(outD)).toEqual(before);
    expect(Object.keys(before).sort()).toEqual([INDEX_FILE, 'fixture.k8s.yaml', 'notes.txt']);
  });
});
