import { resolve } from 'node:path';
import type { IoHost } from '../io/io-host.js';
import { resolveAppCommand } from './app-command.js';
import { type Layout, layoutFiles } from './layout.js';
import type { StackManifest } from '../model/kube-object.js';
import { runApp } from './run-app.js';
import { type WriteResult, writeOutput } from './write-output.js';

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
}

/** Which app to run, where, and for how long at most. */
export interface AppSource {
  /** The app command. @default `app` of cdk8s.yaml, else "npx tsx stacks/main.ts" */
  readonly app?: string;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
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
  const stacks = await synthStacks({ app: opts.app, cwd, appTimeoutMs: opts.appTimeoutMs }, io);
  const files = layoutFiles(stacks, { layout: opts.layout ?? 'file-per-chart', kustomization: opts.kustomization ?? false });
  const outdir = resolve(cwd, opts.out ?? 'dist');
  const written = await writeOutput(outdir, files);
  return { outdir, stacks, files: written, objectCount: stacks.reduce((n, s) => n + s.objects.length, 0) };
}

/** Runs the app and returns its stacks without writing anything (diff and apply start here). */
export async function synthStacks(opts: AppSource, io: IoHost): Promise<StackManifest[]> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  return runApp({ command: resolveAppCommand(opts.app, cwd), cwd, io, ...(opts.appTimeoutMs !== undefined ? { timeoutMs: opts.appTimeoutMs } : {}) });
}
