import { resolve } from 'node:path';
import type { IoHost } from '../io/io-host.js';
import { resolveAppCommand } from './app-command.js';
import { type Layout, layoutFiles } from './layout.js';
import type { StackManifest } from '../model/kube-object.js';
import { fingerprint, holdsSecretData, readReusable, reusePath, storeReusable } from './synth-reuse.js';
import { defaultCacheDir } from '../util/cache-dir.js';
import { MESSAGES } from '../io/messages.js';
import { type WriteResult, writeOutput } from './write-output.js';
import { readYamlCache, storeYamlCache, yamlCachePath } from './yaml-cache.js';

export interface SynthOptions {
  /** The app command. @default `app` of cdk8s.yaml, else "npx tsx stacks/main.ts" */
  readonly app?: string;
  /** Directory the app runs in. @default process.cwd() */
  readonly cwd?: string;
  /** Output directory. @default "dist" */
  readonly out?: string;
  /** @default "file-per-chart" */
  readonly layout?: Layout;
  /** Also write kustomization.yaml. @default false */
  readonly kustomization?: boolean;
  /** How long the app may run. @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
  /** Where the output is also stored for apply and diff to reuse (synth-reuse.ts). @default MODELSTACK_CACHE_DIR, else ~/.cache/modelstack */
  readonly cacheDir?: string;
}

/** Which app to run, where, and for how long at most. */
export interface AppSource {
  /** The app command. @default `app` of cdk8s.yaml, else "npx tsx stacks/main.ts" */
  readonly app?: string;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
  /**
   * The stored output of an earlier run (synth-reuse.ts): "reuse" returns it when the app's
   * inputs are unchanged, else runs the app and stores its output; "refresh" runs the app and
   * stores; "off" runs the app and stores nothing. @default "off"
   */
  readonly reuse?: 'reuse' | 'refresh' | 'off';
  /** Where reusable outputs are stored (under synth/). @default MODELSTACK_CACHE_DIR, else ~/.cache/modelstack */
  readonly cacheDir?: string;
  /** Stops a running app when aborted (the call fails as interrupted). */
  readonly signal?: AbortSignal;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly StackManifest[];
  readonly files: WriteResult;
  readonly objectCount: number;
}

/** Runs the app and writes its stacks, deterministically, into the output directory. */
export async function synth(opts: SynthOptions, io: IoHost): Promise<SynthResult> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  // The last synth's YAML texts, read while the app runs (yaml-cache.ts).
  const yamlPath = yamlCachePath(opts.cacheDir ?? defaultCacheDir(), cwd);
  const previous = readYamlCache(yamlPath);
  const stacks = await synthStacks(
    { app: opts.app, cwd, appTimeoutMs: opts.appTimeoutMs, reuse: 'refresh', ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) },
    io,
  );
  const cache = await previous;
  const files = layoutFiles(stacks, { layout: opts.layout ?? 'file-per-chart', kustomization: opts.kustomization ?? false, cache });
  const outdir = resolve(cwd, opts.out ?? 'dist');
  const written = await writeOutput(outdir, files);
  // Secret data stays out of the cache directory, as in synth-reuse.ts.
  if (!holdsSecretData(stacks)) await storeYamlCache(yamlPath, cache).catch(() => undefined);
  return { outdir, stacks, files: written, objectCount: stacks.reduce((n, s) => n + s.objects.length, 0) };
}

/** Runs the app and returns its stacks without writing anything (diff and apply start here). */
export async function synthStacks(opts: AppSource, io: IoHost): Promise<StackManifest[]> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const command = resolveAppCommand(opts.app, cwd);
  // run-app.ts (and node:child_process with it) loads only when the app runs, not for a reused output.
  const run = async (): Promise<StackManifest[]> =>
    (await import('./run-app.js')).runApp({
      command,
      cwd,
      io,
      ...(opts.appTimeoutMs !== undefined ? { timeoutMs: opts.appTimeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  const mode = opts.reuse ?? 'off';
  if (mode === 'off') return run();
  // The app inherits modelstack's environment (run-app.ts): that is what it may read.
  const input = { command, cwd, env: process.env };
  const before = await fingerprint(input);
  const path = reusePath(opts.cacheDir ?? defaultCacheDir(), cwd, command);
  if ('unknown' in before) {
    io.notify(MESSAGES.SYNTH_NOT_REUSED.make(`the app runs: its inputs cannot be fingerprinted (${before.unknown})`, { reason: before.unknown }));
    return run();
  }
  if (mode === 'reuse') {
    const stored = await readReusable(path, before.hash);
    if (stored) {
      io.notify(
        MESSAGES.SYNTH_REUSED.make(`reused the output of ${command} from ${stored.createdAt}: its inputs are unchanged (--resynth runs the app again)`, {
          command,
          createdAt: stored.createdAt,
        }),
      );
      return stored.stacks;
    }
  }
  const stacks = await run();
  if (holdsSecretData(stacks)) {
    io.notify(MESSAGES.SYNTH_NOT_REUSED.make('the output is not stored for reuse: it holds Secret data', { reason: 'Secret data' }));
    return stacks;
  }
  // Stored only when nothing changed while the app ran: else the output may match neither state.
  const after = await fingerprint(input);
  if ('hash' in after && after.hash === before.hash) {
    await storeReusable(path, before.hash, stacks).catch((e: unknown) =>
      io.notify(MESSAGES.SYNTH_NOT_REUSED.make(`the output could not be stored for reuse: ${(e as Error).message}`, { reason: (e as Error).message })),
    );
  }
  return stacks;
}
