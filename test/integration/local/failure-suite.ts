// What `up` and `down` do when things go wrong, on one real engine: an image that is not on the
// machine (not in any registry, or no registry reachable), a service that exits before it is
// ready, the cleanup of a failed up, and a network of the project's name that another tool made.
// Part of the shared engine suite (engine-suite.ts), so it runs on docker, podman and nerdctl.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { down } from '../../../src/local/run/down.js';
import { readComposeFile } from '../../../src/local/run/read-compose-file.js';
import { up } from '../../../src/local/run/up.js';
import { createContainerEngine } from '../../../src/local/container-engine/detect.js';
import { repoRoot, tempDir } from '../../support/paths.js';
import { rejection } from '../../support/thrown.js';
import { type EmptyRegistry, startEmptyRegistry } from './empty-registry.js';
import { type EngineUnderTest, uniqueProject } from './engine-env.js';

const PROJECT_LABEL = 'modelstack.io/project';

/** One service with a health check, a volume and a tmpfs volume; `second` needs it healthy. */
function failingCompose(project: string, image: string, command: string): string {
  return `name: ${project}
services:
  first:
    image: ${image}
    command: [sh, -c, '${command}']
    ports: ["127.0.0.1::8080"]
    volumes: [{type: volume, source: cache, target: /cache}, {type: volume, source: disc, target: /disc}]
    x-modelstack: {model: demo, role: worker, health: {port: 8080, path: /health}}
  second:
    image: ${image}
    command: [httpd, -f, -p, "8080", -h, /www]
    depends_on:
      first: {condition: service_healthy}
volumes:
  cache: {}
  disc: {driver: local, driver_opts: {type: tmpfs, device: tmpfs}}
`;
}

