import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ModelstackError } from '../errors.js';
import { shellWords } from '../util/shell-words.js';

/** Used when neither --app nor cdk8s.yaml names the app. */
export const DEFAULT_APP = 'npx tsx stacks/main.ts';

/** The app command: --app, else `app:` of cdk8s.yaml in `cwd`, else DEFAULT_APP. */
export function resolveAppCommand(explicit: string | undefined, cwd: string): string {
  if (explicit !== undefined && explicit.trim() !== '') return explicit;
  const config = join(cwd, 'cdk8s.yaml');
  if (existsSync(config)) {
    let app: unknown;
    try {
      app = (parse(readFileSync(config, 'utf8')) as Record<string, unknown> | null)?.app;
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
