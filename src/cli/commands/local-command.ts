import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import { ModelstackError } from '../../errors.js';
import { buildCompose } from '../../local/compose/build-compose.js';
import type { ComposeFile, ComposeFlavor } from '../../local/compose/compose-types.js';
import { renderCompose } from '../../local/compose/render-compose.js';
import { type ComposeProject, normalizeCompose, projectName } from '../../local/run/compose-model.js';
import { down, type DownResult } from '../../local/run/down.js';
import { parseImageOverrides } from '../../local/run/image-overrides.js';
import { projectLogs } from '../../local/run/logs.js';
import { ps } from '../../local/run/ps.js';
import { readComposeFile } from '../../local/run/read-compose-file.js';
import { defaultStateDir } from '../../local/run/run-plan.js';
import { up, type UpResult } from '../../local/run/up.js';
import { writeFileAtomic } from '../../util/write-atomic.js';
import type { ContainerInfo } from '../../local/runtime/container-runtime.js';
import { type Detection, detectRuntime, RUNTIME_CHOICES, RUNTIME_ENV } from '../../local/runtime/detect.js';
import { synthStacks } from '../../synth/synth.js';
import { choice, type Command, type CommandContext, type CommandOutput, parseCommandArgs } from '../command.js';
import { formatTable } from '../format-table.js';
import { positiveNumber } from './apply-command.js';

const FLAVORS = ['runtime', 'engine'] as const satisfies readonly ComposeFlavor[];
const SUBCOMMANDS = ['compose', 'up', 'down', 'ps', 'logs'] as const;

/** Flags every subcommand that needs the project takes. */
const SOURCE_FLAGS = {
  file: { type: 'string' },
  app: { type: 'string' },
  flavor: { type: 'string' },
  project: { type: 'string', short: 'p' },
} as const;
const RUNTIME_FLAG = { runtime: { type: 'string' } } as const;

