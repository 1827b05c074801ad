/** The result of splitting a command line: its words, or the quote left open. */
export type ShellWords = { readonly words: string[] } | { readonly unterminated: '"' | "'" };

/**
 * Splits a command line into words the way a POSIX shell does, without running one or
 * expanding anything: whitespace separates; single quotes keep everything; double quotes keep
 * everything but `\"`, `\\`, `\$`, `` \` `` and an escaped newline; outside quotes a backslash
 * escapes the next character.
 */
export function shellWords(text: string): ShellWords {
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
  if (quote) return { unterminated: quote };
  if (inWord) words.push(word);
  return { words };
}
