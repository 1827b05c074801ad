import type { EnvValue } from './secrets.js';

/** A container env entry as Kubernetes writes it. */
export type ContainerEnv =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** Env entries sorted by name, so the output does not depend on how the props object was built. */
export function renderEnv(env: Readonly<Record<string, EnvValue>> | undefined): ContainerEnv[] {
  return Object.keys(env ?? {})
    .sort()
    .map((name) => {
      const v = env![name]!;
      return typeof v === 'string' ? { name, value: v } : { name, valueFrom: { secretKeyRef: { name: v.secretKeyRef.name, key: v.secretKeyRef.key } } };
    });
}