export const localCommand: Command = {
  name: 'local',
  summary: 'run the stack on this machine with docker, podman or nerdctl (compose, up, down, ps, logs)',
  usage: `modelstack local compose|up|down|ps|logs [options] [SERVICE...]

  compose [--out FILE] [--app CMD] [--flavor runtime|engine] [--project NAME]
      write the stack as a compose file (to stdout without --out)
  up [--image NAME=IMAGE]... [--no-gpu] [--timeout SECONDS] [--remove-orphans] [SERVICE...]
      start the services (and what they depend on) in dependency order and wait until each
      answers its health check on its published port; running containers whose configuration
      did not change are left alone. Ctrl-C removes what this up started.
  down                 remove the project's containers, its network and its tmpfs volumes
  ps [-o table|json] [SERVICE...]
  logs [--tail N] [-f|--follow] [SERVICE...]

  --file FILE          a compose file (default: synthesize the stack and build one in memory)
  --app CMD            app command (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
  --flavor F           runtime (default: the models as deployed) or engine (one engine server per model)
  -p, --project NAME   project name (default: the file's name, else the stack's)
  --runtime R          ${RUNTIME_CHOICES.join('|')} (default: $${RUNTIME_ENV}, else auto:
                       the first of docker, podman, nerdctl whose CLI and daemon really answer)
  --image NAME=IMAGE   run service NAME from IMAGE ("*=IMAGE" for every service), e.g. without GPUs
  --no-gpu             drop GPU reservations; they are also dropped, with a warning, when the runtime
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
    }
  },
};

async function composeSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values } = parseCommandArgs('local compose', argv, { ...SOURCE_FLAGS, out: { type: 'string', short: 'o' } });
  if (values.file !== undefined) throw new ModelstackError('USAGE', 'local compose: --file is an input of up/down/ps/logs, not of compose', { hint: 'use --out FILE' });
  const text = renderCompose(await composeFromStack(values, ctx));
  const out = values.out as string | undefined;
  if (out === undefined) return { stdout: text, exitCode: 0 };
  const path = resolve(ctx.cwd, out);
  await writeFileAtomic(path, text);
  return { stdout: `wrote ${path}\n`, exitCode: 0 };
}

async function upSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs(
    'local up',
    argv,
    {
      ...SOURCE_FLAGS,
      ...RUNTIME_FLAG,
      image: { type: 'string', multiple: true },
      'no-gpu': { type: 'boolean' },
      timeout: { type: 'string' },
      'remove-orphans': { type: 'boolean' },
    },
    true,
  );
  const timeout = positiveNumber('--timeout', values.timeout as string | undefined, 600);
  const images = parseImageOverrides((values.image as string[] | undefined) ?? []);
  const project = await loadProject(values, ctx);
  const detection = await detect(values, ctx);
  const result = await interruptible((signal) =>
    up(project, detection.runtime, {
      images,
      gpu: values['no-gpu'] ? 'off' : 'auto',
      gpuSupport: detection.probe.gpu,
      services: positionals,
      timeoutMs: timeout * 1000,
      removeOrphans: values['remove-orphans'] === true,
      stateDir: defaultStateDir(ctx.env),
      signal,
      io: ctx.io,
    }),
  );
  return { stdout: formatUp(result), exitCode: 0 };
}

async function downSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values } = parseCommandArgs('local down', argv, { ...SOURCE_FLAGS, ...RUNTIME_FLAG });
  const name = await resolveProjectName(values, ctx);
  const detection = await detect(values, ctx);
  return { stdout: formatDown(await down(detection.runtime, { project: name, stateDir: defaultStateDir(ctx.env) })), exitCode: 0 };
}

async function psSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs('local ps', argv, { ...SOURCE_FLAGS, ...RUNTIME_FLAG, output: { type: 'string', short: 'o' } }, true);
  const output = choice('-o', values.output as string | undefined, ['table', 'json'] as const, 'table');
  const name = await resolveProjectName(values, ctx);
  const detection = await detect(values, ctx);
  const containers = await ps(detection.runtime, { project: name, services: positionals });
  return { stdout: output === 'json' ? `${JSON.stringify(containers, null, 2)}\n` : formatPs(name, containers), exitCode: 0 };
}

async function logsSub(argv: readonly string[], ctx: CommandContext): Promise<CommandOutput> {
  const { values, positionals } = parseCommandArgs(
    'local logs',
    argv,
    { ...SOURCE_FLAGS, ...RUNTIME_FLAG, tail: { type: 'string' }, follow: { type: 'boolean', short: 'f' } },
    true,
  );
  const tail = values.tail === undefined ? undefined : nonNegativeInt('--tail', values.tail as string);
  const name = await resolveProjectName(values, ctx);
  const detection = await detect(values, ctx);
  const follow = values.follow === true;
  let buffered = '';
  const emit = follow && ctx.write ? ctx.write : (t: string): void => void (buffered += t);
  const prefixed = positionals.length !== 1;
  const run = (signal?: AbortSignal): Promise<void> =>
    projectLogs(detection.runtime, {
      project: name,
      services: positionals,
      ...(tail !== undefined ? { tail } : {}),
      follow,
      ...(signal ? { signal } : {}),
      onLine: (service, line) => emit(prefixed ? `${service} | ${line.text}\n` : `${line.text}\n`),
    });
  if (follow) await interruptible(run, { quiet: true });
  else await run();
  return { stdout: buffered, exitCode: 0 };
}

// ------------------------------------------------------------------------ helpers --

type Values = Record<string, string | boolean | string[] | undefined>;

async function composeFromStack(values: Values, ctx: CommandContext): Promise<ComposeFile> {
  const flavor = choice('--flavor', values.flavor as string | undefined, FLAVORS, 'runtime');
  const stacks = await synthStacks({ app: values.app as string | undefined, cwd: ctx.cwd }, ctx.io);
  const project = values.project as string | undefined;
  return buildCompose(stacks, { flavor, ...(project ? { project } : {}) });
}

/** The project to run: the --file, else the stack built into a compose file in memory. */
async function loadProject(values: Values, ctx: CommandContext): Promise<ComposeProject> {
  const project = values.project as string | undefined;
  if (values.file !== undefined) {
    if (values.app !== undefined || values.flavor !== undefined) {
      throw new ModelstackError('USAGE', 'local: --file cannot be combined with --app or --flavor', { hint: 'they choose how the compose file is built from the stack' });
    }
    return readComposeFile(resolve(ctx.cwd, values.file as string), { env: ctx.env, ...(project ? { project } : {}) });
  }
  return normalizeCompose(await composeFromStack(values, ctx), { projectDir: ctx.cwd, env: ctx.env, ...(project ? { project } : {}) });
}

/** down/ps/logs only need the name: --project, else from the file or the stack. */
async function resolveProjectName(values: Values, ctx: CommandContext): Promise<string> {
  if (typeof values.project === 'string' && values.file === undefined) return projectName(values.project);
  return (await loadProject(values, ctx)).name;
}

async function detect(values: Values, ctx: CommandContext): Promise<Detection> {
  const d = await detectRuntime({ flag: values.runtime as string | undefined, env: ctx.env });
  for (const s of d.skipped) ctx.io.notify({ level: 'warn', message: `container runtime ${s.runtime} skipped: ${s.reason}`, code: 'RUNTIME_SKIPPED' });
  const version = d.probe.serverVersion && d.probe.serverVersion !== d.probe.clientVersion ? `${d.probe.clientVersion ?? '?'}, engine ${d.probe.serverVersion}` : (d.probe.clientVersion ?? '?');
  const why = d.source === 'default' ? 'auto' : d.source === 'flag' ? '--runtime' : RUNTIME_ENV;
  ctx.io.notify({ level: 'info', message: `container runtime: ${d.runtime.name} ${version} (${why})`, code: 'RUNTIME_CHOSEN' });
  return d;
}

/**
 * Runs `fn` with a signal that the first Ctrl-C (SIGINT) or SIGTERM aborts; a second one ends
 * the process at once. The listeners stay until `fn` is done: with none left, execa's exit
 * handling would re-raise the signal and end the process before the cleanup.
 */
async function interruptible<T>(fn: (signal: AbortSignal) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(128 + (osConstants.signals[sig] ?? 2));
    controller.abort(new ModelstackError('LOCAL', `interrupted (${sig})`, { exitCode: 130 }));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } catch (e) {
    if (opts.quiet && controller.signal.aborted) return undefined as T;
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
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
  return `project ${r.project} is up on ${r.runtime} (network ${r.network})\n${table}`;
}

export function formatDown(r: DownResult): string {
  const parts = [`${r.removed.length} container(s) removed`];
  if (r.network) parts.push(`network ${r.network} removed`);
  if (r.volumes.length) parts.push(`${r.volumes.length} tmpfs volume(s) removed`);
  return `project ${r.project}: ${parts.join(', ')}\n`;
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
