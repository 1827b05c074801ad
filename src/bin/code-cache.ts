import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { defaultCacheDir } from '../util/cache-dir.js';
import { IMPORT_HOOK } from '../util/import-package.js';
import { writeFileAtomic } from '../util/write-atomic.js';

/**
 * Runs the CLI bundle (lib/cli/main.cjs, one CommonJS file made by scripts/bundle-cli.mjs) with
 * V8's code cache (issue 13: start-up). Node.js 20 compiles every module again on every run and
 * has no compile cache of its own (module.enableCompileCache is Node.js 22); compiling the CLI,
 * and the functions a command then runs, was 20-40 ms of every cluster command. The bundle is
 * compiled as a vm.Script with the cache data of the last run of the same command; after a run
 * without usable data, the data of this run (the functions it compiled included) is stored for
 * the next one.
 *
 * The cache: `code/<command>.bin` in the cache directory (MODELSTACK_CACHE_DIR, default
 * ~/.cache/modelstack), owner-only, one file per command (`other` for anything else), a header
 * line naming the bundle build (size and modification time), the Node.js version and the CPU
 * architecture, then V8's data. A file of another build, not owned by this user or writable by
 * others is not used; data V8 rejects (another V8 or flags) is replaced. Nothing about the cache
 * ever fails a command: an unreadable or unwritable cache only means compiling as usual.
 */

const FORMAT = 'modelstack-code-cache/1';

/** What the bundle exports (src/cli/main.ts). */
interface BundleExports {
  main(argv: readonly string[]): Promise<void>;
  readonly COMMAND_NAMES: readonly string[];
}

/** What happened to the cache in a run ("missing" also when it was not to be used). */
export type CacheUse = 'used' | 'rejected' | 'missing';

export interface BundleRun {
  readonly cache: CacheUse;
  /** The cache file written after the run (when the data was missing or rejected and the command is known). */
  readonly stored?: string;
}

/** The cache file of `command`'s runs. */
export function codeCachePath(cacheDir: string, command: string): string {
  return join(cacheDir, 'code', `${command}.bin`);
}

/** The command a run's cache is kept under: argv's first word when it looks like a command name, else "other". */
function commandKey(argv: readonly string[]): string {
  const first = argv[0] ?? '';
  return /^[a-z][a-z-]{0,31}$/.test(first) ? first : 'other';
}

/** The header line: which bundle build and which Node.js the data belongs to. */
function header(bundle: string): string {
  const s = statSync(bundle);
  return `${FORMAT} ${process.version} ${process.arch} ${s.size} ${s.mtimeMs}\n`;
}

/** The V8 data stored for this header, when the file is this user's alone. */
function readData(path: string, head: string): Buffer | undefined {
  try {
    const s = statSync(path);
    if ((typeof process.getuid === 'function' && s.uid !== process.getuid()) || (s.mode & 0o022) !== 0) return undefined;
    const buf = readFileSync(path);
    const n = Buffer.byteLength(head);
    if (buf.length <= n || buf.subarray(0, n).toString('utf8') !== head) return undefined;
    return buf.subarray(n);
  } catch {
    return undefined;
  }
}

/**
 * Runs `main(argv)` of the bundle at `bundle` (an absolute path) through the code cache of
 * `env`'s cache directory.
 */
export async function runBundle(
  bundle: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  /**
   * Use and store the cache. Off for --debug: the bundle is then required as a plain CommonJS
   * module, whose source map Node.js reads (it does not for a vm.Script). @default true
   */
  useCache = true,
): Promise<BundleRun> {
  if (!useCache) {
    await (createRequire(bundle)(bundle) as BundleExports).main(argv);
    return { cache: 'missing' };
  }
  const key = commandKey(argv);
  const cacheDir = defaultCacheDir(env);
  const path = codeCachePath(cacheDir, key);
  const head = header(bundle);
  const cachedData = readData(path, head);
  // The bundle as a CommonJS module: the wrapper Node.js itself puts around one. Its first line is
  // esbuild's hashbang line, made a comment (same lines, so the source map still fits).
  let source = readFileSync(bundle, 'utf8');
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  // The bundle's import() of ES-module-only packages (execa, the Kubernetes client) goes through
  // this module: a vm.Script cannot import() without an experimental feature (import-package.ts).
  (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] = (specifier: string): Promise<unknown> => import(specifier);
  const cache: CacheUse = cachedData === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'used';
  const wrapper = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} as BundleExports };
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  await module.exports.main(argv);
  if (cache === 'used') return { cache };
  // Kept under the command's name only for a command the CLI knows (a typo gets no file of its own).
  const known = module.exports.COMMAND_NAMES.includes(key) ? key : 'other';
  const target = codeCachePath(cacheDir, known);
  try {
    const data = Buffer.concat([Buffer.from(head, 'utf8'), script.createCachedData()]);
    await writeFileAtomic(target, data, { mode: 0o600, dirMode: 0o700 });
    return { cache, stored: target };
  } catch {
    return { cache };
  }
}
