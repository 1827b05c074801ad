import type { KubeEnvVar } from './pod-reading.js';

export interface EnvRules {
  /** Set only when the container does not set the variable. */
  readonly defaults?: Readonly<Record<string, string>>;
  /** Always set, whatever the container says (what a local run cannot do without). */
  readonly force?: Readonly<Record<string, string>>;
  /** Passed by name (compose reads them from the caller's environment) unless already present. */
  readonly byName?: readonly string[];
}

/** The directory the Hugging Face cache is mounted at in every service. */
export const HF_CACHE_TARGET = '/root/.cache/huggingface';

/**
 * A container's environment in compose list form. Literals are copied as `NAME=value`;
 * anything the manifest only references (a Secret key such as HF_TOKEN, a field) becomes a bare
 * `NAME`, which compose fills from the caller's environment: values are never resolved or written.
 */
export function composeEnvironment(env: readonly KubeEnvVar[], rules: EnvRules = {}): string[] {
  const vars = new Map<string, string | undefined>();
  for (const e of env) vars.set(e.name, e.value);
  for (const [name, value] of Object.entries(rules.defaults ?? {})) if (!vars.has(name)) vars.set(name, value);
  for (const [name, value] of Object.entries(rules.force ?? {})) vars.set(name, value);
  for (const name of rules.byName ?? []) if (!vars.has(name)) vars.set(name, undefined);
  return [...vars].map(([name, value]) => (value === undefined ? name : `${name}=${value}`));
}

/** The literal value of `name` in a compose environment list, if it has one. */
export function envValue(environment: readonly string[], name: string): string | undefined {
  const entry = environment.find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}
