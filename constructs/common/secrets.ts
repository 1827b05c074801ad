import { type PropIssue, propPath } from './issues.js';

/** A key of a Kubernetes Secret. Only references are accepted where credentials go, never values. */
export interface SecretKeyRef {
  /** Secret name, in the model's namespace. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** A reference to `key` of the Secret `name`. */
export function secretKey(name: string, key: string): SecretKeyRef {
  return { name, key };
}

/** An environment variable: a literal string, or a reference to a Secret key. */
export type EnvValue = string | { readonly secretKeyRef: SecretKeyRef };

/**
 * Variable names that carry credentials: their values must come from a Secret. The word must
 * stand alone in the name (HF_TOKEN, DB_PASSWORD), so TOKENIZERS_PARALLELISM or MAX_TOKENS,
 * settings that merely contain one, are not taken for credentials.
 */
const SECRET_NAME = /(?<![A-Za-z])(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIALS?|PRIVATE_KEY)(?![A-Za-z])/i;
/** Values that are credentials whatever they are called (Hugging Face access tokens). */
const SECRET_VALUE = /^hf_[A-Za-z0-9]{16,}$/;
/** A Hugging Face token anywhere in a longer string (`--token=hf_...`, a YAML document). */
const SECRET_INSIDE = /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{16,}/;

export function looksLikeSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value);
}

export function isCredentialName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Issues for credentials written as literals in env values or args. */
export function secretLiteralIssues(
  env: Readonly<Record<string, EnvValue>> | undefined,
  args: Readonly<Record<string, readonly string[] | undefined>>,
): PropIssue[] {
  const issues: PropIssue[] = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    if (typeof value !== 'string') continue;
    if (isCredentialName(name) || looksLikeSecretValue(value)) {
      issues.push({
        prop: `env.${name}`,
        value: '(literal value hidden)',
        problem: 'is a credential written as a literal; it would be stored in plain text in your manifests',
        fix: `store it in a Secret and reference it: env: { ${name}: { secretKeyRef: secretKey('<secret-name>', '<key>') } }`,
      });
    }
  }
  for (const [prop, list] of Object.entries(args)) {
    (list ?? []).forEach((arg, i) => {
      if (looksLikeSecretValue(arg)) {
        issues.push({
          prop: `${prop}[${i}]`,
          value: '(literal value hidden)',
          problem: 'is a Hugging Face token written as a literal argument',
          fix: 'remove it and set hfTokenSecret: secretKey("<secret-name>", "<key>") instead',
        });
      }
    });
  }
  return issues;
}

/**
 * Issue for an hfTokenSecret that is not a Secret reference. What was given may be the token
 * itself (of any form, not only hf_...), so it is never echoed: only its type and size are said.
 * An object of the reference's shape ({ name, key } strings) is left to the props schema.
 */
export function hfTokenIssues(hfTokenSecret: unknown): PropIssue[] {
  if (hfTokenSecret === undefined || hasSecretKeyShape(hfTokenSecret)) return [];
  const token = typeof hfTokenSecret === 'string' && looksLikeSecretValue(hfTokenSecret);
  return [
    {
      prop: 'hfTokenSecret',
      value: `(${describeShape(hfTokenSecret)}, not shown)`,
      problem: token ? 'is a Hugging Face token, not a Secret reference' : 'is not a Secret reference',
      fix: 'create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")',
    },
  ];
}

function hasSecretKeyShape(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(([k, x]) => (k === 'name' || k === 'key') && typeof x === 'string');
}

/** "a string of 37 characters", "an object with keys name, value": what a value is, not what it says. */
function describeShape(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `a string of ${v.length} character${v.length === 1 ? '' : 's'}`;
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an empty object' : `an object with key${keys.length === 1 ? '' : 's'} ${keys.join(', ')}`;
  }
  return `a ${typeof v}`;
}

/**
 * Issues for credentials written as literals anywhere in a model's rendered custom resource
 * (`kind`, as JSON, JSON patches applied): what podTemplate or addJsonPatch put past the props'
 * own checks. Every `env` list entry whose name is a credential's or whose value is a token,
 * and any other string that holds a Hugging Face token. Values are never shown.
 */
export function renderedSecretIssues(rendered: unknown, kind: string): PropIssue[] {
  const issues: PropIssue[] = [];
  const walk = (node: unknown, path: readonly PropertyKey[]): void => {
    if (typeof node === 'string') {
      if (SECRET_INSIDE.test(node)) {
        issues.push({
          prop: propPath(path),
          value: '(literal value hidden)',
          problem: `holds a Hugging Face token written as a literal in the rendered ${kind}`,
          fix: 'remove it and set hfTokenSecret: secretKey("<secret-name>", "<key>") instead',
        });
      }
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        if (path[path.length - 1] === 'env' && isLiteralEnv(item) && (isCredentialName(item.name) || SECRET_INSIDE.test(item.value))) {
          issues.push({
            prop: propPath([...path, i, 'value']),
            value: '(literal value hidden)',
            problem: `is the credential ${item.name} written as a literal in the rendered ${kind} (set through podTemplate or addJsonPatch); it would be stored in plain text in your manifests`,
            fix: "take it from a Secret: valueFrom: { secretKeyRef: { name: '<secret-name>', key: '<key>' } } in place of value",
          });
          return;
        }
        walk(item, [...path, i]);
      });
      return;
    }
    if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(rendered, []);
  return issues;
}

function isLiteralEnv(v: unknown): v is { name: string; value: string } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' && typeof (v as { value?: unknown }).value === 'string';
}
