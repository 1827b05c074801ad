import {
  type ComposeFlavor,
  type ComposeProfile,
  type ContainerEngineOptions,
  type ContainerInfo,
  type DownResult,
  ENGINE_CHOICES,
  ENGINE_ENV,
  ENGINE_ENV_ALIAS,
  ENGINE_FLAG,
  ENGINE_FLAG_ALIAS,
  type LocalProjectOptions,
  ModelstackError,
  parseImageOverrides,
  parseScale,
  type UpResult,
  DEFAULT_METRICS_INTERVAL_MS,
  DEFAULT_SCRAPE_TIMEOUT_MS,
} from '../../toolkit/index.js';
import { metricsTables } from './metrics-command.js';
import {
  APP_TIMEOUT_FLAG,
  appTimeoutUsage,
  appTimeoutOption,
  choice,
  type Command,
  type CommandContext,
  type CommandOutput,
  parseCommandArgs,
  positiveNumber,
} from '../command.js';
import { formatTable } from '../format-table.js';
import { interruptible } from '../interrupts.js';

const FLAVORS = ['runtime', 'engine'] as const satisfies readonly ComposeFlavor[];
const PROFILES = ['gpu', 'cpu'] as const satisfies readonly ComposeProfile[];
const SUBCOMMANDS = ['compose', 'up', 'down', 'ps', 'logs', 'metrics'] as const;

/** Flags every subcommand that needs the project takes. */
const SOURCE_FLAGS = {
  file: { type: 'string' },
  app: { type: 'string' },
  ...APP_TIMEOUT_FLAG,
  flavor: { type: 'string' },
  profile: { type: 'string' },
  project: { type: 'string', short: 'p' },
} as const;
/** `--engine`, and its old name `--runtime`. */
const ENGINE_FLAGS = { engine: { type: 'string' }, runtime: { type: 'string' }, fallback: { type: 'boolean' } } as const;

export const localCommand: Command = {
  name: 'local',
  usage: `modelstack local compose|up|down|ps|logs [options] [SERVICE...]

  compose [--out FILE] [--app CMD] [--flavor runtime|engine] [--profile gpu|cpu] [--project NAME] [--engine E]
      write the stack as a compose file (to stdout without --out); GPU reservations are written
      the way E's compose reads them: docker and nerdctl (default docker) as
      deploy.resources.reservations.devices, podman as CDI names (devices: [nvidia.com/gpu=all])
  up [--image NAME=IMAGE]... [--scale SERVICE=N]... [--no-gpu] [--timeout SECONDS] [--remove-orphans]
     [--keep-on-failure] [SERVICE...]
      start the services (and what they depend on) in dependency order and wait until each
      answers its health check on its published port; running containers whose configuration
      did not change are left alone. A failed up, and Ctrl-C, remove the containers, tmpfs
      volumes and network this up created (--keep-on-failure keeps them for "local logs"); the
      data volumes it created (model caches, the HF cache) are kept, so a retry does not
      download again, and the error says so
  down [-v|--volumes]  remove the project's containers, its network and its tmpfs volumes: only
                       what carries the project's label; anything else is left, with a note.
                       --volumes removes its data volumes too (downloaded models: the next up
                       downloads again)
  ps [-o table|json] [SERVICE...]
  logs [--tail N] [-f|--follow] [SERVICE...]
  metrics [-o table|json] [--interval SECONDS] [--timeout SECONDS] [SERVICE...]
                       the "modelstack metrics" table from the ports up published (each
                       model's /metrics scraped twice, --interval apart, default 5)

  --file FILE          a compose file (default: synthesize the stack and build one in memory)
  --app CMD            app command (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
${appTimeoutUsage(23)}
  --flavor F           runtime (default: the models as deployed) or engine (one engine server per model)
  --profile P          gpu (default: the engines as deployed) or cpu: GPU engines replaced by CPU
                       stand-ins (Dynamo workers run dynamo.mocker; a Ray Serve LLM model is served by
                       vLLM's CPU image with a small model); same services, dependencies and readiness
  -p, --project NAME   project name (default: the file's name, else the stack's)
  --engine E           container engine: ${ENGINE_CHOICES.join('|')} (containerd means nerdctl), or a
                       preference tried in order, e.g. podman,docker (default: $${ENGINE_ENV}, else
                       auto: the first of docker, podman, nerdctl whose CLI and daemon really answer);
                       one engine without --fallback fails if it is unusable;
                       ${ENGINE_FLAG_ALIAS} and $${ENGINE_ENV_ALIAS} are its old names
  --fallback           when the chosen engine is unusable, try the others (docker, podman, nerdctl)
  --image NAME=IMAGE   run service NAME from IMAGE ("*=IMAGE" for every service), e.g. without GPUs
  --scale SERVICE=N    run N containers of SERVICE (wins over deploy.replicas; default 1): on a running
                       project more adds containers, fewer removes the highest-numbered ones. Replica 1
                       is <project>-<service>, the others <project>-<service>-2.. ; a fixed host port
                       is published by replica 1 only, the others publish it on a free host port
  --no-gpu             drop GPU reservations; they are also dropped, with a warning, when the engine
                       shows no GPU support (docker: an nvidia runtime or the toolkit hook; podman: a
                       CDI spec for nvidia.com/gpu; nerdctl: nvidia-container-cli)
  --timeout SECONDS    how long up waits for all services to be ready (default 600)`,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new ModelstackError('USAGE', sub === undefined ? 'local: missing subcommand' : `local: unknown subcommand "${sub}"`, {
        hint: `one of ${SUBCOMMANDS.join(', ')}; see "modelstack local --help"`,
      });
    }
    switch (sub as (typeof SUBCOMMANDS)[number]) {
      case 'compose':
        return composeSub(rest, ctx);
      case 'up':
        return upSub(rest, ctx);
      case 'down':
        return downSub(rest, ctx);
      case 'ps':
        return psSub(rest, ctx);
      case 'logs':
        return logsSub(rest, ctx);
      case 'metrics':
        return metricsSub(rest, ctx);
    }
  },
};

