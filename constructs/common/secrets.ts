import type { PropIssue } from './issues.js';

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

/** Variable names that carry credentials: their values must come from a Secret. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL|PRIVATE_KEY)/i;
/** Values that are credentials whatever they are called (Hugging Face access tokens). */
const SECRET_VALUE = /^hf_[A-Za-z0-9]{16,}$/;

export function looksLikeSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value);
}

/** Issues for credentials written as literals in env values or args. */
export function secretLiteralIssues(
  env: Readonly<Record<string, EnvValue>> | undefined,
  args: Readonly<Record<string, readonly string[] | undefined>>,
): PropIssue[] {
  const issues: PropIssue[] = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    if (typeof value !== 'string') continue;
    if (SECRET_NAME.test(name) || looksLikeSecretValue(value)) {
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

/** Issue for an hfTokenSecret given as a string (a value) instead of a reference. */
export function hfTokenIssues(hfTokenSecret: unknown): PropIssue[] {
  if (hfTokenSecret === undefined || (typeof hfTokenSecret === 'object' && hfTokenSecret !== null)) return [];
  const literal = typeof hfTokenSecret === 'string' && looksLikeSecretValue(hfTokenSecret);
  return [
    {
      prop: 'hfTokenSecret',
      value: literal ? '(literal token hidden)' : hfTokenSecret,
      problem: literal ? 'is a token value, not a Secret reference' : 'is not a Secret reference',
      fix: 'create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")',
    },
  ];
}
