import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isAlias, LineCounter, parseDocument, visit } from 'yaml';
import { ModelstackError } from '../errors.js';

/** One named entry of a kubeconfig (a cluster, user or context) and the file it came from. */
export interface KubeconfigEntry {
  readonly name: string;
  /** The entry's fields as written (kebab-case keys), relative paths not yet resolved. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly file: string;
  /** Where the entry's list was (`clusters[2]`), for error messages. */
  readonly at: string;
}

/** Several kubeconfig files merged as kubectl merges them. */
export interface MergedKubeconfig {
  readonly clusters: ReadonlyMap<string, KubeconfigEntry>;
  readonly users: ReadonlyMap<string, KubeconfigEntry>;
  readonly contexts: ReadonlyMap<string, KubeconfigEntry>;
  readonly currentContext?: string;
  /** The files read, in order. */
  readonly files: readonly string[];
}

const LISTS = { clusters: 'cluster', users: 'user', contexts: 'context' } as const;

/**
 * Reads and merges kubeconfig files the way kubectl does with several files in $KUBECONFIG: the
 * first file to set a cluster, user or context of a given name wins, and so does the first file
 * that sets current-context. A kubeconfig holds credentials, so no error quotes its contents.
 */
export function readKubeconfigFiles(files: readonly string[]): MergedKubeconfig {
  const clusters = new Map<string, KubeconfigEntry>();
  const users = new Map<string, KubeconfigEntry>();
  const contexts = new Map<string, KubeconfigEntry>();
  const maps = { clusters, users, contexts };
  let currentContext: string | undefined;
  for (const file of files) {
    const doc = parseFile(file);
    const current = stringField(doc, 'current-context', file, 'the file');
    if (currentContext === undefined && current) currentContext = current;
    for (const [list, inner] of Object.entries(LISTS) as [keyof typeof LISTS, string][]) {
      const items = doc[list];
      if (items === undefined || items === null) continue;
      if (!Array.isArray(items)) throw invalid(file, `${list} is not a list`);
      items.forEach((item: unknown, i) => {
        const at = `${list}[${i}]`;
        if (!isMap(item)) throw invalid(file, `${at} is not a mapping`);
        const name = stringField(item, 'name', file, at);
        if (!name) throw invalid(file, `${at}.name is missing`);
        const fields = item[inner] ?? {};
        if (!isMap(fields)) throw invalid(file, `${at}.${inner} is missing`);
        if (list === 'clusters' && !stringField(fields, 'server', file, `${at}.cluster`)) throw invalid(file, `${at}.cluster.server is missing`);
        if (!maps[list].has(name)) maps[list].set(name, { name, fields, file, at: `${at}.${inner}` });
      });
    }
  }
  return { clusters, users, contexts, ...(currentContext ? { currentContext } : {}), files: [...files] };
}

/** A string field of an entry; absent (or null) is undefined; any other type is an error naming the field, never its value. */
export function stringField(fields: Readonly<Record<string, unknown>>, key: string, file: string, at: string): string | undefined {
  const v = fields[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: ${key} of ${at} is not a string`, {
      hint: `quote the value of ${key} in the file (its contents are not shown: kubeconfigs hold credentials)`,
    });
  }
  return v;
}

/** A path of an entry, resolved against the directory of the file it is in (as kubectl does). */
export function pathField(entry: KubeconfigEntry, key: string): string | undefined {
  const p = stringField(entry.fields, key, entry.file, entry.at);
  if (!p) return undefined;
  return isAbsolute(p) ? p : resolve(dirname(entry.file), p);
}

function parseFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'read failed')}`, {
      hint: 'check KUBECONFIG or --kubeconfig',
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: invalid YAML${where}: ${unquotedReason(problem.message)}`, {
      hint: 'fix the YAML at that line of the file (its contents are not shown: kubeconfigs hold credentials)',
    });
  }
  // An alias without its anchor: the library's own error would name the alias (document text).
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && unresolved === undefined && !node.resolve(doc)) unresolved = node.range?.[0] ?? 0;
    },
  });
  if (unresolved !== undefined) {
    const pos = lines.linePos(unresolved);
    throw new ModelstackError(
      'KUBECONFIG',
      `cannot read the kubeconfig ${file}: invalid YAML at line ${pos.line}, column ${pos.col}: an alias (*name) has no anchor before it`,
      {
        hint: 'fix the YAML at that line of the file (its contents are not shown: kubeconfigs hold credentials)',
      },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    // The library's message may name an alias (document text).
    throw new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: invalid YAML: aliases nest too deeply`, {
      hint: 'fix the YAML of the file (its contents are not shown: kubeconfigs hold credentials)',
    });
  }
  if (value === null || value === undefined) return {};
  if (!isMap(value)) throw invalid(file, 'the file is not a mapping (apiVersion, kind, clusters, users, contexts)');
  return value;
}

/**
 * The reason of a YAML error without the source excerpt the library appends (after " at line")
 * and without anything it quotes from the document (tag names, quoted text, text after a colon).
 */
function unquotedReason(message: string): string {
  const reason = message.split(/ at line \d+/)[0] ?? message;
  return reason
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/'[^'\n]*'/g, "'…'")
    .replace(/!<[^>\n]*>/g, '!<…>')
    .replace(/: .*$/s, '')
    .trim();
}

function invalid(file: string, what: string): ModelstackError {
  return new ModelstackError('KUBECONFIG', `cannot read the kubeconfig ${file}: ${what}`, { hint: 'check KUBECONFIG or --kubeconfig' });
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}
