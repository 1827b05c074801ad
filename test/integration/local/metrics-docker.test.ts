// `modelstack local metrics` on a real docker: a busybox httpd stands in for a Dynamo frontend
// (serving recorded-style frontend metric text at /metrics on its published port) and another
// for a model whose published port serves no metrics. See test/local/RUNTIMES.md for the engines.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/main.js';
import { down } from '../../../src/local/run/down.js';
import { readComposeFile } from '../../../src/local/run/read-compose-file.js';
import { up } from '../../../src/local/run/up.js';
import { removeTempDirs, tempDir } from '../../support/paths.js';
import { freePort } from './engine-suite.js';
import { describeWith, gate, uniqueProject } from './engine-env.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'metrics', 'dynamo-frontend.t1.txt');

const g = await gate('docker');
describeWith('local metrics on docker', [g], ([rt]) => {
  const project = uniqueProject('ms-metrics');
  let file = '';

  beforeAll(async () => {
    const [a, b] = [await freePort(), await freePort()];
    file = join(tempDir(), 'compose.yaml');
    writeFileSync(
      file,
      `name: ${project}
services:
  frontend:
    image: ${rt!.image}
    command: [sh, -c, "mkdir -p /www && cp /etc/fixture.txt /www/metrics && echo ok > /www/health && exec httpd -f -p 8000 -h /www"]
    ports: ["127.0.0.1:${a}:8000"]
    configs: [{source: fixture, target: /etc/fixture.txt}]
    labels: {modelstack.io/model: qwen3, modelstack.io/runtime: dynamo, modelstack.io/role: frontend}
    x-modelstack: {model: qwen3, role: frontend, health: {port: 8000, path: /health}}
  head:
    image: ${rt!.image}
    command: [sh, -c, "mkdir -p /www && echo ok > /www/health && exec httpd -f -p 8000 -h /www"]
    ports: ["127.0.0.1:${b}:8000"]
    labels: {modelstack.io/model: qwen, modelstack.io/runtime: kuberay, modelstack.io/role: head}
    x-modelstack: {model: qwen, role: head, health: {port: 8000, path: /health}}
configs:
  fixture:
    content: ${JSON.stringify(readFileSync(FIXTURE, 'utf8'))}
`,
    );
    await up(await readComposeFile(file, { env: rt!.env }), rt!.engine, { timeoutMs: 60_000, pollIntervalMs: 200 });
  }, 120_000);

  afterAll(async () => {
    await down(rt!.engine, { project }).catch(() => {});
    removeTempDirs();
  }, 60_000);

  test('the metrics table from the published ports; a model without metrics is an error, exit 2', async () => {
    let stdout = '';
    let stderr = '';
    // The CLI reads the engine's address (DOCKER_HOST of the private daemon) from its environment.
    const saved = { ...process.env };
    Object.assign(process.env, rt!.env);
    const code = await runCli(['local', 'metrics', '--file', file, '--engine', 'docker', '--interval', '1'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    }).finally(() => {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    });
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^qwen3 \(dynamo\): http:\/\/127\.0\.0\.1:\d+\/metrics, over 1\.\d+s\nMETRIC /);
    expect(stdout).toMatch(/\nrequests running +5 +dynamo_frontend_inflight_requests\n/);
    expect(stdout).toMatch(/\nrequest rate +0\.00 req\/s +dynamo_frontend_requests_total\n/); // the same text twice: no new requests
    expect(stdout).toMatch(/\nTTFT p95 +- +dynamo_frontend_time_to_first_token_seconds_bucket\n/);
    expect(stdout).toMatch(/\nKV-cache usage +n\/a +-\n/);
    expect(stdout).toMatch(
      new RegExp(
        `error: ${project}/qwen: no published port of model qwen serves Prometheus text at /metrics \\(tried http://127\\.0\\.0\\.1:\\d+/metrics\\)\\n`,
      ),
    );
  }, 60_000);
});
