// The cpu profile's compose file on each real engine, one engine after the other, with the test
// image standing in for every service (the Dynamo and vLLM images cannot be pulled here): each
// service serves its own health path on its health port, so the file's service graph and
// readiness wiring run for real: workers first, the frontend only once both are healthy.
import { parse, stringify } from 'yaml';
import { Model, secretKey } from '../../../index.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { down } from '../../../src/local/run/down.js';
import { up } from '../../../src/local/run/up.js';
import { stacksOf } from '../../local/compose/compose-fixtures.js';
import { describeWith, gate, type EngineUnderTest, uniqueProject } from './engine-env.js';

interface Svc {
  image: string;
  entrypoint?: string[];
  command?: string[] | null;
  ports?: string[];
  'x-modelstack': { health?: { port: number; path: string } };
}

/** The cpu profile's file with every service replaced by busybox httpd answering its health check. */
function standIn(project: string, image: string): string {
  const file = buildCompose(
    stacksOf((s) => {
      new Model(s, 'dyn', { runtime: 'dynamo', model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', hfTokenSecret: secretKey('hf-token', 'token') });
    }),
    { profile: 'cpu', project },
  );
  const doc = parse(renderCompose(file)) as { services: Record<string, Svc> };
  for (const s of Object.values(doc.services)) {
    const h = s['x-modelstack'].health!;
    const dir = `/www${h.path.replace(/\/[^/]*$/, '')}`;
    s.image = image;
    s.entrypoint = ['sh', '-c', `mkdir -p ${dir} && echo ok > /www${h.path} && exec httpd -f -p ${h.port} -h /www`];
    s.command = null;
    // A free host port each: fixed ones could clash with other runs on this machine.
    s.ports = [`127.0.0.1::${h.port}`];
  }
  return stringify(doc);
}

function suite(rt: EngineUnderTest): void {
  const project = uniqueProject(`ms-cpu-${rt.name}`);
  afterAll(async () => {
    await down(rt.engine, { project }).catch(() => {});
  });

  test('the workers become ready first, then the frontend; every service passes readiness from the host', async () => {
    const io = new RecordingIoHost();
    const r = await up(loadComposeText(standIn(project, rt.image), { env: {} }), rt.engine, { io, timeoutMs: 90_000, pollIntervalMs: 200 });
    expect(r.services.map((s) => s.service).sort()).toEqual(['dyn-decode', 'dyn-frontend', 'dyn-prefill']);
    const ready = (svc: string): number => io.text('info').findIndex((m) => m.startsWith(`${svc}: ready after`));
    const frontendCreated = io.text('info').findIndex((m) => m.startsWith('dyn-frontend: created'));
    expect(ready('dyn-prefill')).toBeGreaterThanOrEqual(0);
    expect(ready('dyn-decode')).toBeGreaterThanOrEqual(0);
    expect(frontendCreated).toBeGreaterThan(ready('dyn-prefill'));
    expect(frontendCreated).toBeGreaterThan(ready('dyn-decode'));
    for (const s of r.services) expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(health|live)/);
  }, 120_000);
}

for (const name of ['docker', 'podman', 'nerdctl'] as const) {
  const g = await gate(name);
  describeWith(`cpu profile wiring on ${name}`, [g], ([rt]) => suite(rt!));
}
