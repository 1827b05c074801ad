import { importPackage } from './import-package.js';

type Execa = typeof import('execa');

let loading: Promise<Execa> | undefined;

/**
 * The execa package, imported on first use and shared: it is ES-module only, so the CLI bundle
 * (scripts/bundle-cli.mjs, CommonJS) cannot require it and imports it (import-package.ts); one
 * promise for every caller, so concurrent first uses import it once.
 */
export function execaModule(): Promise<Execa> {
  loading ??= importPackage<Execa>('execa');
  loading.catch(() => (loading = undefined));
  return loading;
}
