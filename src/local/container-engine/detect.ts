import { ModelstackError } from '../../errors.js';
import { type IoHost, silentIoHost } from '../../io/io-host.js';
import { MESSAGES } from '../../io/messages.js';
import type { CliEngineOptions } from './cli-engine.js';
import { type ContainerEngine, isContainerEngineName, type ProbeResult, CONTAINER_ENGINE_NAMES, type ContainerEngineName } from './container-engine.js';
import { ENGINE_CHOICES, type EngineChoice, ENGINE_ENV, ENGINE_ENV_ALIAS, ENGINE_FLAG } from './engine-choice.js';
import { DockerEngine } from './docker-engine.js';
import { NerdctlEngine } from './nerdctl-engine.js';
import { PodmanEngine } from './podman-engine.js';
import { INSTALL_HINTS } from './engine-errors.js';

export { ENGINE_CHOICES, type EngineChoice, ENGINE_ENV, ENGINE_ENV_ALIAS, ENGINE_FLAG, ENGINE_FLAG_ALIAS } from './engine-choice.js';
/** Other names users give an engine: nerdctl is containerd's CLI. */
export const ENGINE_NAME_ALIASES: Readonly<Record<string, ContainerEngineName>> = { containerd: 'nerdctl' };
/** Every name --engine and MODELSTACK_CONTAINER_ENGINE take (a comma-separated list of them is a preference). */
export const ENGINE_NAMES_ACCEPTED: readonly string[] = [...ENGINE_CHOICES, ...Object.keys(ENGINE_NAME_ALIASES)];
/** Tries the chosen engine, then the others (in AUTO_ORDER) when it is unusable. */
export const ENGINE_FALLBACK_FLAG = '--fallback';

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
  /** Engines tried before the chosen one (auto or a preference), with why each was skipped. */
  readonly skipped: readonly SkippedEngine[];
}

export interface DetectOptions {
  /** The --engine flag; wins over the environment variable. */
  readonly flag?: string;
  /** The name the flag was given under: `--engine`, or the old alias `--runtime`. @default '--engine' */
  readonly flagName?: string;
  /** After the chosen engine(s), try the others in AUTO_ORDER (--fallback). @default false */
  readonly fallback?: boolean;
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
  /** `auto`, or the first engine of the preference. */
  readonly choice: EngineChoice;
  /** The engines to try, in order (AUTO_ORDER for auto). */
  readonly preference: readonly ContainerEngineName[];
  /** Whether an unusable engine is skipped for the next (auto, a list, --fallback); else it fails loudly. */
  readonly fallback: boolean;
  readonly source: Detection['source'];
  /** The flag or environment variable it came from (`auto` by default). */
  readonly from: string;
}

/**
 * The engine asked for: --engine, else MODELSTACK_CONTAINER_ENGINE, else auto. The value is one
 * name or a comma-separated preference (`podman,docker`); `containerd` means nerdctl and `auto`
 * inside a list stands for the engines not named yet. One name without `fallback` is an explicit
 * choice (no fallback); a list, `auto` or `fallback` tries the engines in order. The old names
 * `--runtime` (passed as `flagName`) and MODELSTACK_CONTAINER_RUNTIME still work; `io` is told
 * to use the new name.
 */
export function engineChoice(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  flagName = ENGINE_FLAG,
  io: IoHost = silentIoHost,
  fallback = false,
): EngineRequest {
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
  const usage = (message: string): ModelstackError =>
    new ModelstackError('USAGE', message, {
      hint: `use ${source === 'flag' ? `${ENGINE_FLAG} ` : `${ENGINE_ENV}=`}${ENGINE_NAMES_ACCEPTED.join('|')}, or a comma-separated preference such as podman,docker`,
    });
  const items = raw.split(',').map((v) => v.trim().toLowerCase());
  if (items.length > 1 && items.some((v) => v === '')) throw usage(`${from} ${JSON.stringify(raw)} has an empty entry`);
  const names: (ContainerEngineName | 'auto')[] = items.map((v) => {
    const name: string = ENGINE_NAME_ALIASES[v] ?? v;
    if (name === 'auto' || isContainerEngineName(name)) return name;
    throw usage(
      items.length > 1
        ? `${from} ${JSON.stringify(raw)}: ${JSON.stringify(v)} is not one of ${ENGINE_NAMES_ACCEPTED.join(', ')}`
        : `${from} ${JSON.stringify(raw)} is not one of ${ENGINE_NAMES_ACCEPTED.join(', ')}`,
    );
  });
  const preference: ContainerEngineName[] = [];
  for (const n of [...names, ...(fallback ? ['auto' as const] : [])]) {
    for (const e of n === 'auto' ? AUTO_ORDER : [n]) if (!preference.includes(e)) preference.push(e);
  }
  const choice: EngineChoice = names.length === 1 ? names[0]! : preference[0]!;
  const tries = names.length > 1 || choice === 'auto' || fallback;
  // The name as written, when it is not the engine's own (containerd).
  const as = names.length === 1 && items[0] !== choice && items[0] !== '' ? ` "${items[0]}"` : '';
  return { choice, preference, fallback: tries, source, from: `${from}${as}` };
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
  const { choice, preference, fallback, source, from } = engineChoice(opts.flag, env, opts.flagName, io, opts.fallback === true);
  if (!fallback) {
    const engine = create(preference[0]!, { env });
    const probe = await engine.probe();
    if (probe.available) return { engine, probe, choice, source, from, skipped: [] };
    throw new ModelstackError('CONTAINER_RUNTIME', `container engine ${engine.name} (chosen by ${from}) is not usable: ${probe.reason ?? 'unknown reason'}`, {
      hint: probe.hint ?? INSTALL_HINTS[engine.name],
    });
  }
  const skipped: SkippedEngine[] = [];
  for (const name of preference) {
    const engine = create(name, { env });
    const probe = await engine.probe();
    if (probe.available) return { engine, probe, choice, source, from, skipped };
    skipped.push({ engine: name, reason: probe.reason ?? 'unknown reason', ...(probe.hint ? { hint: probe.hint } : {}) });
  }
  const all = choice === 'auto' && preference.length === AUTO_ORDER.length;
  throw new ModelstackError(
    'CONTAINER_RUNTIME',
    all ? `no container engine is usable (tried ${preference.join(', ')})` : `no container engine of ${preference.join(', ')} (${from}) is usable`,
    {
      details: skipped.map((s) => `${s.engine}: ${s.reason}`),
      hint: all ? `${INSTALL_HINTS.docker}; or ${INSTALL_HINTS.podman}` : skipped.map((s) => s.hint ?? INSTALL_HINTS[s.engine]).join('; '),
    },
  );
}

/** One engine by name (`containerd` is nerdctl), e.g. the engine a compose file is written for. */
export function engineByName(raw: string, from = ENGINE_FLAG): ContainerEngineName {
  const v = raw.trim().toLowerCase();
  const name: string = ENGINE_NAME_ALIASES[v] ?? v;
  if (isContainerEngineName(name)) return name;
  throw new ModelstackError(
    'USAGE',
    `${from} ${JSON.stringify(raw)} is not one of ${[...CONTAINER_ENGINE_NAMES, ...Object.keys(ENGINE_NAME_ALIASES)].join(', ')}`,
    {
      hint: `e.g. ${from} podman`,
    },
  );
}