async function composeSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values } = parseCommandArgs('local compose', argv, { ...SOURCE_FLAGS, out: { type: 'string', short: 'o' }, engine: { type: 'string' } });
  if (values.file !== undefined)
    throw new ModelstackError('USAGE', 'local compose: --file is an input of up/down/ps/logs, not of compose', { hint: 'use --out FILE' });
  const out = values.out as string | undefined;
  const engine = values.engine as string | undefined;
  const r = await ctx.toolkit.local.compose({ ...projectSource(values), ...(out !== undefined ? { out } : {}), ...(engine !== undefined ? { engine } : {}) });
  return { stdout: r.path === undefined ? r.text : `wrote ${r.path}\n`, exitCode: 0 };
}

async function upSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs(
    'local up',
    argv,
    {
      ...SOURCE_FLAGS,
      ...ENGINE_FLAGS,
      image: { type: 'string', multiple: true },
      scale: { type: 'string', multiple: true },
      'no-gpu': { type: 'boolean' },
      timeout: { type: 'string' },
      'remove-orphans': { type: 'boolean' },
      'keep-on-failure': { type: 'boolean' },
    },
    true,
  );
  const timeout = positiveNumber('--timeout', values.timeout as string | undefined, 600);
  const images = parseImageOverrides((values.image as string[] | undefined) ?? []);
  const scale = parseScale((values.scale as string[] | undefined) ?? []);
  const result = await interruptible(
    (signal) =>
      ctx.toolkit.local.up({
        ...projectSource(values),
        ...engineOption(values),
        images,
        ...(Object.keys(scale).length > 0 ? { scale } : {}),
        gpu: values['no-gpu'] ? 'off' : 'auto',
        services: positionals,
        timeoutMs: timeout * 1000,
        removeOrphans: values['remove-orphans'] === true,
        keepOnFailure: values['keep-on-failure'] === true,
        signal,
      }),
    { code: 'LOCAL' },
  );
  return { stdout: formatUp(result), exitCode: 0 };
}

async function downSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values } = parseCommandArgs('local down', argv, { ...SOURCE_FLAGS, ...ENGINE_FLAGS, volumes: { type: 'boolean', short: 'v' } });
  const volumes = values.volumes === true ? { volumes: true } : {};
  return { stdout: formatDown(await ctx.toolkit.local.down({ ...projectSource(values), ...engineOption(values), ...volumes })), exitCode: 0 };
}

async function psSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs('local ps', argv, { ...SOURCE_FLAGS, ...ENGINE_FLAGS, output: { type: 'string', short: 'o' } }, true);
  const output = choice('-o', values.output as string | undefined, ['table', 'json'] as const, 'table');
  const { project, containers } = await ctx.toolkit.local.ps({ ...projectSource(values), ...engineOption(values), services: positionals });
  return { stdout: output === 'json' ? `${JSON.stringify(containers, null, 2)}\n` : formatPs(project, containers), exitCode: 0 };
}

async function logsSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs(
    'local logs',
    argv,
    { ...SOURCE_FLAGS, ...ENGINE_FLAGS, tail: { type: 'string' }, follow: { type: 'boolean', short: 'f' } },
    true,
  );
  const tail = values.tail === undefined ? undefined : nonNegativeInt('--tail', values.tail as string);
  const follow = values.follow === true;
  let buffered = '';
  const emit = follow && ctx.write ? ctx.write : (t: string): void => void (buffered += t);
  const prefixed = positionals.length !== 1;
  const run = (signal?: AbortSignal): Promise<void> =>
    ctx.toolkit.local.logs({
      ...projectSource(values),
      ...engineOption(values),
      services: positionals,
      ...(tail !== undefined ? { tail } : {}),
      follow,
      ...(signal ? { signal } : {}),
      onLine: (service, line) => emit(prefixed ? `${service} | ${line.text}\n` : `${line.text}\n`),
    });
  if (follow) await interruptible(run, { quiet: true, code: 'LOCAL' });
  else await run();
  return { stdout: buffered, exitCode: 0 };
}

