import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A status recorded from (or shaped exactly like) what the operators write. */
export function recorded(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(here, 'recorded', `${name}.json`), 'utf8')) as Record<string, unknown>;
}
