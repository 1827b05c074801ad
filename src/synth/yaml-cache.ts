import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/write-atomic.js';

/**
 * The YAML text of each object of a directory's last synth, so the next synth writes the objects
 * that did not change without rendering them again (rendering is most of what synth does after the
 * app: about 0.4 ms an object with yaml 2.9.1). An object is the same when its JSON is the same,
 * byte for byte (key order included); the texts are only used by the same renderer (this build of
 * modelstack's render-yaml.js and the same yaml version), so a cached text is exactly what
 * rendering would write. One file per directory, beside the app output stored for reuse
 * (synth-reuse.ts, same permissions and clean-up), holding only the last synth's objects; never
 * written when the output holds Secret data.
 */
const FORMAT = 'modelstack-yaml-cache/1';

export class YamlCache {
  private readonly current = new Map<string, string>();

  public constructor(
    private readonly previous: ReadonlyMap<string, string> = new Map(),
    /** The renderer the texts are stored under (rendererId); undefined: nothing is stored. */
    public readonly renderer?: string,
  ) {}

  /** `o`'s text: the cached one when `o` is unchanged, else `render(o)`. */
  public render(o: unknown, render: (o: unknown) => string): string {
    const key = createHash('sha256').update(JSON.stringify(o)).digest('base64url');
    let text = this.current.get(key) ?? this.previous.get(key);
    if (text === undefined) text = render(o);
    this.current.set(key, text);
    return text;
  }

  /** The texts of the objects rendered (or reused) by this cache, to store for the next synth. */
  public entries(): Record<string, string> {
    return Object.fromEntries(this.current);
  }
}

/** The cache file of one directory. */
export function yamlCachePath(cacheDir: string, cwd: string): string {
  return join(cacheDir, 'synth', `${createHash('sha256').update(cwd).digest('hex').slice(0, 32)}-yaml.json`);
}

/** Which renderer wrote the texts; undefined when it cannot be told (then nothing is reused or stored). */
async function rendererId(): Promise<string | undefined> {
  try {
    // Read as a file, not required: the yaml package itself loads only once the app runs (run-app.ts).
    const manifest = JSON.parse(await readFile(createRequire(import.meta.url).resolve('yaml/package.json'), 'utf8')) as { version?: unknown };
    const version = String(manifest.version);
    // render-yaml.js when built, render-yaml.ts when run from the sources; in the CLI bundle
    // (scripts/bundle-cli.mjs, yaml included) the bundle file itself, which every build writes anew.
    const own = (path: string): Promise<{ size: number; mtimeMs: number }> => stat(fileURLToPath(new URL(path, import.meta.url)));
    const s = await own('./render-yaml.js')
      .catch(() => own('./render-yaml.ts'))
      .catch(() => own(import.meta.url));
    return `${version}:${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

interface Stored {
  readonly format: string;
  readonly renderer: string;
  readonly entries: Record<string, string>;
}

/** The cache stored at `path` when the same renderer wrote it; else an empty one. Never rejects. */
export async function readYamlCache(path: string): Promise<YamlCache> {
  const renderer = await rendererId();
  if (renderer === undefined) return new YamlCache();
  try {
    const stored = JSON.parse(await readFile(path, 'utf8')) as Stored;
    if (stored.format !== FORMAT || stored.renderer !== renderer || typeof stored.entries !== 'object') return new YamlCache(new Map(), renderer);
    return new YamlCache(new Map(Object.entries(stored.entries).filter((e): e is [string, string] => typeof e[1] === 'string')), renderer);
  } catch {
    return new YamlCache(new Map(), renderer);
  }
}

/** Stores the texts `cache` used, readable by the owner only (not when its renderer is unknown). */
export async function storeYamlCache(path: string, cache: YamlCache): Promise<void> {
  if (cache.renderer === undefined) return;
  const stored: Stored = { format: FORMAT, renderer: cache.renderer, entries: cache.entries() };
  await writeFileAtomic(path, JSON.stringify(stored), { mode: 0o600, dirMode: 0o700 });
}
