import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ModelstackError } from '../../errors.js';
import type { GpuSupport, PortMapping, RunSpec, VolumeMount } from '../container-engine/container-engine.js';
import type { ComposeProject, ComposeService, Dependency, ProjectVolume } from './compose-model.js';
import { checkOverrides, type ImageOverrides, imageFor } from './image-overrides.js';
import { networkName } from './project-names.js';
import { replicaContainerName, replicaPorts, type ScaleOverrides, sharedPortWarnings } from './replicas.js';
import { CONFIG_HASH_LABEL, IMAGE_ID_LABEL, PROJECT_LABEL, SERVICE_LABEL } from '../local-labels.js';
import { topoOrder, withDependencies } from './topo-sort.js';

/** `auto`: keep GPU reservations when the engine can pass GPUs, else drop them (with a warning). `off`: always drop. */
export type GpuMode = 'auto' | 'off';

export interface PlanOptions {
  readonly images?: ImageOverrides;
  readonly gpu?: GpuMode;
  /** What the engine's probe found; only consulted when a service reserves GPUs. */
  readonly gpuSupport?: GpuSupport;
  /** Only these services and what they depend on. @default all */
  readonly services?: readonly string[];
  /** Image ids of the `build:` services `up` built, per service (a new id recreates their containers). */
  readonly builtImages?: Readonly<Record<string, string>>;
  /** Replicas per service (`--scale`), winning over deploy.replicas. */
  readonly scale?: ScaleOverrides;
  /** Where inline configs are written to be mounted. @default ~/.cache/modelstack/local */
  readonly stateDir?: string;
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.MODELSTACK_CACHE_DIR || join(homedir(), '.cache', 'modelstack'), 'local');
}

/** A file `up` writes before starting containers (inline configs), mounted read-only. */
export interface PlannedFile {
  readonly path: string;
  readonly content: string;
}

/** Where readiness is probed from the host. */
export interface HealthTarget {
  readonly containerPort: number;
  readonly path: string;
  /** The published host address, when the file fixes it; else read from the running container. */
  readonly hostIp: string;
  readonly hostPort?: number;
}

export interface ServicePlan {
  readonly service: string;
  readonly container: string;
  /** Which replica of the service this container is (1-based). */
  readonly replica: number;
  readonly spec: RunSpec;
  /** Hash of `spec` without the hash label; stored as CONFIG_HASH_LABEL. */
  readonly hash: string;
  readonly dependsOn: readonly Dependency[];
  readonly health?: HealthTarget;
  readonly gpuDropped: boolean;
  /** A planned service waits for it to exit with 0 (service_completed_successfully): it is ready once it did. */
  readonly oneShot?: boolean;
}

export interface RunPlan {
  readonly project: string;
  readonly network: string;
  /** In start order. */
  readonly services: readonly ServicePlan[];
  /** Every service of the file (to find orphans). */
  readonly allServices: readonly string[];
  /** The services this plan runs, also those scaled to 0 (their other containers are surplus). */
  readonly plannedServices: readonly string[];
  /** Declared volumes the planned services mount (external ones excluded). */
  readonly volumes: readonly ProjectVolume[];
  readonly files: readonly PlannedFile[];
  /** Bind-mount sources to create when missing. */
  readonly hostDirs: readonly string[];
  readonly warnings: readonly string[];
}

