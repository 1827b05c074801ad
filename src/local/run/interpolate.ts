import { ModelstackError } from '../../errors.js';

/**
 * Compose-style variable interpolation of one string: `$$` is a literal `$`; `${VAR}` and `$VAR`
 * take the value from `env` ("" and a warning when unset); `${VAR:-default}` / `${VAR-default}`
 * fall back when unset-or-empty / unset; `${VAR:?message}` / `${VAR?message}` fail.
 */
export function interpolate(text: string, env: NodeJS.ProcessEnv, where: string, warn: (message: string) => void): string {
  return text.replace(
    /\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
      if (dollar) return '$';
      if (bare !== undefined) return lookup(bare, env, where, warn);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])(.*))?$/s.exec(braced ?? '');
      if (!m)
        throw new ModelstackError('LOCAL', `${where}: invalid interpolation "\${${braced ?? ''}}"`, {
          hint: 'use ${VAR}, ${VAR:-default} or $$ for a literal $',
        });
      const [, name, colon, op, arg] = m;
      const value = env[name!];
      const missing = colon ? value === undefined || value === '' : value === undefined;
      if (op === undefined) return lookup(name!, env, where, warn);
      if (!missing) return value!;
      if (op === '-') return arg ?? '';
      throw new ModelstackError('LOCAL', `${where}: ${name} is required${arg ? `: ${arg}` : ''}`, { hint: `set ${name} in the environment` });
    },
  );
}

function lookup(name: string, env: NodeJS.ProcessEnv, where: string, warn: (message: string) => void): string {
  const value = env[name];
  if (value === undefined) {
    warn(`${where}: ${name} is not set, using an empty string`);
    return '';
  }
  return value;
}

/** `${NAME}` or `$NAME` and nothing else: the variable is passed by name, its value never inlined. */
export function passThroughName(text: string): string | undefined {
  return /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/
    .exec(text)
    ?.slice(1)
    .find((x) => x !== undefined);
}
