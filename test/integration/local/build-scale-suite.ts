// compose build: and replicas on one real engine: the image is built by the engine from a
// Dockerfile based on the test image (nothing is pulled), run with two replicas, scaled down
// and up on the running project, and a broken Dockerfile fails with the build's own error.
// nerdctl builds through BuildKit: setup-containers.sh builds buildctl and buildkitd and starts
// buildkitd (containerd worker, nerdctl's namespace); BUILDKIT_HOST in the env file names it.
// The error without buildctl is covered by test/local/container-engine/build-args.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { down } from '../../../src/local/run/down.js';
import { ps } from '../../../src/local/run/ps.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { up } from '../../../src/local/run/up.js';
import { createContainerEngine } from '../../../src/local/container-engine/detect.js';
import { removeTempDirs, tempDir } from '../../support/paths.js';
import { type EngineUnderTest, uniqueProject } from './engine-env.js';
import { rejection } from '../../support/thrown.js';

/** A context whose image serves /www/built.txt with the build arg in it. */
function context(baseImage: string, greeting: string, broken = false): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'greeting.txt'), `${greeting}\n`);
  writeFileSync(
    join(dir, 'app', 'Dockerfile.test'),
    [
      `FROM ${baseImage}`,
      'ARG GREETING=unset',
      broken ? 'COPY no-such-file.txt /www/' : 'COPY greeting.txt /www/greeting.txt',
      'RUN echo "built with $GREETING" > /www/built.txt',
      'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
      '',
    ].join('\n'),
  );
  return dir;
}

function compose(project: string, replicas: number): string {
  return `name: ${project}
services:
  web:
    build: {context: ./app, dockerfile: Dockerfile.test, args: {GREETING: from-args}}
    ports: ["127.0.0.1::8080"]
    deploy: {replicas: ${replicas}}
    x-modelstack: {model: demo, role: worker, health: {port: 8080, path: /built.txt}}
`;
}

async function get(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${(await res.text()).trim()}`;
}

export function buildScaleSuite(rt: EngineUnderTest): void {
  const project = uniqueProject(`ms-bs-${rt.name}`);
  const opts = { timeoutMs: 120_000, pollIntervalMs: 200 };

  afterAll(async () => {
    await down(rt.engine, { project }).catch(() => {});
    removeTempDirs();
  });

  test('build: the engine builds the image (no pull), and both replicas run it', async () => {
    const dir = context(rt.image, 'hello');
    const io = new RecordingIoHost();
    const r = await up(loadComposeText(compose(project, 2), { projectDir: dir, env: {} }), rt.engine, { ...opts, io });
    expect(r.services.map((s) => [s.container, s.action])).toEqual([
      [`${project}-web`, 'created'],
      [`${project}-web-2`, 'created'],
    ]);
    for (const s of r.services) expect(await get(s.url!)).toBe('200 built with from-args');
    expect(new Set(r.services.map((s) => s.url)).size).toBe(2);
    expect(io.text('info')).toContain(`web: building ${project}-web with ${rt.name} from ${join(dir, 'app')}`);
    expect(io.messages.filter((m) => m.code === 'LOCAL_BUILD_OUTPUT').length).toBeGreaterThan(0);
    const containers = await ps(rt.engine, { project });
    expect(containers.map((c) => c.labels['modelstack.io/image-id'])).toEqual([expect.stringMatching(/\S/), expect.stringMatching(/\S/)]);

    // Scaled down on the running project: replica 2 goes, replica 1 is left running as it is.
    const before = containers.find((c) => c.name === `${project}-web`)!.id;
    const down1 = await up(loadComposeText(compose(project, 2), { projectDir: dir, env: {} }), rt.engine, { ...opts, scale: { web: 1 } });
    expect(down1.scaledDown).toEqual([`${project}-web-2`]);
    expect(down1.services.map((s) => s.action)).toEqual(['unchanged']);
    expect((await ps(rt.engine, { project })).map((c) => [c.name, c.id])).toEqual([[`${project}-web`, before]]);

    // And up again to 3.
    const up3 = await up(loadComposeText(compose(project, 1), { projectDir: dir, env: {} }), rt.engine, { ...opts, scale: { web: 3 } });
    expect(up3.services.map((s) => s.action)).toEqual(['unchanged', 'created', 'created']);
    expect((await ps(rt.engine, { project })).length).toBe(3);
  }, 240_000);

  test("a broken Dockerfile: up fails with the build's own error and starts nothing", async () => {
    const dir = context(rt.image, 'x', true);
    const p = `${project}-broken`;
    const e = await rejection(up(loadComposeText(compose(p, 1), { projectDir: dir, env: {} }), rt.engine, opts));
    expect(e.message).toMatch(new RegExp(`^service web: ${rt.name} could not build ${p}-web from ${join(dir, 'app')}: .*no-such-file\\.txt`));
    expect(e.details.join('\n')).toMatch(/no-such-file\.txt/);
    expect(await ps(rt.engine, { project: p })).toEqual([]);
  }, 120_000);

  test('replicas of an image service: distinct containers on free host ports, both ready, then scaled down to 1', async () => {
    const p = `${project}-img`;
    const text = `name: ${p}
services:
  web:
    image: ${rt.image}
    command: [sh, -c, "echo ok > /www/health; exec httpd -f -p 8080 -h /www"]
    ports: ["127.0.0.1::8080"]
    deploy: {replicas: 2}
    x-modelstack: {model: demo, role: worker, health: {port: 8080, path: /health}}
`;
    try {
      const r = await up(loadComposeText(text, { env: {} }), rt.engine, opts);
      expect(r.services.map((s) => s.container)).toEqual([`${p}-web`, `${p}-web-2`]);
      for (const s of r.services) expect(await get(s.url!)).toBe('200 ok');
      expect(new Set(r.services.map((s) => s.url)).size).toBe(2);
      const scaled = await up(loadComposeText(text, { env: {} }), rt.engine, { ...opts, scale: { web: 1 } });
      expect(scaled.scaledDown).toEqual([`${p}-web-2`]);
      expect((await ps(rt.engine, { project: p })).map((c) => c.name)).toEqual([`${p}-web`]);
    } finally {
      await down(rt.engine, { project: p }).catch(() => {});
    }
  }, 120_000);

  if (rt.name === 'nerdctl')
    test('nerdctl with BUILDKIT_HOST naming no buildkitd: a clear error with the reason, nothing started', async () => {
      // nerdctl v2.2.2 exits 1 and prints nothing then.
      const host = `unix://${join(tempDir(), 'no-buildkitd.sock')}`;
      const engine = createContainerEngine('nerdctl', { env: { ...rt.env, BUILDKIT_HOST: host } });
      const dir = context(rt.image, 'x');
      const p = `${project}-nobk`;
      const e = await rejection(up(loadComposeText(compose(p, 1), { projectDir: dir, env: {} }), engine, opts));
      expect(e.message).toMatch(
        new RegExp(
          `^service web: nerdctl cannot build images here: it builds through BuildKit, and no buildkitd answers at ${host} \\(BUILDKIT_HOST\\): .*no such file or directory`,
        ),
      );
      expect(e.hint).toMatch(/buildkitd/);
      expect(await ps(rt.engine, { project: p })).toEqual([]);
    });
}