async function metricsSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs(
    'local metrics',
    argv,
    { ...SOURCE_FLAGS, ...ENGINE_FLAGS, output: { type: 'string', short: 'o' }, interval: { type: 'string' }, timeout: { type: 'string' } },
    true,
  );
  const output = choice('-o', values.output as string | undefined, ['table', 'json'] as const, 'table');
  const r = await interruptible(
    (signal) =>
      ctx.toolkit.local.metrics({
        ...projectSource(values),
        ...engineOption(values),
        services: positionals,
        intervalMs: positiveNumber('--interval', values.interval as string | undefined, DEFAULT_METRICS_INTERVAL_MS / 1000) * 1000,
        timeoutMs: positiveNumber('--timeout', values.timeout as string | undefined, DEFAULT_SCRAPE_TIMEOUT_MS / 1000) * 1000,
        signal,
      }),
    { code: 'LOCAL' },
  );
  const text =
    output === 'json'
      ? `${JSON.stringify(r, null, 2)}\n`
      : r.models.length + r.problems.length === 0
        ? `no running models in project ${r.project}\n`
        : metricsTables(r, false);
  return { stdout: text, exitCode: r.problems.length > 0 ? 2 : 0 };
}

// ------------------------------------------------------------------------ helpers --

type Values = Record<string, string | boolean | string[] | undefined>;

/** The project flags, checked. */
function projectSource(values: Values): LocalProjectOptions {
  const flavor = values.flavor === undefined ? undefined : choice('--flavor', values.flavor as string, FLAVORS, 'runtime');
  const profile = values.profile === undefined ? undefined : choice('--profile', values.profile as string, PROFILES, 'gpu');
  return {
    ...(values.file !== undefined ? { file: values.file as string } : {}),
    ...(values.app !== undefined ? { app: values.app as string } : {}),
    ...appTimeoutOption(values),
    ...(flavor ? { flavor } : {}),
    ...(profile ? { profile } : {}),
    ...(typeof values.project === 'string' ? { project: values.project } : {}),
  };
}

/** --engine, or its old name --runtime (not both). */
function engineOption(values: Values): ContainerEngineOptions {
  const fallback = values.fallback === true ? { fallback: true } : {};
  if (values.engine !== undefined && values.runtime !== undefined) {
    throw new ModelstackError('USAGE', `local: ${ENGINE_FLAG} and ${ENGINE_FLAG_ALIAS} are the same flag`, { hint: `use ${ENGINE_FLAG}` });
  }
  if (values.runtime !== undefined) return { engine: values.runtime as string, engineFlagName: ENGINE_FLAG_ALIAS, ...fallback };
  return values.engine !== undefined ? { engine: values.engine as string, engineFlagName: ENGINE_FLAG, ...fallback } : fallback;
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ModelstackError('USAGE', `${flag} ${JSON.stringify(value)} is not a whole number`, { hint: `e.g. ${flag} 100` });
  return n;
}

export function formatUp(r: UpResult): string {
  const table = formatTable(
    ['SERVICE', 'CONTAINER', 'ACTION', 'READY', 'URL'],
    r.services.map((s) => [s.service, s.container, s.action, `${(s.readyAfterMs / 1000).toFixed(1)}s`, s.url ?? '-']),
  );
  const scaled = r.scaledDown.length > 0 ? `scaled down: removed ${r.scaledDown.join(', ')}\n` : '';
  return `project ${r.project} is up on ${r.engine} (network ${r.network})\n${table}${scaled}`;
}

export function formatDown(r: DownResult): string {
  const parts = [`${r.removed.length} container(s) removed`];
  if (r.network) parts.push(`network ${r.network} removed`);
  if (r.volumes.length) parts.push(`${r.volumes.length} tmpfs volume(s) removed`);
  if (r.dataVolumes?.length) parts.push(`data volume(s) removed: ${r.dataVolumes.join(', ')}`);
  const notes = r.kept.map((k) => `left ${k.kind} ${k.name}: ${k.reason}\n`);
  return `project ${r.project}: ${parts.join(', ')}\n${notes.join('')}`;
}

export function formatPs(project: string, containers: readonly ContainerInfo[]): string {
  if (containers.length === 0) return `no containers for project ${project}\n`;
  return formatTable(
    ['SERVICE', 'CONTAINER', 'STATE', 'PORTS', 'IMAGE'],
    containers.map((c) => [
      c.service ?? '-',
      c.name,
      c.state === 'exited' ? `exited (${c.exitCode})` : c.state,
      c.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ') || '-',
      c.image,
    ]),
  );
}
