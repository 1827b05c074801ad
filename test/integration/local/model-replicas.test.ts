// A Dynamo model's worker replicas in a real local run, on one engine (docker): the compose file
// buildCompose writes for decode replicas 2 (cpu profile, so no GPUs) is run by `up` with the test
// image standing in for every service. `up` starts two decode containers from the file's
// deploy.replicas, each on its own free host port, and the frontend only once both are ready.
import { parse, stringify } from 'yaml';
import { DynamoModel, secretKey } from '../../../index.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { down } from '../../../src/local/run/down.js';
import { ps } from '../../../src/local/run/ps.js';
import { up } from '../../../src/local/run/up.js';
import { stacksOf } from '../../local/compose/compose-fixtures.js';
import { describeWith, gate, type EngineUnderTest, uniqueProject } from './engine-env.js';

interface Svc {
  image: string;
  entrypoint?: string[];
  command?: string[] | null;
  ports?: string[];
  deploy?: { replicas?: number };
  'x-modelstack': { health?: { port: number; path: string } };
}

/** The file as buildCompose writes it, with busybox httpd answering each service's health check. */
function standIn(project: string, image: string): { text: string; decode: Svc } {
  const file = buildCompose(
    stacksOf((s) => {
      new DynamoModel(s, 'dyn', {
        model: 'Qwen/Qwen3-0.6B',
        mode: 'disaggregated',
        replicas: { prefill: 1, decode: 2 },
        hfTokenSecret: secretKey('hf-token', 'token'),
      });
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
  }
  // Fixed host ports could clash with other runs on this machine; the replicated decode keeps the
  // free one buildCompose gave it.
  for (const name of ['dyn-frontend', 'dyn-prefill']) doc.services[name]!.ports = [`127.0.0.1::${doc.services[name]!['x-modelstack'].health!.port}`];
  return { text: stringify(doc), decode: doc.services['dyn-decode']! };
}

function suite(rt: EngineUnderTest): void {
  const project = uniqueProject(`ms-replicas-${rt.name}`);
  afterAll(async () => {
    await down(rt.engine, { project }).catch(() => {});
  });

  test('decode replicas 2: two decode containers, each ready on its own host port, then the frontend', async () => {
    const { text, decode } = standIn(project, rt.image);
    expect(decode.deploy).toEqual({ replicas: 2 });
    expect(decode.ports).toEqual(['127.0.0.1::9090']);
    const io = new RecordingIoHost();
    const r = await up(loadComposeText(text, { env: {} }), rt.engine, { io, timeoutMs: 90_000, pollIntervalMs: 200 });
    expect(r.services.map((s) => s.container).sort()).toEqual(
      [`${project}-dyn-decode`, `${project}-dyn-decode-2`, `${project}-dyn-frontend`, `${project}-dyn-prefill`].sort(),
    );
    const decodes = r.services.filter((s) => s.service === 'dyn-decode');
    expect(new Set(decodes.map((s) => s.url)).size).toBe(2);
    for (const s of decodes) expect((await fetch(s.url!)).status).toBe(200);
    const info = io.text('info');
    const lastDecodeReady = info.reduce((at, m, i) => (m.startsWith('dyn-decode: ready after') ? i : at), -1);
    expect(info.filter((m) => m.startsWith('dyn-decode: ready after'))).toHaveLength(2);
    expect(info.findIndex((m) => m.startsWith('dyn-frontend: created'))).toBeGreaterThan(lastDecodeReady);
    expect((await ps(rt.engine, { project })).filter((c) => c.service === 'dyn-decode').map((c) => c.state)).toEqual(['running', 'running']);
  }, 120_000);
}

const g = await gate('docker');
describeWith('Dynamo worker replicas on docker', [g], ([rt]) => suite(rt!));