/** Turns a compose project into what `up` starts, in dependency order. Pure: nothing runs. */
export function planProject(project: ComposeProject, opts: PlanOptions = {}): RunPlan {
  const all = project.services.map((s) => s.name);
  checkOverrides(opts.images, all);
  const nodes = project.services.map((s) => ({ name: s.name, deps: s.dependsOn.map((d) => d.service) }));
  const order = topoOrder(nodes);
  const unknown = (opts.services ?? []).filter((s) => !all.includes(s));
  if (unknown.length > 0)
    throw new ModelstackError('USAGE', `no service ${unknown.map((s) => `"${s}"`).join(', ')} in project ${project.name}`, {
      hint: `services: ${all.join(', ')}`,
    });
  const wanted = opts.services && opts.services.length > 0 ? withDependencies(opts.services, nodes) : new Set(all);
  const unknownScale = Object.keys(opts.scale ?? {}).filter((s) => !all.includes(s));
  if (unknownScale.length > 0)
    throw new ModelstackError('USAGE', `--scale: no service ${unknownScale.map((s) => `"${s}"`).join(', ')} in project ${project.name}`, {
      hint: `services: ${all.join(', ')}`,
    });
  const replicasOf = (s: ComposeService): number => opts.scale?.[s.name] ?? s.replicas ?? 1;
  for (const s of project.services.filter((x) => wanted.has(x.name) && replicasOf(x) === 0)) {
    const dependents = project.services.filter((d) => wanted.has(d.name) && replicasOf(d) > 0 && d.dependsOn.some((x) => x.service === s.name));
    if (dependents.length > 0)
      throw new ModelstackError('LOCAL', `service ${s.name} is scaled to 0, but ${dependents.map((d) => d.name).join(', ')} depends on it`, {
        hint: `scale ${dependents.map((d) => d.name).join(', ')} to 0 as well, or give ${s.name} at least one replica`,
      });
  }
  const warnings = [...project.warnings];
  const gpuMode = opts.gpu ?? 'auto';
  const dropGpus = gpuMode === 'off' || opts.gpuSupport?.available !== true;
  const network = networkName(project.name);
  const stateDir = opts.stateDir ?? defaultStateDir();
  const files = new Map<string, PlannedFile>();
  const configMounts = (s: ComposeService): VolumeMount[] =>
    s.configs.map((m) => {
      const c = project.configs.find((x) => x.key === m.source)!;
      if (c.file) return { source: c.file, target: m.target, readOnly: true };
      const content = c.content ?? '';
      const path = join(stateDir, project.name, 'configs', `${c.key}-${createHash('sha256').update(content).digest('hex').slice(0, 12)}`);
      files.set(path, { path, content });
      return { source: path, target: m.target, readOnly: true };
    });
  const oneShot = new Set(
    project.services
      .filter((s) => wanted.has(s.name))
      .flatMap((s) => s.dependsOn.filter((d) => d.condition === 'service_completed_successfully').map((d) => d.service)),
  );
  const services = order
    .filter((name) => wanted.has(name))
    .flatMap((name): ServicePlan[] => {
      const s = project.services.find((x) => x.name === name)!;
      const replicas = replicasOf(s);
      if (replicas === 0) return [];
      const gpuDropped = s.gpus !== undefined && dropGpus;
      if (gpuDropped && gpuMode === 'auto') {
        warnings.push(`service ${name}: its GPU reservation is dropped: ${opts.gpuSupport?.reason ?? 'GPU support of the engine is unknown'}`);
      }
      warnings.push(...sharedPortWarnings(name, project.name, replicas, s.ports));
      const mounts = configMounts(s);
      return Array.from({ length: replicas }, (_, i) => {
        const plan = servicePlan(project.name, network, s, imageFor(name, s.image, opts.images), gpuDropped, mounts, i + 1, opts.builtImages?.[name]);
        return oneShot.has(name) ? { ...plan, oneShot: true } : plan;
      });
    });
  const clash = services.find((s, i) => services.findIndex((x) => x.container === s.container) !== i);
  if (clash) {
    const first = services.find((x) => x.container === clash.container)!;
    throw new ModelstackError(
      'LOCAL',
      `container name ${clash.container} would be used twice: by ${first.service} (replica ${first.replica}) and ${clash.service} (replica ${clash.replica})`,
      {
        hint: 'rename one of the services, or change its number of replicas',
      },
    );
  }
  const planned = project.services.filter((s) => wanted.has(s.name) && replicasOf(s) > 0);
  const volumeNames = new Set(planned.flatMap((s) => s.volumes.filter((v) => v.kind === 'volume').map((v) => v.source)));
  const hostDirs = [...new Set(planned.flatMap((s) => s.volumes.filter((v) => v.kind === 'bind' && v.createHostPath).map((v) => v.source)))];
  return {
    project: project.name,
    network,
    services,
    allServices: all,
    plannedServices: order.filter((name) => wanted.has(name)),
    volumes: project.volumes.filter((v) => !v.external && volumeNames.has(v.name)),
    files: [...files.values()],
    hostDirs,
    warnings,
  };
}

function servicePlan(
  project: string,
  network: string,
  s: ComposeService,
  image: string,
  gpuDropped: boolean,
  configs: readonly VolumeMount[],
  replica: number,
  builtImageId: string | undefined,
): ServicePlan {
  const volumes: VolumeMount[] = [...s.volumes.map((v) => ({ source: v.source, target: v.target, ...(v.readOnly ? { readOnly: true } : {}) })), ...configs];
  const container = replicaContainerName(project, s.name, replica);
  const ports = replicaPorts(s.ports, replica);
  const base: RunSpec = {
    name: container,
    image,
    labels: {
      ...s.labels,
      [PROJECT_LABEL]: project,
      [SERVICE_LABEL]: s.name,
      ...(builtImageId && image === s.image ? { [IMAGE_ID_LABEL]: builtImageId } : {}),
    },
    network,
    alias: s.name,
    ...(ports.length ? { ports } : {}),
    ...(s.environment.length ? { env: s.environment } : {}),
    ...(volumes.length ? { volumes } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    ...(s.command ? { command: s.command } : {}),
    ...(s.workingDir ? { workingDir: s.workingDir } : {}),
    ...(s.user ? { user: s.user } : {}),
    ...(s.shmSize ? { shmSize: s.shmSize } : {}),
    ...(s.ipc ? { ipc: s.ipc } : {}),
    ...(s.gpus && !gpuDropped ? { gpus: s.gpus } : {}),
  };
  const hash = configHash(base);
  const spec: RunSpec = { ...base, labels: { ...base.labels, [CONFIG_HASH_LABEL]: hash } };
  return { service: s.name, container, replica, spec, hash, dependsOn: s.dependsOn, ...healthOf(s, ports), gpuDropped };
}

function healthOf(s: ComposeService, ports: readonly PortMapping[]): { health?: HealthTarget } {
  const h = s.modelstack?.health;
  if (!h) return {};
  const published = ports.find((p) => p.containerPort === h.port && (p.protocol ?? 'tcp') === 'tcp');
  if (!published) {
    throw new ModelstackError('LOCAL', `service ${s.name}: its health port ${h.port} is not published`, {
      hint: `add "127.0.0.1::${h.port}" (or a fixed host port) to services.${s.name}.ports`,
    });
  }
  const ip = published.hostIp && published.hostIp !== '0.0.0.0' && published.hostIp !== '::' ? published.hostIp : '127.0.0.1';
  return { health: { containerPort: h.port, path: h.path, hostIp: ip, ...(published.hostPort ? { hostPort: published.hostPort } : {}) } };
}

/** A stable hash of a run spec (keys sorted), so `up` can tell whether a container is current. */
export function configHash(spec: RunSpec): string {
  return createHash('sha256').update(canonical(spec)).digest('hex').slice(0, 16);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
