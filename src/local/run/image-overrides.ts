import { ModelstackError } from '../../errors.js';

/** `--image NAME=IMAGE` flags: per service, plus `*` for every service without its own. */
export interface ImageOverrides {
  readonly byService: Readonly<Record<string, string>>;
  readonly all?: string;
}

export function parseImageOverrides(flags: readonly string[]): ImageOverrides {
  const byService: Record<string, string> = {};
  let all: string | undefined;
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? '' : flag.slice(0, eq).trim();
    const image = eq < 0 ? '' : flag.slice(eq + 1).trim();
    if (!name || !image) {
      throw new ModelstackError('USAGE', `--image ${JSON.stringify(flag)} is not NAME=IMAGE`, {
        hint: 'e.g. --image frontend=python:3.12-slim, or --image "*=busybox" for every service',
      });
    }
    if (name === '*') all = image;
    else byService[name] = image;
  }
  return { byService, ...(all ? { all } : {}) };
}

/** The image a service runs: its own override, else `*`, else the compose file's. */
export function imageFor(service: string, fileImage: string, overrides: ImageOverrides | undefined): string {
  return overrides?.byService[service] ?? overrides?.all ?? fileImage;
}

/** Overrides naming services that do not exist are mistakes (typos): say which. */
export function checkOverrides(overrides: ImageOverrides | undefined, services: readonly string[]): void {
  const unknown = Object.keys(overrides?.byService ?? {}).filter((n) => !services.includes(n));
  if (unknown.length > 0) {
    throw new ModelstackError(
      'USAGE',
      `--image names ${unknown.length === 1 ? 'a service that does not exist' : 'services that do not exist'}: ${unknown.join(', ')}`,
      {
        hint: `services: ${services.join(', ')}`,
      },
    );
  }
}
