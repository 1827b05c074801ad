import { ModelstackError } from '../../errors.js';
import { shellWords } from '../../util/shell-words.js';

/**
 * Splits a compose `command: "…"` string into words as compose does (POSIX shell words),
 * without running a shell. `where` names the field in errors.
 */
export function splitWords(text: string, where: string): string[] {
  const r = shellWords(text);
  if ('words' in r) return r.words;
  const which = r.unterminated === '"' ? 'double' : 'single';
  throw new ModelstackError('LOCAL', `${where}: unterminated ${which} quote in ${JSON.stringify(text)}`);
}
