import { ModelstackError } from '../../errors.js';
import type { CliRuntimeOptions } from './cli-runtime.js';
import { type ContainerRuntime, isRuntimeName, type ProbeResult, RUNTIME_NAMES, type RuntimeName } from './container-runtime.js';
import { DockerRuntime } from './docker-runtime.js';
import { NerdctlRuntime } from './nerdctl-runtime.js';
import { PodmanRuntime } from './podman-runtime.js';
import { INSTALL_HINTS } from './runtime-errors.js';

export const RUNTIME_ENV = 'MODELSTACK_CONTAINER_RUNTIME';
export const RUNTIME_CHOICES = ['auto', ...RUNTIME_NAMES] as const;
export type RuntimeChoice = (typeof RUNTIME_CHOICES)[number];

/**
 * The order `auto` tries. docker first: it is what most machines with GPUs have set up (the
 * NVIDIA toolkit's `--gpus`) and what compose files are written for; podman next, it needs no
 * daemon so it works wherever it is installed; nerdctl last, it needs a running containerd and
 * is the least often installed of the three.
 */
export const AUTO_ORDER: readonly RuntimeName[] = ['docker', 'podman', 'nerdctl'];

export interface SkippedRuntime {
  readonly runtime: RuntimeName;
  readonly reason: string;
  readonly hint?: string;
}

export interface Detection {
  readonly runtime: ContainerRuntime;
  readonly probe: ProbeResult;
  readonly choice: RuntimeChoice;
  /** Where the choice came from. */
  readonly source: 'flag' | 'env' | 'default';
  /** Runtimes tried before the chosen one (auto only), with why each was skipped. */
  readonly skipped: readonly SkippedRuntime[];
}

export interface DetectOptions {
  /** The --runtime flag; wins over the environment variable. */
  readonly flag?: string;
  /** Environment for the runtimes' CLIs and for MODELSTACK_CONTAINER_RUNTIME. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Makes a runtime (unit tests pass fakes). */
  readonly create?: (name: RuntimeName, opts: CliRuntimeOptions) => ContainerRuntime;
}

export function createRuntime(name: RuntimeName, opts: CliRuntimeOptions = {}): ContainerRuntime {
  switch (name) {
    case 'docker':
      return new DockerRuntime(opts);
    case 'podman':
      return new PodmanRuntime(opts);
    case 'nerdctl':
      return new NerdctlRuntime(opts);
  }
}

/** The runtime asked for: --runtime, else MODELSTACK_CONTAINER_RUNTIME, else auto. */
export function runtimeChoice(flag: string | undefined, env: NodeJS.ProcessEnv): { choice: RuntimeChoice; source: Detection['source'] } {
  const [raw, source, what] =
    flag !== undefined ? [flag, 'flag' as const, '--runtime'] : env[RUNTIME_ENV] ? [env[RUNTIME_ENV]!, 'env' as const, RUNTIME_ENV] : ['auto', 'default' as const, ''];
  const value = raw.trim().toLowerCase();
  if (value === 'auto' || isRuntimeName(value)) return { choice: value as RuntimeChoice, source };
  throw new ModelstackError('USAGE', `${what} ${JSON.stringify(raw)} is not one of ${RUNTIME_CHOICES.join(', ')}`, {
    hint: `use ${what === '--runtime' ? '--runtime ' : `${RUNTIME_ENV}=`}${RUNTIME_CHOICES.join('|')}`,
  });
}

/**
 * Picks the container runtime by really probing it. An explicit choice (flag or environment)
 * is used or fails with the probe's reason; there is no fallback. `auto` probes AUTO_ORDER one
 * by one and takes the first that works, reporting why each earlier one was skipped.
 */
export async function detectRuntime(opts: DetectOptions = {}): Promise<Detection> {
  const env = opts.env ?? process.env;
  const create = opts.create ?? createRuntime;
  const { choice, source } = runtimeChoice(opts.flag, env);
  if (choice !== 'auto') {
    const runtime = create(choice, { env });
    const probe = await runtime.probe();
    if (probe.available) return { runtime, probe, choice, source, skipped: [] };
    const from = source === 'flag' ? '--runtime' : RUNTIME_ENV;
    throw new ModelstackError('CONTAINER_RUNTIME', `container runtime ${choice} (chosen by ${from}) is not usable: ${probe.reason ?? 'unknown reason'}`, {
      hint: probe.hint ?? INSTALL_HINTS[choice],
    });
  }
  const skipped: SkippedRuntime[] = [];
  for (const name of AUTO_ORDER) {
    const runtime = create(name, { env });
    const probe = await runtime.probe();
    if (probe.available) return { runtime, probe, choice, source, skipped };
    skipped.push({ runtime: name, reason: probe.reason ?? 'unknown reason', ...(probe.hint ? { hint: probe.hint } : {}) });
  }
  throw new ModelstackError('CONTAINER_RUNTIME', 'no container runtime is usable (tried docker, podman, nerdctl)', {
    details: skipped.map((s) => `${s.runtime}: ${s.reason}`),
    hint: `${INSTALL_HINTS.docker}; or ${INSTALL_HINTS.podman}`,
  });
}
