// A ModelCache in a local run, on one real engine: the compose file buildCompose writes for a
// cached model (a named volume, a one-shot download service, the engine waiting for it to complete)
// run through `up` and `down`. The test image stands in for the downloader and the engine
// (`--image SERVICE=IMAGE`); the download service runs the real download script, with a shell
// function standing in for the `hf` CLI, and the engine service a script that reads the weights.
// Part of the shared engine suite (engine-suite.ts), so it runs on docker, podman and nerdctl.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoModel, ModelCache, secretKey } from '../../../index.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import type { ComposeFile, ComposeService } from '../../../src/local/compose/compose-types.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { createContainerEngine } from '../../../src/local/container-engine/detect.js';
import { down } from '../../../src/local/run/down.js';
import { parseImageOverrides } from '../../../src/local/run/image-overrides.js';
import { projectLogs } from '../../../src/local/run/logs.js';
import { ps } from '../../../src/local/run/ps.js';
import { readComposeFile } from '../../../src/local/run/read-compose-file.js';
import { up } from '../../../src/local/run/up.js';
import { tempDir } from '../../support/paths.js';
import { rejection } from '../../support/thrown.js';
import { stacksOf } from '../../local/compose/compose-fixtures.js';
import { freePort } from './engine-suite.js';
import { type EngineUnderTest, uniqueProject } from './engine-env.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const REV = 'c1899de289a04d12100db370d81485cdf75e47ca';
const MODEL_DIR = `/model-cache/models/Qwen--Qwen3-0.6B/${REV}`;
const TOKEN = 'hf_modelstack_cache_test_token';

/**
 * Stands in for `hf download MODEL --revision REV --local-dir DIR`: says what it was asked,
 * writes a file into DIR and counts the downloads in the volume. `fail` makes it fail instead.
 */
function standInHf(fail: boolean): string {
  return fail
    ? 'hf() { echo "stand-in hf: $*"; echo "stand-in hf: 401 Client Error: Unauthorized"; return 3; }'
    : [
        'hf() {',
        '  echo "stand-in hf: $* token=${HF_TOKEN:-unset}"',
        '  mkdir -p "$6" && echo "weights of $2@$4" > "$6/config.json"',
        '  echo "$2@$4" >> /model-cache/stand-in-downloads',
        '}',
      ].join('\n');
}

/** Stands in for the engine server: prints what it finds in the cache, then serves /health on 8000. */
const STAND_IN_ENGINE = [
  `echo "engine: offline=$HF_HUB_OFFLINE marker=$(cat ${MODEL_DIR}/.modelstack-complete) weights=$(cat ${MODEL_DIR}/config.json) downloads=$(wc -l < /model-cache/stand-in-downloads)"`,
  'if touch /model-cache/probe 2>/dev/null; then echo "engine: the cache is writable"; else echo "engine: the cache is read-only"; fi',
  'mkdir -p /www && echo ok > /www/health && exec httpd -f -p 8000 -h /www',
].join('\n');

/** `$` as compose reads it back: the file is written with every `$` escaped. */
const escaped = (s: string): string => s.replaceAll('$', () => '$$');

/**
 * The compose file of a cached model (engine flavor, no GPUs), with the download's script run
 * after the stand-in `hf` and the engine's command replaced by the stand-in engine.
 */
function cachedModelCompose(
  project: string,
  hostPortBase: number,
  opts: { failingDownload?: boolean; failingEngine?: boolean; hostIpc: boolean },
): ComposeFile {
  const stacks = stacksOf((s) => {
    const cache = new ModelCache(s, 'weights', {
      model: MODEL,
      revision: REV,
      size: '1Gi',
      hfTokenSecret: secretKey('hf-token', 'token'),
      // An image of one's own has the hf CLI: the script does not pip-install it.
      downloaderImage: 'registry.example/hf-cli:1',
    });
    new DynamoModel(s, 'qwen', { model: MODEL, cache, gpusPerWorker: 0 });
  });
  const file = buildCompose(stacks, { flavor: 'engine', project, hostPortBase });
  expect(Object.keys(file.services)).toEqual(['weights-download', 'qwen-engine']);
  const download = file.services['weights-download']!;
  const engine = file.services['qwen-engine']!;
  // What buildCompose wrote: the real download script, and an engine loading the cache's directory.
  expect(download.entrypoint!.slice(0, 2)).toEqual(['sh', '-c']);
  expect(engine.command).toContain(MODEL_DIR);
  const script = download.entrypoint![2]!;
  expect(engine.ipc).toBe('host');
  const { command: _engineArgs, ipc, ...engineRest } = engine;
  const engineScript = opts.failingEngine ? `${STAND_IN_ENGINE.split('\n')[0]}\necho "engine: out of memory"; exit 1` : STAND_IN_ENGINE;
  const engineStandIn: ComposeService = { ...engineRest, ...(opts.hostIpc ? { ipc } : {}), entrypoint: ['sh', '-c', escaped(engineScript)] };
  return {
    ...file,
    services: {
      'weights-download': { ...download, entrypoint: ['sh', '-c', `${escaped(standInHf(opts.failingDownload === true))}\n${script}`] },
      'qwen-engine': engineStandIn,
    },
  };
}

