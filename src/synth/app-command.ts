import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelstackError } from '../errors.js';
import { shellWords } from '../util/shell-words.js';
import { yaml } from '../util/yaml-on-demand.js';

/** Used when neither --app nor cdk8s.yaml names the app. */
export const DEFAULT_APP = 'npx tsx stacks/main.ts';

/** The app command: --app, else `app:` of cdk8s.yaml in `cwd`, else DEFAULT_APP. */
export function resolveAppCommand(explicit: string | undefined, cwd: string): string {
  if (explicit !== undefined && explicit.trim() !== '') return explicit;
  const config = join(cwd, 'cdk8s.yaml');
  if (existsSync(config)) {
    let app: unknown;
    try {
      app = (yaml().parse(readFileSync(config, 'utf8')) as Record<string, unknown> | null)?.app;
    } catch (e) {
      throw new ModelstackError('USAGE', `${config} is not valid YAML: ${(e as Error).message}`, {
        hint: 'fix cdk8s.yaml, or pass --app "<command>"',
      });
    }
    if (typeof app === 'string' && app.trim() !== '') return app;
  }
  return DEFAULT_APP;
}

/** Splits the app command into program and arguments, as a shell would but without one. */
export function splitCommand(command: string): string[] {
  const r = shellWords(command);
  if ('unterminated' in r) {
    throw new ModelstackError('USAGE', `unterminated ${r.unterminated} quote in app command: ${command}`, { hint: 'close the quote' });
  }
  if (r.words.length === 0) throw new ModelstackError('USAGE', 'the app command is empty', { hint: 'pass --app "<command>"' });
  return r.words;
}

/**
 * `npx <bin> ...` as the program npx would run: the package's bin in the nearest
 * `node_modules/.bin` above `cwd`, when there is one (npx prefers a locally installed package),
 * run directly. That skips npx's own start-up (about 0.4 s on every synth, diff and apply). Any
 * other command, npx with options of its own, or a bin not installed locally is left to npx.
 */
export function withoutNpx(words: readonly string[], cwd: string): string[] {
  const [first, bin, ...rest] = words;
  // On Windows .bin holds .cmd shims that only a shell runs: leave it to npx there.
  if (process.platform === 'win32') return [...words];
  if (first !== 'npx' || bin === undefined || bin.startsWith('-') || bin.includes('/') || bin.includes('@')) return [...words];
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', bin);
    if (existsSync(candidate)) return [candidate, ...rest];
    if (dirname(dir) === dir) return [...words];
  }
}

/**
 * `<path>/tsx script.ts args...` (what withoutNpx makes of `npx tsx script.ts`) as the node
 * process the tsx command would start, started directly: tsx's command is a wrapper that starts
 * `node --require <tsx>/dist/preflight.cjs --import <tsx>/dist/loader.mjs script.ts args...` and
 * relays signals and the exit code (tsx 4.23.15, src/cli.ts and src/run.ts; checked against
 * dist/cli.mjs). Skipping the wrapper saves one Node.js start-up per synth, diff and apply. Left as
 * it is: tsx options or subcommands before the script (--tsconfig, watch), a tsx that is not a
 * tsx 4 package with those files, a Node.js without module.register (older than 20.6), Windows.
 */
export function withoutTsxCli(words: readonly string[]): string[] {
  const [first, script, ...rest] = words;
  if (process.platform === 'win32' || first === undefined || script === undefined) return [...words];
  if (basename(first) !== 'tsx' || !first.includes('/')) return [...words];
  if (script.startsWith('-') || !/\.(?:[cm]?[jt]s|[jt]sx)$/.test(script)) return [...words];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 6)) return [...words];
  let dist: string;
  try {
    const cli = realpathSync(first);
    if (basename(cli) !== 'cli.mjs') return [...words];
    dist = dirname(cli);
    const pkg = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name !== 'tsx' || typeof pkg.version !== 'string' || !pkg.version.startsWith('4.')) return [...words];
  } catch {
    return [...words];
  }
  const preflight = join(dist, 'preflight.cjs');
  const loader = join(dist, 'loader.mjs');
  if (!existsSync(preflight) || !existsSync(loader)) return [...words];
  return [process.execPath, '--require', preflight, '--import', pathToFileURL(loader).href, script, ...rest];
}
