import { homedir } from 'node:os';
import { basename, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ModelstackError } from '../../errors.js';
import type { EnvVar, GpuRequest, PortMapping, VolumeMount } from '../container-engine/container-engine.js';
import { interpolate, passThroughName } from './interpolate.js';
import { splitWords } from './split-words.js';
import { NOTES_EXTENSION } from '../compose/compose-types.js';

/**
 * The part of a compose file `modelstack local` runs, normalized. It is read from YAML (a file
 * `modelstack local compose` wrote, or one written by hand) or from the object buildCompose
 * returns, so only plain data is assumed here.
 */
export type DependsCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  readonly service: string;
  readonly condition: DependsCondition;
}

/** The `x-modelstack` extension of a service. */
export interface ModelstackExtension {
  readonly model?: string;
  readonly role?: string;
  /** Readiness: GET http://<published host address of port><path> answers 2xx. */
  readonly health?: { readonly port: number; readonly path: string };
}

/** A mount of a service: a host path, a named volume (full engine name) or a config file. */
export interface ServiceMount extends VolumeMount {
  readonly kind: 'bind' | 'volume';
  /** For binds: create the host directory when it is missing (compose's default). */
  readonly createHostPath?: boolean;
}

/** A top-level volume the project declares. */
export interface ProjectVolume {
  /** The key in the file. */
  readonly key: string;
  /** The engine's name: `<project>_<key>`, or the declared `name`. */
  readonly name: string;
  /** Driver options (`type: tmpfs`…); not every engine can create them. */
  readonly options?: Readonly<Record<string, string>>;
  /** Declared `external: true`: must exist, never created or removed. */
  readonly external: boolean;
}

/** A top-level config: inline `content` or a host `file`, mounted read-only into services. */
export interface ProjectConfig {
  readonly key: string;
  readonly content?: string;
  readonly file?: string;
}

export interface ServiceConfigMount {
  readonly source: string;
  readonly target: string;
}

/** A service's `build:`: what the engine builds its image from. */
export interface ServiceBuild {
  /** Absolute directory. */
  readonly context: string;
  /** Absolute path (a relative `dockerfile` is relative to the context). */
  readonly dockerfile?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
}

export interface ComposeService {
  readonly name: string;
  /** The image run; for a `build:` service the tag it is built under (`image:`, else `<project>-<service>`). */
  readonly image: string;
  /** Built by the engine before `up` starts anything. */
  readonly build?: ServiceBuild;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment: readonly EnvVar[];
  readonly ports: readonly PortMapping[];
  readonly volumes: readonly ServiceMount[];
  readonly configs: readonly ServiceConfigMount[];
  readonly dependsOn: readonly Dependency[];
  readonly labels: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  readonly user?: string;
  readonly shmSize?: string;
  readonly ipc?: string;
  /** From deploy.resources.reservations.devices with the gpu capability. */
  readonly gpus?: GpuRequest;
  /** deploy.replicas: how many containers run the service. @default 1 */
  readonly replicas?: number;
  readonly modelstack?: ModelstackExtension;
}

export interface ComposeProject {
  readonly name: string;
  readonly services: readonly ComposeService[];
  readonly volumes: readonly ProjectVolume[];
  readonly configs: readonly ProjectConfig[];
  /** Things that were read but are not run as written (ignored keys, unset variables). */
  readonly warnings: readonly string[];
}

export interface LoadOptions {
  /** Project name; wins over the file's `name`. @default the file's `name`, else the directory name */
  readonly project?: string;
  /** Relative bind mounts resolve against this. @default process.cwd() */
  readonly projectDir?: string;
  /** Variables for ${VAR} interpolation. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Keys of a service that are understood; others are reported as ignored. */
const SERVICE_KEYS = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'ports',
  'volumes',
  'configs',
  'depends_on',
  'labels',
  'working_dir',
  'user',
  'shm_size',
  'ipc',
  'deploy',
  'gpus',
  'devices',
  'x-modelstack',
  // Accepted and deliberately not used: readiness is probed from modelstack (not by the
  // engine's healthcheck timers), containers are never restarted, names and network are fixed.
  'healthcheck',
  'restart',
  'container_name',
  'networks',
  'hostname',
  'stop_grace_period',
  'init',
  'pull_policy',
]);
const CONDITIONS: readonly DependsCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];

