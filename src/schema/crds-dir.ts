/**
 * Finds the directory of upstream CRD files that schema validation and type generation read.
 * Order: an explicit path, then $MODELSTACK_CRDS_DIR, then a `shared/crds` directory under any
 * ancestor of the working directory or of this module's own directory.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelstackError } from '../errors.js';

export const CRDS_DIR_ENV = 'MODELSTACK_CRDS_DIR';

const HINT = `set ${CRDS_DIR_ENV} or pass --crds DIR`;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `start` and each of its ancestors, nearest first. */
function ancestors(start: string): string[] {
  const out: string[] = [];
  let current = resolve(start);
  for (;;) {
    out.push(current);
    const parent = dirname(current);
    if (parent === current) return out;
    current = parent;
  }
}

function moduleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

function requireDirectory(path: string, origin: string): string {
  const full = resolve(path);
  if (isDirectory(full)) return full;
  throw new ModelstackError('CRDS_NOT_FOUND', `CRD directory ${full} (from ${origin}) does not exist`, {
    hint: HINT,
  });
}

export interface ResolveCrdsDirOptions {
  /** Environment to read MODELSTACK_CRDS_DIR from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directories whose ancestors are searched (default: the working directory, then this module's directory). */
  readonly searchFrom?: readonly string[];
}

/**
 * The CRD directory to use. `explicit` (e.g. from `--crds`) wins, then the environment variable;
 * a path given either way must exist. Otherwise the first `<ancestor>/shared/crds` found from the
 * working directory, then from this module's directory.
 */
export function resolveCrdsDir(explicit?: string, options: ResolveCrdsDirOptions = {}): string {
  if (explicit !== undefined && explicit !== '') return requireDirectory(explicit, '--crds');
  const fromEnv = (options.env ?? process.env)[CRDS_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return requireDirectory(fromEnv, CRDS_DIR_ENV);

  const looked: string[] = [];
  const starts = options.searchFrom ?? [process.cwd(), moduleDir()].filter((s): s is string => s !== undefined);
  for (const start of starts) {
    for (const dir of ancestors(start)) {
      const candidate = join(dir, 'shared', 'crds');
      if (looked.includes(candidate)) continue;
      looked.push(candidate);
      if (isDirectory(candidate)) return candidate;
    }
  }
  throw new ModelstackError('CRDS_NOT_FOUND', `no shared/crds directory found above ${starts.join(' or ')}`, {
    hint: HINT,
    details: looked.map((p) => `looked at ${p}`),
  });
}
