import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Files a kustomize build reads but that are not objects. */
const SKIPPED = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * Every manifest file (*.yaml, *.yml, *.json) under the directory `root`, in code-point order of
 * their paths. Dotfiles and dot-directories (the synth index) and kustomization files are
 * skipped; a symlink to a file counts as the file, symlinked directories are not followed.
 */
export async function manifestFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      const kind = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : e;
      if (e.isDirectory()) await walk(p);
      else if (kind?.isFile() && /\.(ya?ml|json)$/.test(e.name) && !SKIPPED.has(e.name)) out.push(p);
    }
  };
  await walk(root);
  return out;
}
