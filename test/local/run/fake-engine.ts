// An in-memory ContainerEngine for the run layer's unit tests: containers are records, the
// readiness endpoints are real HTTP servers in the test process (see HealthServers).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BuildOptions,
  BuildSpec,
  ContainerInfo,
  ContainerEngine,
  Labels,
  LogsOptions,
  NetworkRemoval,
  ProbeResult,
  RunSpec,
} from '../../../src/local/container-engine/container-engine.js';

interface FakeContainer {
  id: string;
  spec: RunSpec;
  state: ContainerInfo['state'];
  exitCode: number;
  hostPorts: Map<number, number>;
}

export class FakeEngine implements ContainerEngine {
  public readonly name = 'docker' as const;
  public readonly volumeOptions = true;
  public readonly calls: string[] = [];
  public readonly networks = new Map<string, Labels>();
  public readonly volumes = new Map<string, Labels>();
  public readonly containers = new Map<string, FakeContainer>();
  public readonly logLines = new Map<string, string[]>();
  public gpu = { available: false, reason: 'no NVIDIA container toolkit' };
  private nextId = 1;

  /** `hostPortFor(container, containerPort)`: where the container "publishes" a port without a fixed host port. */
  public constructor(private readonly hostPortFor: (container: string, containerPort: number) => number = () => 40000) {}

  public async probe(): Promise<ProbeResult> {
    this.calls.push('probe');
    return { engine: 'docker', cli: 'docker', available: true, gpu: this.gpu };
  }
  public async createNetwork(name: string, labels: Labels = {}): Promise<void> {
    this.calls.push(`network create ${name}`);
    this.networks.set(name, labels);
  }
  public async removeNetwork(name: string): Promise<NetworkRemoval> {
    this.calls.push(`network rm ${name}`);
    if (!this.networks.has(name)) return 'absent';
    if ([...this.containers.values()].some((c) => c.spec.network === name)) return 'in-use';
    this.networks.delete(name);
    return 'removed';
  }
  public async networkExists(name: string): Promise<boolean> {
    return this.networks.has(name);
  }
  public async networkLabels(name: string): Promise<Labels | undefined> {
    return this.networks.get(name);
  }
  public async createVolume(name: string, opts: { labels?: Labels } = {}): Promise<void> {
    this.calls.push(`volume create ${name}`);
    this.volumes.set(name, opts.labels ?? {});
  }
  public async volumeExists(name: string): Promise<boolean> {
    return this.volumes.has(name);
  }
  public async removeVolume(name: string): Promise<void> {
    this.calls.push(`volume rm ${name}`);
    this.volumes.delete(name);
  }
  public async listVolumes(labels: Labels): Promise<string[]> {
    return [...this.volumes].filter(([, l]) => Object.entries(labels).every(([k, v]) => l[k] === v)).map(([n]) => n);
  }
  /** Called after each container is started: a test's way to script what happens to it (it exits, logs). */
  public afterRun?: (spec: RunSpec) => void;

  public async run(spec: RunSpec): Promise<string> {
    this.calls.push(`run ${spec.name} ${spec.image}`);
    if (this.containers.has(spec.name)) throw new Error(`name in use: ${spec.name}`);
    const hostPorts = new Map((spec.ports ?? []).map((p) => [p.containerPort, p.hostPort ?? this.hostPortFor(spec.name, p.containerPort)]));
    const id = `id${this.nextId++}`;
    this.containers.set(spec.name, { id, spec, state: 'running', exitCode: 0, hostPorts });
    this.afterRun?.(spec);
    return id;
  }
  /** The image id each build of a tag gives (default: the same id every time). */
  public builtImageId: (spec: BuildSpec) => string = (spec) => `sha256:${spec.tag}`;
  /** Set to make builds fail with this error. */
  public buildError?: Error;
  public async build(spec: BuildSpec, opts: BuildOptions = {}): Promise<string> {
    this.calls.push(`build ${spec.tag} ${spec.context}`);
    opts.onLine?.({ stream: 'stdout', text: `STEP 1/1: FROM base (${spec.tag})` });
    if (this.buildError) throw this.buildError;
    return this.builtImageId(spec);
  }
  public async start(name: string): Promise<void> {
    this.calls.push(`start ${name}`);
    this.containers.get(name)!.state = 'running';
  }
  public async list(labels: Labels, serviceLabel?: string): Promise<ContainerInfo[]> {
    return [...this.containers.keys()].map((n) => this.info(n, serviceLabel)).filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }
  public async inspect(name: string, serviceLabel?: string): Promise<ContainerInfo | undefined> {
    return this.containers.has(name) ? this.info(name, serviceLabel) : undefined;
  }
  public async logs(name: string, opts: LogsOptions): Promise<void> {
    const lines = this.logLines.get(name) ?? [];
    for (const text of opts.tail === undefined ? lines : lines.slice(-opts.tail)) opts.onLine({ stream: 'stdout', text });
  }
  public async stop(name: string): Promise<void> {
    this.calls.push(`stop ${name}`);
    const c = this.containers.get(name);
    if (c) c.state = 'exited';
  }
  public async remove(name: string): Promise<void> {
    this.calls.push(`rm ${name}`);
    this.containers.delete(name);
  }

  /** Marks a container as exited (it crashed). */
  public exit(name: string, code: number): void {
    const c = this.containers.get(name)!;
    c.state = 'exited';
    c.exitCode = code;
  }

  private info(name: string, serviceLabel?: string): ContainerInfo {
    const c = this.containers.get(name)!;
    const labels = c.spec.labels ?? {};
    return {
      id: c.id,
      name,
      image: c.spec.image,
      state: c.state,
      exitCode: c.exitCode,
      labels,
      ...(serviceLabel && labels[serviceLabel] !== undefined ? { service: labels[serviceLabel] } : {}),
      ports:
        c.state === 'running' ? [...c.hostPorts].map(([containerPort, hostPort]) => ({ containerPort, hostPort, hostIp: '127.0.0.1', protocol: 'tcp' })) : [],
    };
  }
}

/** HTTP servers answering health checks: each answers with what `answer` returns for the nth request. */
export class HealthServers {
  private readonly servers: Server[] = [];

  public async start(answer: (n: number, path: string) => { status: number; body?: string }): Promise<{ port: number; requests: () => number }> {
    let n = 0;
    const server = createServer((req, res) => {
      const a = answer(++n, req.url ?? '');
      res.writeHead(a.status, { 'content-type': a.body?.startsWith('{') ? 'application/json' : 'text/plain' });
      res.end(a.body ?? '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.servers.push(server);
    return { port: (server.address() as AddressInfo).port, requests: () => n };
  }

  public async close(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  }
}
