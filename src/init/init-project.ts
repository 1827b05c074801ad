/**
 * `modelstack init`: scaffolds a GitOps repository for a stack from the template files shipped
 * in the package (templates/init, every file ending in .tmpl). Placeholders are @@NAME@@ (not
 * {{ }}, which GitHub Actions expressions use).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelstackError } from '../errors.js';
import { suggestStackId } from '../model/names.js';

export interface InitProjectOptions {
  /** The directory to create the project in (made if missing). */
  readonly dir: string;
  /** Write into a non-empty directory, replacing files of the same name. @default false */
  readonly force?: boolean;
  /** The package name. @default the directory's name, made a valid npm name */
  readonly name?: string;
}

export interface InitProjectResult {
  readonly dir: string;
  readonly name: string;
  readonly stackId: string;
  /** Every file written, relative to dir, and whether it replaced one. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly replaced: boolean }>;
}

/** The stack's name in the scaffolded stacks/main.ts. */
const STACK_NAME = 'inference';

export function initProject(opts: InitProjectOptions, onFile?: (path: string, replaced: boolean) => void): InitProjectResult {
  const dir = resolve(opts.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new ModelstackError('USAGE', `init: ${dir} exists and is not a directory`, { hint: 'pick another DIR' });
  }
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f !== '.git') : [];
  if (present.length > 0 && !opts.force) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? `, and ${present.length - 5} more` : '');
    throw new ModelstackError('USAGE', `init: ${dir} is not empty (${shown})`, {
      hint: 'use an empty or new directory, or --force to write into it (files of the same name are replaced)',
    });
  }
  const name = opts.name ?? npmName(basename(dir));
  if (!isNpmName(name)) {
    throw new ModelstackError('USAGE', `init: ${JSON.stringify(name)} is not a valid npm package name`, {
      hint: 'use lowercase letters, digits, "-", "." and "_", e.g. --name my-models',
    });
  }
  const stackId = suggestStackId(STACK_NAME, randomBytes(4).toString('hex'));
  const own = ownPackage();
  const values: Record<string, string> = {
    PROJECT_NAME: name,
    STACK_ID: stackId,
    MODELSTACK_VERSION: own.version,
    TSX_VERSION: own.devDependencies.tsx,
    TYPESCRIPT_VERSION: own.devDependencies.typescript,
    NODE_TYPES_VERSION: own.devDependencies['@types/node'],
  };
  const templates = templateFiles(templatesDir());
  const files: Array<{ path: string; replaced: boolean }> = [];
  mkdirSync(dir, { recursive: true });
  for (const template of templates) {
    const path = targetPath(template.path);
    const text = fill(template.text, values, template.path);
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    const replaced = existsSync(full);
    // 'wx' fails rather than replace a file that appeared since the check, without --force.
    writeFileSync(full, text, { flag: opts.force ? 'w' : 'wx' });
    files.push({ path, replaced });
    onFile?.(path, replaced);
  }
  return { dir, name, stackId, files };
}

/** templates/init/github/x.yml.tmpl -> .github/x.yml; gitignore.tmpl -> .gitignore (npm pack drops dotfiles' kin). */
function targetPath(template: string): string {
  const parts = template.replace(/\.tmpl$/, '').split('/');
  if (parts[0] === 'github' || (parts.length === 1 && parts[0] === 'gitignore')) parts[0] = `.${parts[0]}`;
  return parts.join(sep);
}

function fill(text: string, values: Record<string, string>, from: string): string {
  const out = text.replace(/@@([A-Z_]+)@@/g, (all, key: string) => values[key] ?? all);
  const left = /@@[A-Z_]+@@/.exec(out);
  if (left) throw new ModelstackError('INTERNAL', `init: template ${from} has an unknown placeholder ${left[0]}`);
  return out;
}

function templateFiles(root: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.tmpl')) out.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(root);
  return out;
}

/** The package root: the nearest ancestor of this module with templates/init (src/init or lib/src/init). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'templates', 'init')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ModelstackError('INTERNAL', 'init: the templates folder (templates/init) is missing from the modelstack package', {
        hint: 'reinstall modelstack',
      });
    }
    dir = parent;
  }
}

function templatesDir(): string {
  return join(packageRoot(), 'templates', 'init');
}

interface OwnPackage {
  readonly version: string;
  readonly devDependencies: Record<'tsx' | 'typescript' | '@types/node', string>;
}

function ownPackage(): OwnPackage {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as OwnPackage;
}

function npmName(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 214);
  return name || 'models';
}

function isNpmName(name: string): boolean {
  return /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name) && name.length <= 214;
}
