import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ModelstackError } from '../errors.js';

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

/**
 * Splits a command line into program and arguments without a shell: whitespace separates,
 * single and double quotes group, backslash escapes the next character outside single quotes.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new ModelstackError('USAGE', `unterminated ${quote} quote in app command: ${command}`, { hint: 'close the quote' });
  if (inWord) words.push(cur);
  if (words.length === 0) throw new ModelstackError('USAGE', 'the app command is empty', { hint: 'pass --app "<command>"' });
  return words;
}
