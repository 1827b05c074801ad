import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifestDir } from '../../../src/diff/sources/manifest-dir.js';
import { objectRef } from '../../../src/model/kube-object.js';
import { toYaml } from '../../../src/synth/render-yaml.js';
import { configMap, deployment, namespace } from '../kube-objects.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelstack-against-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string): void => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

describe('readManifestDir', () => {
  it('reads every .yaml, .yml and .json under the directory, in path order', async () => {
    write('b.yaml', toYaml([namespace('llm'), deployment('one')]));
    write('a/x.yml', toYaml([configMap('in-subdir', {})]));
    write('c.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [configMap('from-list', {})] }));
    write('notes.txt', toYaml([configMap('not-a-manifest', {})]));
    const objects = await readManifestDir(dir);
    expect(objects.map(objectRef)).toEqual(['ConfigMap llm/in-subdir', 'Namespace llm', 'Deployment llm/one', 'ConfigMap llm/from-list']);
  });

  it('skips dotfiles, dot-directories and kustomization files', async () => {
    write('.modelstack-synth.json', JSON.stringify({ files: ['x.yaml'] }));
    write('.hidden.yaml', toYaml([configMap('hidden', {})]));
    write('.git/config.yaml', toYaml([configMap('in-dot-dir', {})]));
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: {}\nresources: [x.yaml]\n');
    write('x.yaml', toYaml([configMap('kept', {})]));
    expect((await readManifestDir(dir)).map(objectRef)).toEqual(['ConfigMap llm/kept']);
  });

  it('follows a symlinked file', async () => {
    write('real/x.yaml', toYaml([configMap('linked', {})]));
    mkdirSync(join(dir, 'view'));
    symlinkSync(join(dir, 'real', 'x.yaml'), join(dir, 'view', 'x.yaml'));
    expect((await readManifestDir(join(dir, 'view'))).map(objectRef)).toEqual(['ConfigMap llm/linked']);
  });

  it('reads a single file', async () => {
    write('one.yaml', toYaml([configMap('only', {})]));
    expect((await readManifestDir(join(dir, 'one.yaml'))).map(objectRef)).toEqual(['ConfigMap llm/only']);
  });

  it('is empty for an empty directory', async () => {
    expect(await readManifestDir(dir)).toEqual([]);
  });

  it('fails with an IO error for a missing directory, bad YAML, or an object found twice', async () => {
    await expect(readManifestDir(join(dir, 'missing'))).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('cannot read') });
    write('bad.yaml', 'a: [\n');
    await expect(readManifestDir(dir)).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('bad.yaml') });
    rmSync(join(dir, 'bad.yaml'));
    write('chart.k8s.yaml', toYaml([configMap('twice', {})]));
    write('chart/configmap-llm-twice.yaml', toYaml([configMap('twice', {})]));
    await expect(readManifestDir(dir)).rejects.toMatchObject({
      code: 'IO',
      message: expect.stringContaining('ConfigMap llm/twice is in'),
    });
  });
});