export function cacheSuite(base: EngineUnderTest): void {
  const project = uniqueProject(`ms-cache-${base.name}`);
  const failing = `${project}-fail`;
  const retry = `${project}-retry`;
  // HF_TOKEN is in the environment the engine CLI runs with, never in its arguments.
  const env = { ...base.env, HF_TOKEN: TOKEN };
  const rt: EngineUnderTest = { ...base, env, engine: createContainerEngine(base.name, { env }) };
  const images = () => parseImageOverrides([`weights-download=${rt.image}`, `qwen-engine=${rt.image}`]);
  let file = '';
  // nerdctl (runc) mounts the host's /dev/mqueue for host IPC, which this sandbox does not have;
  // docker and podman do not need it. The stand-in engine uses no shared memory either way.
  const hostIpc = rt.name !== 'nerdctl' || existsSync('/dev/mqueue');

  const logsOf = async (p: string, service: string): Promise<string[]> => {
    const lines: string[] = [];
    await projectLogs(rt.engine, { project: p, services: [service], onLine: (_s, l) => lines.push(l.text) });
    return lines;
  };
  const upOnce = async (path: string, io = new RecordingIoHost()) =>
    up(await readComposeFile(path, { env }), rt.engine, { io, images: images(), timeoutMs: 90_000, pollIntervalMs: 200 });

  beforeAll(async () => {
    file = join(tempDir(), 'compose.yaml');
    writeFileSync(file, renderCompose(cachedModelCompose(project, await freePort(), { hostIpc })));
  });

  afterAll(async () => {
    for (const p of [project, failing, retry]) {
      await down(rt.engine, { project: p }).catch(() => {});
      for (const v of ['weights', 'hf-cache']) await rt.engine.removeVolume(`${p}_${v}`).catch(() => {});
    }
  });

  test('first up: the download runs to completion into the cache volume, then the engine starts and reads the weights read-only', async () => {
    const io = new RecordingIoHost();
    const r = await upOnce(file, io);
    expect(r.services.map((s) => [s.service, s.action])).toEqual([
      ['weights-download', 'created'],
      ['qwen-engine', 'created'],
    ]);
    const messages = io.text();
    const completed = messages.findIndex((m) => /^weights-download: completed after \d+\.\ds$/.test(m));
    expect(completed).toBeGreaterThanOrEqual(0);
    expect(completed).toBeLessThan(messages.findIndex((m) => m.startsWith('qwen-engine: created')));
    expect((await ps(rt.engine, { project })).map((c) => [c.service, c.state])).toEqual([
      ['qwen-engine', 'running'],
      ['weights-download', 'exited'],
    ]);

    // The real script ran the stand-in once, with the token from the caller's environment.
    expect(await logsOf(project, 'weights-download')).toEqual([
      `stand-in hf: download ${MODEL} --revision ${REV} --local-dir ${MODEL_DIR} token=${TOKEN}`,
      `modelstack: downloaded ${MODEL}@${REV}`,
    ]);
    expect(await logsOf(project, 'qwen-engine')).toEqual([
      `engine: offline=1 marker=${REV} weights=weights of ${MODEL}@${REV} downloads=1`,
      'engine: the cache is read-only',
    ]);
    const res = await fetch(r.services[1]!.url!);
    expect(res.status).toBe(200);
  }, 120_000);

  test('down keeps the cache volume; the second up reuses it: the download finds the marker and exits at once', async () => {
    const d = await down(rt.engine, { project });
    expect([...d.removed].sort()).toEqual([`${project}-qwen-engine`, `${project}-weights-download`]);
    expect(d.kept).toContainEqual(expect.objectContaining({ kind: 'volume', name: `${project}_weights` }));
    expect(await rt.engine.volumeExists(`${project}_weights`)).toBe(true);
    expect(await ps(rt.engine, { project })).toEqual([]);

    const r = await upOnce(file);
    expect(r.services.map((s) => [s.service, s.action])).toEqual([
      ['weights-download', 'created'],
      ['qwen-engine', 'created'],
    ]);
    expect(await logsOf(project, 'weights-download')).toEqual([`modelstack: ${MODEL}@${REV} is already in the cache`]);
    expect(await logsOf(project, 'qwen-engine')).toEqual([
      `engine: offline=1 marker=${REV} weights=weights of ${MODEL}@${REV} downloads=1`,
      'engine: the cache is read-only',
    ]);

    // up again without down: the exited download runs again (and finds the marker), the engine is left alone.
    const again = await upOnce(file);
    expect(again.services.map((s) => [s.service, s.action])).toEqual([
      ['weights-download', 'started'],
      ['qwen-engine', 'unchanged'],
    ]);
    expect(await down(rt.engine, { project })).toMatchObject({ kept: expect.arrayContaining([expect.objectContaining({ name: `${project}_weights` })]) });
    expect(await rt.engine.volumeExists(`${project}_weights`)).toBe(true);
  }, 180_000);

  test('a download that fails: up fails with its exit code and last log lines, and the engine is never started', async () => {
    const failFile = join(tempDir(), 'compose.yaml');
    writeFileSync(failFile, renderCompose(cachedModelCompose(failing, await freePort(), { failingDownload: true, hostIpc })));
    const e = await rejection(upOnce(failFile));
    expect(e.message).toBe('service weights-download exited with code 3');
    expect(e.details.slice(0, 4)).toEqual([
      'last log lines:',
      `  stand-in hf: download ${MODEL} --revision ${REV} --local-dir ${MODEL_DIR}`,
      '  stand-in hf: 401 Client Error: Unauthorized',
      'service qwen-engine was not started: weights-download did not complete successfully',
    ]);
    expect(e.details).toContain(`  removed ${failing}-weights-download`);
    expect(await ps(rt.engine, { project: failing })).toEqual([]);
  }, 120_000);

  test('an up that fails after the download keeps the cache volume (and says so); the retry does not download again; down --volumes removes it', async () => {
    const failFile = join(tempDir(), 'compose.yaml');
    const port = await freePort();
    writeFileSync(failFile, renderCompose(cachedModelCompose(retry, port, { failingEngine: true, hostIpc })));
    const e = await rejection(upOnce(failFile));
    expect(e.message).toBe('service qwen-engine exited with code 1 before it was ready');
    expect(e.details).toContain(`  removed ${retry}-weights-download`);
    expect(e.details).toContain(`  removed ${retry}-qwen-engine`);
    expect(e.details).toContain(
      `  kept volume ${retry}_weights: it may hold downloaded models, which the next up reuses ("modelstack local down --volumes" removes it)`,
    );
    expect(e.details).toContain(`  removed network ${retry}_default`);
    expect(await ps(rt.engine, { project: retry })).toEqual([]);
    expect(await rt.engine.networkExists(`${retry}_default`)).toBe(false);
    expect(await rt.engine.volumeExists(`${retry}_weights`)).toBe(true);

    // The retry (the engine fixed) finds the weights of the failed up: one download in all.
    const okFile = join(tempDir(), 'compose.yaml');
    writeFileSync(okFile, renderCompose(cachedModelCompose(retry, port, { hostIpc })));
    await upOnce(okFile);
    expect(await logsOf(retry, 'weights-download')).toEqual([`modelstack: ${MODEL}@${REV} is already in the cache`]);
    expect(await logsOf(retry, 'qwen-engine')).toEqual([
      `engine: offline=1 marker=${REV} weights=weights of ${MODEL}@${REV} downloads=1`,
      'engine: the cache is read-only',
    ]);

    // down keeps it; down --volumes removes every data volume of the project, and only those.
    expect((await down(rt.engine, { project: retry })).kept.map((k) => k.name)).toContain(`${retry}_weights`);
    expect(await rt.engine.volumeExists(`${retry}_weights`)).toBe(true);
    const d = await down(rt.engine, { project: retry, volumes: true });
    expect([...(d.dataVolumes ?? [])].sort()).toEqual([`${retry}_hf-cache`, `${retry}_weights`]);
    expect(d.kept).toEqual([]);
    expect(await rt.engine.volumeExists(`${retry}_weights`)).toBe(false);
    expect(await rt.engine.volumeExists(`${project}_weights`)).toBe(true);
  }, 180_000);
}
