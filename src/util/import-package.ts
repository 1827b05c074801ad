/** Where the bin's code-cache loader (src/bin/code-cache.ts) puts its import function. */
export const IMPORT_HOOK = Symbol.for('modelstack.import');

/**
 * import() of an ES-module-only package (execa, the Kubernetes client). The CLI bundle runs as a
 * vm.Script, compiled through V8's code cache (src/bin/code-cache.ts), and a vm.Script can only
 * import() with an experimental Node.js 20 feature that warns on use: the loader hands the bundle
 * an import function of its own module instead, which this calls when it is there.
 */
export function importPackage<T>(specifier: string): Promise<T> {
  const hook = (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] as ((specifier: string) => Promise<unknown>) | undefined;
  return (hook ? hook(specifier) : import(specifier)) as Promise<T>;
}