/** Parses compose YAML and normalizes it. */
export function loadComposeText(text: string, opts: LoadOptions = {}): ComposeProject {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ModelstackError('LOCAL', `the compose file is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return normalizeCompose(doc, opts);
}

export function normalizeCompose(doc: unknown, opts: LoadOptions = {}): ComposeProject {
  const env = opts.env ?? process.env;
  const projectDir = resolve(opts.projectDir ?? process.cwd());
  const warnings: string[] = [];
  const warn = (m: string): void => {
    if (!warnings.includes(m)) warnings.push(m);
  };
  const root = asRecord(doc, '(file)');
  const name = projectName(opts.project ?? (typeof root.name === 'string' ? interpolate(root.name, env, 'name', warn) : undefined) ?? basename(projectDir));
  const services = asRecord(root.services ?? fail('services', 'is missing'), 'services');
  if (Object.keys(services).length === 0) fail('services', 'is empty');
  const volumes = Object.entries(root.volumes === undefined || root.volumes === null ? {} : asRecord(root.volumes, 'volumes')).map(([key, def]) =>
    projectVolume(key, def, name, ctx0(env, warn)),
  );
  const configs = Object.entries(root.configs === undefined || root.configs === null ? {} : asRecord(root.configs, 'configs')).map(([key, def]) =>
    projectConfig(key, def, projectDir, ctx0(env, warn)),
  );
  // What the stack's local run leaves out, as buildCompose wrote it (NOTES_EXTENSION).
  for (const note of asArrayOfStrings(root[NOTES_EXTENSION])) warn(note);
  const ctx: Ctx = { env, warn, projectDir, project: name, volumes, configs };
  const out = Object.entries(services).map(([svc, raw]) => service(svc, raw, ctx));
  const names = new Set(out.map((s) => s.name));
  for (const s of out) {
    for (const d of s.dependsOn) if (!names.has(d.service)) fail(`services.${s.name}.depends_on`, `names unknown service "${d.service}"`);
  }
  return { name, services: out, volumes, configs, warnings };
}

interface Ctx {
  readonly env: NodeJS.ProcessEnv;
  readonly warn: (m: string) => void;
  readonly projectDir: string;
  readonly project: string;
  readonly volumes: readonly ProjectVolume[];
  readonly configs: readonly ProjectConfig[];
}

type Ctx0 = Pick<Ctx, 'env' | 'warn'>;
function ctx0(env: NodeJS.ProcessEnv, warn: (m: string) => void): Ctx0 {
  return { env, warn };
}

function projectVolume(key: string, def: unknown, project: string, ctx: Ctx0): ProjectVolume {
  const where = `volumes.${key}`;
  const o = def === null || def === undefined ? {} : asRecord(def, where);
  const external = o.external === true;
  const name = typeof o.name === 'string' ? interpolate(o.name, ctx.env, `${where}.name`, ctx.warn) : external ? key : `${project}_${key}`;
  const driver = o.driver === undefined ? undefined : asString(o.driver, `${where}.driver`);
  if (driver !== undefined && driver !== 'local') fail(`${where}.driver`, `"${driver}" is not supported (only the local driver)`);
  const opts = o.driver_opts === undefined || o.driver_opts === null ? {} : asRecord(o.driver_opts, `${where}.driver_opts`);
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts)) options[k] = interpolate(scalar(v, `${where}.driver_opts.${k}`), ctx.env, where, ctx.warn);
  return { key, name, external, ...(Object.keys(options).length ? { options } : {}) };
}

function projectConfig(key: string, def: unknown, projectDir: string, ctx: Ctx0): ProjectConfig {
  const where = `configs.${key}`;
  const o = asRecord(def, where);
  if (typeof o.content === 'string') return { key, content: interpolate(o.content, ctx.env, `${where}.content`, ctx.warn) };
  if (typeof o.file === 'string') return { key, file: resolve(projectDir, interpolate(o.file, ctx.env, `${where}.file`, ctx.warn)) };
  fail(where, 'needs "content" or "file" (external and environment configs are not supported)');
}

function configMount(v: unknown, where: string, ctx: Ctx): ServiceConfigMount {
  const o = typeof v === 'string' ? { source: v } : asRecord(v, where);
  const source = asString(o.source ?? fail(`${where}.source`, 'is missing'), `${where}.source`);
  if (!ctx.configs.some((c) => c.key === source)) fail(`${where}.source`, `names unknown config "${source}"`);
  const target = o.target === undefined ? `/${source}` : asString(o.target, `${where}.target`);
  return { source, target: target.startsWith('/') ? target : `/${target}` };
}

function service(name: string, raw: unknown, ctx: Ctx): ComposeService {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) fail(`services.${name}`, 'is not a valid service name (letters, digits, "_", "." and "-")');
  const at = `services.${name}`;
  const s = asRecord(raw, at);
  for (const k of Object.keys(s)) {
    if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) ctx.warn(`${at}.${k} is not supported by modelstack local and is ignored`);
  }
  const str = (v: unknown, where: string): string => interpolate(asString(v, where), ctx.env, where, ctx.warn);
  const build = s.build === undefined || s.build === null ? undefined : serviceBuild(s.build, `${at}.build`, ctx);
  const image =
    s.image !== undefined ? str(s.image, `${at}.image`) : build ? `${ctx.project}-${name.toLowerCase()}` : fail(`${at}.image`, 'is missing (or give build:)');
  const ext = s['x-modelstack'] === undefined ? undefined : modelstackExtension(s['x-modelstack'], `${at}.x-modelstack`);
  return {
    name,
    image,
    ...(build ? { build } : {}),
    ...(s.command !== undefined ? { command: words(s.command, `${at}.command`, ctx) } : {}),
    ...(s.entrypoint !== undefined ? { entrypoint: words(s.entrypoint, `${at}.entrypoint`, ctx) } : {}),
    environment: environment(s.environment, `${at}.environment`, ctx),
    ports: asList(s.ports, `${at}.ports`).map((p, i) => port(p, `${at}.ports[${i}]`, ctx)),
    volumes: asList(s.volumes, `${at}.volumes`).map((v, i) => volume(v, `${at}.volumes[${i}]`, ctx)),
    configs: asList(s.configs, `${at}.configs`).map((c, i) => configMount(c, `${at}.configs[${i}]`, ctx)),
    dependsOn: dependsOn(s.depends_on, `${at}.depends_on`),
    labels: keyValues(s.labels, `${at}.labels`, ctx),
    ...(s.working_dir !== undefined ? { workingDir: str(s.working_dir, `${at}.working_dir`) } : {}),
    ...(s.user !== undefined ? { user: str(String(s.user), `${at}.user`) } : {}),
    ...(s.shm_size !== undefined ? { shmSize: str(String(s.shm_size), `${at}.shm_size`) } : {}),
    ...(s.ipc !== undefined ? { ipc: str(s.ipc, `${at}.ipc`) } : {}),
    ...gpuReservation(s, at, ctx),
    ...replicas(s.deploy, `${at}.deploy`),
    ...(ext ? { modelstack: ext } : {}),
  };
}

const BUILD_KEYS = new Set(['context', 'dockerfile', 'args', 'target']);

/** `build: DIR` or `build: {context, dockerfile, args, target}`; paths resolve against the project directory. */
function serviceBuild(v: unknown, where: string, ctx: Ctx): ServiceBuild {
  const o = typeof v === 'string' ? { context: v } : asRecord(v, where);
  if (o.dockerfile_inline !== undefined) fail(`${where}.dockerfile_inline`, 'is not supported (write the Dockerfile to a file)');
  for (const k of Object.keys(o)) {
    if (!BUILD_KEYS.has(k) && !k.startsWith('x-')) ctx.warn(`${where}.${k} is not supported by modelstack local and is ignored`);
  }
  const context = resolve(
    ctx.projectDir,
    interpolate(o.context === undefined ? '.' : asString(o.context, `${where}.context`), ctx.env, `${where}.context`, ctx.warn),
  );
  const dockerfile =
    o.dockerfile === undefined ? undefined : resolve(context, interpolate(asString(o.dockerfile, `${where}.dockerfile`), ctx.env, where, ctx.warn));
  // An arg without a value takes the variable from the environment (left out when it is unset).
  const args: Record<string, string> = {};
  for (const e of environment(o.args, `${where}.args`, ctx)) {
    const value = e.value ?? ctx.env[e.name];
    if (value !== undefined) args[e.name] = value;
  }
  const target = o.target === undefined ? undefined : interpolate(asString(o.target, `${where}.target`), ctx.env, where, ctx.warn);
  return { context, ...(dockerfile ? { dockerfile } : {}), args, ...(target ? { target } : {}) };
}

function words(v: unknown, where: string, ctx: Ctx): string[] {
  if (v === null) return [];
  if (typeof v === 'string') return splitWords(interpolate(v, ctx.env, where, ctx.warn), where);
  return asList(v, where).map((w, i) => interpolate(scalar(w, `${where}[${i}]`), ctx.env, where, ctx.warn));
}

/** Map or `KEY=VALUE` list. A name without a value, or whose value is just `${NAME}`, is passed by name. */
function environment(v: unknown, where: string, ctx: Ctx): EnvVar[] {
  const entries: [string, unknown][] =
    v === undefined || v === null
      ? []
      : Array.isArray(v)
        ? v.map((item, i) => {
            const text = scalar(item, `${where}[${i}]`);
            const eq = text.indexOf('=');
            return eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
          })
        : Object.entries(asRecord(v, where));
  return entries.map(([name, value]) => {
    if (value === null || value === undefined) return { name };
    const text = scalar(value, `${where}.${name}`);
    const same = passThroughName(text);
    if (same === name) return { name };
    return { name, value: interpolate(text, ctx.env, `${where}.${name}`, ctx.warn) };
  });
}

function keyValues(v: unknown, where: string, ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (Array.isArray(v)) {
    for (const [i, item] of v.entries()) {
      const text = scalar(item, `${where}[${i}]`);
      const eq = text.indexOf('=');
      out[eq < 0 ? text : text.slice(0, eq)] = eq < 0 ? '' : interpolate(text.slice(eq + 1), ctx.env, where, ctx.warn);
    }
    return out;
  }
  for (const [k, val] of Object.entries(asRecord(v, where))) out[k] = val === null ? '' : interpolate(scalar(val, `${where}.${k}`), ctx.env, where, ctx.warn);
  return out;
}

/** Short syntax `[ip:][host:]container[/proto]` or long syntax `{target, published, host_ip, protocol}`. */
function port(v: unknown, where: string, ctx: Ctx): PortMapping {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const containerPort = portNumber(o.target, `${where}.target`);
    const published = o.published === undefined || o.published === null || o.published === '' ? undefined : portNumber(o.published, `${where}.published`);
    return {
      containerPort,
      ...(published !== undefined ? { hostPort: published } : {}),
      ...(typeof o.host_ip === 'string' ? { hostIp: o.host_ip } : {}),
      ...(o.protocol === 'udp' ? { protocol: 'udp' as const } : {}),
    };
  }
  const text = interpolate(scalar(v, where), ctx.env, where, ctx.warn);
  const m = /^(?:(?:\[([0-9a-fA-F:]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):)?(?:(\d*):)?(\d+)(?:\/(tcp|udp))?$/.exec(text);
  if (!m) fail(where, `${JSON.stringify(text)} is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT (port ranges are not supported)`);
  const [, ip6, ip4, host, container, proto] = m;
  return {
    containerPort: portNumber(container, where),
    ...(host ? { hostPort: portNumber(host, where) } : {}),
    ...(ip6 || ip4 ? { hostIp: (ip6 ?? ip4)! } : {}),
    ...(proto === 'udp' ? { protocol: 'udp' as const } : {}),
  };
}

/** `SOURCE:TARGET[:ro|rw]` or `{type, source, target, read_only, bind}`; named volumes become `<project>_<name>`. */
function volume(v: unknown, where: string, ctx: Ctx): ServiceMount {
  let source: string;
  let target: string;
  let readOnly = false;
  let createHostPath = true;
  let type: string | undefined;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    type = o.type === undefined ? undefined : asString(o.type, `${where}.type`);
    if (type !== undefined && type !== 'bind' && type !== 'volume') fail(`${where}.type`, `"${type}" is not supported (bind or volume)`);
    source = interpolate(asString(o.source ?? fail(`${where}.source`, 'is missing'), `${where}.source`), ctx.env, where, ctx.warn);
    target = asString(o.target ?? fail(`${where}.target`, 'is missing'), `${where}.target`);
    readOnly = o.read_only === true;
    const bind = o.bind === undefined || o.bind === null ? {} : asRecord(o.bind, `${where}.bind`);
    // compose: the long syntax creates a missing host path only when asked to.
    createHostPath = bind.create_host_path === true;
  } else {
    const parts = interpolate(scalar(v, where), ctx.env, where, ctx.warn).split(':');
    if (parts.length < 2 || parts.length > 3) fail(where, `${JSON.stringify(parts.join(':'))} is not SOURCE:TARGET[:ro] (anonymous volumes are not supported)`);
    [source, target] = [parts[0]!, parts[1]!];
    const mode = parts[2];
    if (mode !== undefined && !/^(ro|rw)(,.*)?$|^[zZ]$/.test(mode)) fail(where, `unknown mode "${mode}"`);
    readOnly = mode?.startsWith('ro') ?? false;
  }
  if (!target.startsWith('/')) fail(where, `target "${target}" must be an absolute path`);
  const isPath = type === 'bind' || (type === undefined && (source.startsWith('.') || source.startsWith('/') || source.startsWith('~')));
  if (isPath) {
    const expanded = source.startsWith('~') ? homedir() + source.slice(1) : source;
    const path = isAbsolute(expanded) ? expanded : resolve(ctx.projectDir, expanded);
    return { kind: 'bind', source: path, target, ...(readOnly ? { readOnly } : {}), createHostPath };
  }
  const declared = ctx.volumes.find((d) => d.key === source);
  if (!declared) fail(where, `names volume "${source}", which is not declared under the top-level volumes`);
  return { kind: 'volume', source: declared.name, target, ...(readOnly ? { readOnly } : {}) };
}

function dependsOn(v: unknown, where: string): Dependency[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((d, i) => ({ service: scalar(d, `${where}[${i}]`), condition: 'service_started' as const }));
  return Object.entries(asRecord(v, where)).map(([svc, spec]) => {
    const cond = spec === null ? undefined : asRecord(spec, `${where}.${svc}`).condition;
    if (cond !== undefined && !(CONDITIONS as readonly unknown[]).includes(cond)) fail(`${where}.${svc}.condition`, `must be one of ${CONDITIONS.join(', ')}`);
    return { service: svc, condition: (cond as DependsCondition | undefined) ?? 'service_started' };
  });
}

function gpus(deploy: unknown, where: string): { gpus?: GpuRequest } {
  if (deploy === undefined || deploy === null) return {};
  const devices = (asRecord(deploy, where).resources as { reservations?: { devices?: unknown } } | undefined)?.reservations?.devices;
  for (const [i, d] of asList(devices, `${where}.resources.reservations.devices`).entries()) {
    const dev = asRecord(d, `${where}.resources.reservations.devices[${i}]`);
    const caps = Array.isArray(dev.capabilities) ? dev.capabilities.map(String) : [];
    if (!caps.includes('gpu') && dev.driver !== 'nvidia') continue;
    if (Array.isArray(dev.device_ids)) return { gpus: { deviceIds: dev.device_ids.map(String) } };
    if (dev.count === undefined || dev.count === 'all' || dev.count === -1) return { gpus: { all: true } };
    const count = Number(dev.count);
    if (!Number.isInteger(count) || count < 1) fail(`${where}.resources.reservations.devices[${i}].count`, 'must be "all" or a positive integer');
    return { gpus: { count } };
  }
  return {};
}

/** GPUs as docker (deploy.resources.reservations.devices), the compose `gpus` key or podman (CDI `devices`) say it. */
function gpuReservation(s: Record<string, unknown>, at: string, ctx: Ctx): { gpus?: GpuRequest } {
  const fromDeploy = gpus(s.deploy, `${at}.deploy`);
  if (fromDeploy.gpus) return fromDeploy;
  if (s.gpus !== undefined && s.gpus !== null) return gpusKey(s.gpus, `${at}.gpus`);
  return cdiGpus(s.devices, `${at}.devices`, ctx);
}

/** The compose `gpus` key: `all`, or a list of device requests (the first is used). */
function gpusKey(v: unknown, where: string): { gpus?: GpuRequest } {
  if (v === 'all') return { gpus: { all: true } };
  const [first] = asList(v, where);
  if (first === undefined) return {};
  const dev = asRecord(first, `${where}[0]`);
  if (Array.isArray(dev.device_ids)) return { gpus: { deviceIds: dev.device_ids.map(String) } };
  if (dev.count === undefined || dev.count === 'all' || dev.count === -1) return { gpus: { all: true } };
  const count = Number(dev.count);
  if (!Number.isInteger(count) || count < 1) fail(`${where}[0].count`, 'must be "all" or a positive integer');
  return { gpus: { count } };
}

/** `devices:` with CDI names of NVIDIA GPUs (podman's form); other devices are not supported. */
function cdiGpus(v: unknown, where: string, ctx: Ctx): { gpus?: GpuRequest } {
  const ids: string[] = [];
  for (const [i, d] of asList(v, where).entries()) {
    const text = scalar(d, `${where}[${i}]`);
    const m = /^nvidia\.com\/gpu=(.+)$/.exec(text);
    if (m) ids.push(m[1]!);
    else ctx.warn(`${where} ${JSON.stringify(text)} is not supported by modelstack local (only NVIDIA GPUs by CDI name) and is ignored`);
  }
  if (ids.length === 0) return {};
  return ids.includes('all') ? { gpus: { all: true } } : { gpus: { deviceIds: ids } };
}

function replicas(deploy: unknown, where: string): { replicas?: number } {
  if (deploy === undefined || deploy === null) return {};
  const r = asRecord(deploy, where).replicas;
  if (r === undefined || r === null) return {};
  const n = typeof r === 'number' || (typeof r === 'string' && /^\d+$/.test(r)) ? Number(r) : NaN;
  if (!Number.isInteger(n) || n < 0) fail(`${where}.replicas`, 'must be a whole number (0 or more)');
  return { replicas: n };
}

function modelstackExtension(v: unknown, where: string): ModelstackExtension {
  const o = asRecord(v, where);
  let health: ModelstackExtension['health'];
  if (o.health !== undefined && o.health !== null) {
    const h = asRecord(o.health, `${where}.health`);
    const path = h.path === undefined ? '/' : asString(h.path, `${where}.health.path`);
    health = { port: portNumber(h.port, `${where}.health.port`), path: path.startsWith('/') ? path : `/${path}` };
  }
  return {
    ...(typeof o.model === 'string' ? { model: o.model } : {}),
    ...(typeof o.role === 'string' ? { role: o.role } : {}),
    ...(health ? { health } : {}),
  };
}

/** Lower-case letters, digits, "-" and "_", starting with a letter or digit (compose's rule). */
export function projectName(raw: string): string {
  const name = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  if (!/^[a-z0-9]/.test(name)) {
    throw new ModelstackError('LOCAL', `"${raw}" cannot be a project name`, {
      hint: 'use lower-case letters, digits, "-" and "_", starting with a letter or digit',
    });
  }
  return name;
}

function fail(where: string, message: string): never {
  throw new ModelstackError('LOCAL', `compose file: ${where} ${message}`);
}

function asRecord(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be a mapping');
  return v as Record<string, unknown>;
}

function asList(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(where, 'must be a list');
  return v;
}

function asString(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(where, 'must be a string');
  return v;
}

function scalar(v: unknown, where: string): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(where, 'must be a string or number');
}

function portNumber(v: unknown, where: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(where, `${JSON.stringify(v)} is not a port number`);
  return n;
}

function asArrayOfStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
