import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { errorMessage, ModelstackError } from '../../errors.js';
import { type KubeObject, objectKey, objectRef } from '../../model/kube-object.js';
import { manifestFiles } from '../../synth/manifest-files.js';
import { parseManifests } from '../../synth/render-yaml.js';

/**
 * The objects of every manifest (*.yaml, *.yml, *.json) under `path`, or of `path` itself when
 * it is a file. Dotfiles and dot-directories (the synth index) and kustomization files are
 * skipped; files are read in code-point order of their paths, so the result is stable.
 */
export async function readManifestDir(path: string): Promise<KubeObject[]> {
  const root = resolve(path);
  const s = await stat(root).catch((e: unknown) => {
    throw new ModelstackError('IO', `cannot read ${root}: ${errorMessage(e)}`, {
      hint: 'pass --against a directory of manifests, e.g. one written by "modelstack synth --out DIR"',
    });
  });
  const files = s.isFile() ? [root] : await manifestFiles(root);
  const objects: KubeObject[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const rel = relative(root, file) || file;
    const text = await readFile(file, 'utf8').catch((e: unknown) => {
      throw new ModelstackError('IO', `cannot read ${file}: ${errorMessage(e)}`, { hint: 'check the file permissions' });
    });
    for (const o of parseManifests(text, rel)) {
      const key = objectKey(o);
      const first = seen.get(key);
      if (first !== undefined) {
        throw new ModelstackError('IO', `${objectRef(o)} is in ${root} twice: ${first} and ${rel}`, {
          hint: 'point --against at the output of one synth (a directory holding one layout)',
        });
      }
      seen.set(key, rel);
      objects.push(o);
    }
  }
  return objects;
}
