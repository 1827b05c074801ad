import { ModelstackError } from '../../errors.js';
import { type IoHost, silentIoHost } from '../../io/io-host.js';
import { MESSAGES } from '../../io/messages.js';
import type { CliEngineOptions } from './cli-engine.js';
import { type ContainerEngine, isContainerEngineName, type ProbeResult, CONTAINER_ENGINE_NAMES, type ContainerEngineName } from './container-engine.js';
import { DockerEngine } from './docker-engine.js';
import { NerdctlEngine } from './nerdctl-engine.js';
import { PodmanEngine } from './podman-engine.js';
import { INSTALL_HINTS } from './engine-errors.js';

export const ENGINE_ENV = 'MODELSTACK_CONTAINER_ENGINE';
/** The old name of ENGINE_ENV, still read (after it) with a notice. */
export const ENGINE_ENV_ALIAS = 'MODELSTACK_CONTAINER_RUNTIME';
export const ENGINE_FLAG = '--engine';
/** The old name of ENGINE_FLAG, still accepted with a notice. */
export const ENGINE_FLAG_ALIAS = '--runtime';
export const ENGINE_CHOICES = ['auto', ...CONTAINER_ENGINE_NAMES] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/**
 * The order `auto` tries. docker first: it is what most machines with GPUs have set up (the
 * NVIDIA toolkit's `--gpus`) and what compose files are written for; podman next, it needs no
 * daemon so it works wherever it is installed; nerdctl last, it needs a running containerd and
 * is the least often installed of the three.
 */
export const AUTO_ORDER: readonly ContainerEngineName[] = ['docker', 'podman', 'nerdctl'];

export interface SkippedEngine {
  readonly engine: ContainerEngineName;
  readonly reason: string;
  readonly hint?: string;
}

export interface Detection {
  readonly engine: ContainerEngine;
  readonly probe: ProbeResult;
  readonly choice: EngineChoice;
  /** Where the choice came from. */
  readonly source: 'flag' | 'env' | 'default';
  /** The flag or environment variable the choice came from, as the user wrote it (`auto` by default). */
  readonly from: string;
  /** Engines tried before the chosen one (auto only), with why each was skipped. */
  readonly skipped: readonly SkippedEngine[];
}

export interface DetectOptions {
  /** The --engine flag; wins over the environment variable. */
  readonly flag?: string;
  /** The name the flag was given under: `--engine`, or the old alias `--runtime`. @default '--engine' */
  readonly flagName?: string;
  /** Environment for the engines' CLIs and for MODELSTACK_CONTAINER_ENGINE. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Where the notices go: an old alias in use (ENGINE_ALIAS), each engine auto skipped
   * (ENGINE_SKIPPED) and the one chosen (ENGINE_CHOSEN). @default silent
   */
  readonly io?: IoHost;
  /** Makes an engine (unit tests pass fakes). */
  readonly create?: (name: ContainerEngineName, opts: CliEngineOptions) => ContainerEngine;
}

export function createContainerEngine(name: ContainerEngineName, opts: CliEngineOptions = {}): ContainerEngine {
  switch (name) {
    case 'docker':
      return new DockerEngine(opts);
    case 'podman':
      return new PodmanEngine(opts);
    case 'nerdctl':
      return new NerdctlEngine(opts);
  }
}

export interface EngineRequest {
  readonly choice: EngineChoice;
  readonly source: Detection['source'];
  /** The flag or environment variable it came from (`auto` by default). */
  readonly from: string;
}

/**
 * The engine asked for: --engine, else MODELSTACK_CONTAINER_ENGINE, else auto. The old names
 * `--runtime` (passed as `flagName`) and MODELSTACK_CONTAINER_RUNTIME still work; `io` is told
 * to use the new name.
 */
export function engineChoice(flag: string | undefined, env: NodeJS.ProcessEnv, flagName = ENGINE_FLAG, io: IoHost = silentIoHost): EngineRequest {
  const [raw, source, from] =
    flag !== undefined
      ? [flag, 'flag' as const, flagName]
      : env[ENGINE_ENV]
        ? [env[ENGINE_ENV]!, 'env' as const, ENGINE_ENV]
        : env[ENGINE_ENV_ALIAS]
          ? [env[ENGINE_ENV_ALIAS]!, 'env' as const, ENGINE_ENV_ALIAS]
          : ['auto', 'default' as const, 'auto'];
  const renamed = from === ENGINE_ENV_ALIAS ? ENGINE_ENV : source === 'flag' && from !== ENGINE_FLAG ? ENGINE_FLAG : undefined;
  if (renamed) io.notify(MESSAGES.ENGINE_ALIAS.make(`${from} is an old name: use ${renamed}`, { used: from, use: renamed }));
  const value = raw.trim().toLowerCase();
  if (value === 'auto' || isContainerEngineName(value)) return { choice: value as EngineChoice, source, from };
  throw new ModelstackError('USAGE', `${from} ${JSON.stringify(raw)} is not one of ${ENGINE_CHOICES.join(', ')}`, {
    hint: `use ${source === 'flag' ? `${ENGINE_FLAG} ` : `${ENGINE_ENV}=`}${ENGINE_CHOICES.join('|')}`,
  });
}

/**
 * Picks the container engine by really probing it. An explicit choice (flag or environment)
 * is used or fails with the probe's reason; there is no fallback. `auto` probes AUTO_ORDER one
 * by one and takes the first that works, reporting why each earlier one was skipped.
 */
export async function detectContainerEngine(opts: DetectOptions = {}): Promise<Detection> {
  const io = opts.io ?? silentIoHost;
  const d = await detect(opts, io);
  for (const s of d.skipped)
    io.notify(MESSAGES.ENGINE_SKIPPED.make(`container engine ${s.engine} skipped: ${s.reason}`, { engine: s.engine, reason: s.reason }));
  const version =
    d.probe.serverVersion && d.probe.serverVersion !== d.probe.clientVersion
      ? `${d.probe.clientVersion ?? '?'}, engine ${d.probe.serverVersion}`
      : (d.probe.clientVersion ?? '?');
  io.notify(MESSAGES.ENGINE_CHOSEN.make(`container engine: ${d.engine.name} ${version} (${d.from})`, { engine: d.engine.name, version, source: d.from }));
  return d;
}

async function detect(opts: DetectOptions, io: IoHost): Promise<Detection> {
  const env = opts.env ?? process.env;
  const create = opts.create ?? createContainerEngine;
  const { choice, source, from } = engineChoice(opts.flag, env, opts.flagName, io);
  if (choice !== 'auto') {
    const engine = create(choice, { env });
    const probe = await engine.probe();
    if (probe.available) return { engine, probe, choice, source, from, skipped: [] };
    throw new ModelstackError('CONTAINER_RUNTIME', `container engine ${choice} (chosen by ${from}) is not usable: ${probe.reason ?? 'unknown reason'}`, {
      hint: probe.hint ?? INSTALL_HINTS[choice],
    });
  }
  const skipped: SkippedEngine[] = [];
  for (const name of AUTO_ORDER) {
    const engine = create(name, { env });
    const probe = await engine.probe();
    if (probe.available) return { engine, probe, choice, source, from, skipped };
    skipped.push({ engine: name, reason: probe.reason ?? 'unknown reason', ...(probe.hint ? { hint: probe.hint } : {}) });
  }
  throw new ModelstackError('CONTAINER_RUNTIME', 'no container engine is usable (tried docker, podman, nerdctl)', {
    details: skipped.map((s) => `${s.engine}: ${s.reason}`),
    hint: `${INSTALL_HINTS.docker}; or ${INSTALL_HINTS.podman}`,
  });
}