export function failureSuite(base: EngineUnderTest): void {
  const project = uniqueProject(`ms-fail-${base.name}`);
  let registry: EmptyRegistry;
  let rt: EngineUnderTest = base;
  /** The engine's own CLI, with the environment the suites use. */
  const cli = async (args: string[]): Promise<string[]> => {
    const r = await execa(base.name, args, { env: rt.env, extendEnv: false, reject: false, timeout: 30_000 });
    if (r.exitCode !== 0) throw new Error(`${base.name} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  };
  /** Everything of project `p` the engine still has, by our label and by name (engine ls commands). */
  const leftovers = async (p: string): Promise<string[]> => [
    ...(await cli(['ps', '-a', '--filter', `label=${PROJECT_LABEL}=${p}`, '--format', '{{.Names}}'])).map((n) => `container ${n}`),
    ...(await cli(['ps', '-a', '--filter', `name=${p}`, '--format', '{{.Names}}'])).map((n) => `container ${n}`),
    ...(await cli(['network', 'ls', '--filter', `label=${PROJECT_LABEL}=${p}`, '--format', '{{.Name}}'])).map((n) => `network ${n}`),
    ...(await cli(['network', 'ls', '--filter', `name=${p}`, '--format', '{{.Name}}'])).map((n) => `network ${n}`),
    ...(await cli(['volume', 'ls', '--filter', `label=${PROJECT_LABEL}=${p}`, '--format', '{{.Name}}'])).map((n) => `volume ${n}`),
    ...(await cli(['volume', 'ls', '--filter', `name=${p}`, '--format', '{{.Name}}'])).map((n) => `volume ${n}`),
  ];

  /** `modelstack local ARGS --engine NAME`, run from the sources. */
  const runCli = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'local', ...args, '--engine', rt.name], {
        cwd: repoRoot,
        env: rt.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  /** What a failed up leaves of project `p`: only its data volume (found by label and by name), which a retry reuses. */
  const keptCache = (p: string): string[] => [`volume ${p}_cache`, `volume ${p}_cache`];
  const keptLine = (p: string): string =>
    `kept volume ${p}_cache: it may hold downloaded models, which the next up reuses ("modelstack local down --volumes" removes it)`;

  beforeAll(async () => {
    const dir = tempDir();
    registry = await startEmptyRegistry(dir);
    // CONTAINERS_REGISTRIES_CONF is read by podman only: plain HTTP to the loopback registry.
    const env = { ...base.env, CONTAINERS_REGISTRIES_CONF: registry.registriesConf };
    rt = { ...base, env, engine: createContainerEngine(base.name, { env }) };
  });

  afterAll(async () => {
    await registry?.close();
    for (const p of ['missing', 'unpullable', 'exits', 'cli', 'foreign'].map((s) => `${project}-${s}`)) {
      await down(rt.engine, { project: p }).catch(() => {});
      await rt.engine.remove(`${p}-other`).catch(() => {});
      await rt.engine.removeNetwork(`${p}_default`).catch(() => {});
      for (const v of ['cache', 'disc']) await rt.engine.removeVolume(`${p}_${v}`).catch(() => {});
    }
  });

  test('an image no registry has: the engine\'s "not found" error with the image and a hint, and nothing but the data volume left behind', async () => {
    const p = `${project}-missing`;
    const image = `${registry.host}/modelstack-test/missing:1`;
    const file = join(tempDir(), 'compose.yaml');
    writeFileSync(file, failingCompose(p, image, 'exec httpd -f -p 8080 -h /www'));
    const e = await rejection(up(await readComposeFile(file, { env: rt.env }), rt.engine, { timeoutMs: 60_000, pollIntervalMs: 200 }));
    expect(registry.manifestRequests()).toBeGreaterThan(0);
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toMatch(new RegExp(`^service first: image "${escape(image)}" was not found: .*(not found|manifest unknown)`, 'i'));
    expect(e.message).not.toMatch(/daemon/);
    expect(e.hint).toMatch(/load/);
    expect(e.hint).toContain('--image first=IMAGE');
    expect(e.details).toContain(`  removed network ${p}_default`);
    expect(e.details).toContain(`  ${keptLine(p)}`);
    expect(await leftovers(p)).toEqual(keptCache(p));
  }, 90_000);

  test("an image whose registry cannot be reached: the pull error names the image and the engine's reason, not the daemon", async () => {
    const p = `${project}-unpullable`;
    // Nothing listens on port 9 (discard) of loopback: every engine's pull gets "connection refused".
    const image = `127.0.0.1:9/modelstack-test/missing:1`;
    const file = join(tempDir(), 'compose.yaml');
    writeFileSync(file, failingCompose(p, image, 'exec httpd -f -p 8080 -h /www'));
    const e = await rejection(up(await readComposeFile(file, { env: rt.env }), rt.engine, { timeoutMs: 60_000, pollIntervalMs: 200 }));
    expect(e.code).toBe('CONTAINER_RUNTIME');
    expect(e.message).toMatch(new RegExp(`^service first: image "${escape(image)}" is not on this machine and could not be pulled: .*connection refused`));
    expect(e.message).not.toMatch(/daemon/);
    expect(e.hint).toMatch(/registry/);
    expect(e.hint).toContain('--image first=IMAGE');
    expect(await leftovers(p)).toEqual(keptCache(p));
  }, 90_000);

  test('a service that exits before it is ready: its exit code and last 20 log lines; up removes what it created but the data volume', async () => {
    const p = `${project}-exits`;
    const file = join(tempDir(), 'compose.yaml');
    // $$ is a literal $ in a compose file.
    writeFileSync(file, failingCompose(p, rt.image, 'i=0; while [ $$i -lt 30 ]; do i=$$((i+1)); echo "log line $$i"; done; exit 3'));
    const e = await rejection(up(await readComposeFile(file, { env: rt.env }), rt.engine, { timeoutMs: 60_000, pollIntervalMs: 200 }));
    expect(e.message).toBe('service first exited with code 3 before it was ready');
    const expectedLines = Array.from({ length: 20 }, (_, i) => `  log line ${i + 11}`);
    expect(e.details.slice(0, 22)).toEqual(['last log lines:', ...expectedLines, 'service second was not started: first did not become ready']);
    expect(e.details).toContain(`  removed ${p}-first`);
    expect(e.details).toContain(`  removed network ${p}_default`);
    expect(e.details).toContain(`  removed volume ${p}_disc`);
    expect(e.details).toContain(`  ${keptLine(p)}`);
    expect(await leftovers(p)).toEqual(keptCache(p));
  }, 90_000);

  test('the CLI: a failed up prints the exit code, the log lines and what it undid; --keep-on-failure keeps the container for "local logs"', async () => {
    const p = `${project}-cli`;
    const file = join(tempDir(), 'compose.yaml');
    writeFileSync(file, failingCompose(p, rt.image, 'echo "worker says goodbye"; exit 7'));
    const failed = await runCli(['up', '--file', file, '--timeout', '30']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('error: service first exited with code 7 before it was ready\n  last log lines:\n    worker says goodbye\n');
    expect(failed.stderr).toContain(`  undid what this up created:\n    removed ${p}-first\n`);
    expect(failed.stderr).toContain('hint: a failed up removes the containers it created: "modelstack local up --keep-on-failure" keeps them');
    expect(failed.stderr).toContain(`    ${keptLine(p)}\n`);
    expect(failed.stderr).not.toContain('    at ');
    expect(await leftovers(p)).toEqual(keptCache(p));

    const kept = await runCli(['up', '--file', file, '--timeout', '30', '--keep-on-failure']);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain('hint: see "modelstack local logs first"');
    expect(kept.stderr).not.toContain('undid');
    const logs = await runCli(['logs', '--file', file, 'first']);
    expect(logs).toMatchObject({ code: 0, stdout: 'worker says goodbye\n' });
    expect(await down(rt.engine, { project: p })).toMatchObject({ removed: [`${p}-first`], network: `${p}_default`, volumes: [`${p}_disc`] });
    expect(await leftovers(p)).toEqual(keptCache(p));
    // local down --volumes is how the data volume goes.
    const downVolumes = await runCli(['down', '-p', p, '--volumes']);
    expect(downVolumes).toMatchObject({ code: 0, stdout: `project ${p}: 0 container(s) removed, data volume(s) removed: ${p}_cache\n` });
    expect(await leftovers(p)).toEqual([]);
  }, 90_000);

  test("down leaves a network of the project's name that another tool created, and its running container, and says so", async () => {
    const p = `${project}-foreign`;
    const network = `${p}_default`;
    await cli(['network', 'create', '--label', 'org.example.tool=other', network]);
    await cli(['run', '-d', '--name', `${p}-other`, '--network', network, rt.image, 'sleep', '300']);
    const reason = `not created by modelstack for project ${p} (no label ${PROJECT_LABEL}=${p})`;

    const r = await down(rt.engine, { project: p });
    expect(r).toEqual({ project: p, removed: [], volumes: [], kept: [{ kind: 'network', name: network, reason }] });
    expect(await rt.engine.networkExists(network)).toBe(true);
    expect((await rt.engine.inspect(`${p}-other`))?.state).toBe('running');

    // The CLI prints the note.
    const cliDown = await runCli(['down', '-p', p]);
    expect(cliDown.code).toBe(0);
    expect(cliDown.stdout).toBe(`project ${p}: 0 container(s) removed\nleft network ${network}: ${reason}\n`);
    expect(await rt.engine.networkExists(network)).toBe(true);
    expect((await rt.engine.inspect(`${p}-other`))?.state).toBe('running');
  }, 60_000);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
