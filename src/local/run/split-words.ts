import { ModelstackError } from '../../errors.js';

/**
 * Splits a command string the way compose does for `command: "…"` (POSIX shell words: single
 * and double quotes, backslash escapes), without running a shell or expanding anything.
 */
export function splitWords(text: string, where: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ModelstackError('LOCAL', `${where}: unterminated ${quote === '"' ? 'double' : 'single'} quote in ${JSON.stringify(text)}`);
  if (inWord) words.push(word);
  return words;
}
