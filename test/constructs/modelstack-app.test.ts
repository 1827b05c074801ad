import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart } from 'cdk8s';
import {
  collectErrors,
  DynamoModel,
  formatErrors,
  Model,
  ModelStack,
  ModelstackApp,
  RayModel,
  RuntimeOperator,
  SYNTH_REPORT_ENV,
  type SynthReport,
} from '../../index.js';
import { removeTempDirs, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

/** An app with mistakes in four constructs of two stacks. */
function brokenApp(outdir?: string): ModelstackApp {
  const app = new ModelstackApp(outdir ? { outdir } : {});
  const a = new ModelStack(app, 'a');
  new DynamoModel(a, 'd', { model: 'm/m', image: 'vllm:latest' });
  new RayModel(a, 'r', { model: 'm/m', engine: 'sglang' });
  const b = new ModelStack(app, 'b');
  new Model(b, 'x', { runtime: 'kuberay', model: 'm/m', router: 'kv' });
  new RuntimeOperator(b, 'op', { runtime: 'dynamo', version: 'latest' });
  return app;
}

function goodApp(outdir?: string): ModelstackApp {
  const app = new ModelstackApp(outdir ? { outdir } : {});
  const stack = new ModelStack(app, 'inference', { stackName: 'prod' });
  new DynamoModel(stack, 'd', { model: 'm/m' });
  new Chart(app, 'extra');
  return app;
}

const BROKEN_ERRORS = [
  {
    path: 'a/d',
    message:
      'image: "vllm:latest" is not pinned to a version (no tag, or "latest"). ' +
      'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
  },
  {
    path: 'a/r',
    message: 'engine: "sglang" is not served by runtime "kuberay" (KubeRay serves vllm only). Fix: use engine: "vllm", or runtime: "dynamo"',
  },
  {
    path: 'b/x',
    message:
      'router: "kv" is not available on runtime "kuberay" (KV-aware routing is Dynamo-only). ' +
      'Fix: remove router (round-robin is used), or set runtime: "dynamo"',
  },
  { path: 'b/op', message: 'version: "latest" is not valid. Fix: pin an exact chart version like "1.4.0"' },
];

describe('collectErrors and report', () => {
  test('every error of every stack, in tree order, in one list', () => {
    expect(collectErrors(brokenApp())).toEqual(BROKEN_ERRORS);
  });

  test('report() of a broken app lists all errors and no charts', () => {
    expect(brokenApp().report()).toEqual({ ok: false, errors: BROKEN_ERRORS, charts: [] });
  });

  test('report() of a valid app lists every chart with its objects; stacks carry their name', () => {
    const report = goodApp().report();
    expect(report.ok).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.charts.map((c) => [c.id, c.stackName, c.objects.length])).toEqual([
      ['inference', 'prod', 1],
      ['extra', undefined, 0],
    ]);
    expect(report.charts[1]).not.toHaveProperty('stackName');
    expect(report.charts[0]!.objects[0]!.kind).toBe('DynamoGraphDeployment');
  });

  test('report() gives each stack the descriptors of its models; other charts have none', () => {
    const report = goodApp().report();
    expect(report.charts[0]!.models).toEqual([
      {
        runtime: 'dynamo',
        apiVersion: 'nvidia.com/v1beta1',
        kind: 'DynamoGraphDeployment',
        namespace: 'default',
        name: 'd',
        engine: 'vllm',
        model: 'm/m',
        servedModelName: 'm/m',
        tensorParallelSize: 1,
        gpusPerEngine: 1,
      },
    ]);
    expect(report.charts[1]).not.toHaveProperty('models');
  });
});

describe('formatErrors', () => {
  test('one line per error, prefixed with the construct path', () => {
    expect(formatErrors([{ path: 'a/b', message: 'x: 1 is bad. Fix: do y' }])).toBe('The stack has 1 problem:\n  [a/b] x: 1 is bad. Fix: do y\n');
    expect(formatErrors(BROKEN_ERRORS).split('\n')).toEqual(['The stack has 4 problems:', ...BROKEN_ERRORS.map((e) => `  [${e.path}] ${e.message}`), '']);
  });
});

describe('ModelstackApp.synth', () => {
  const saved = { env: process.env[SYNTH_REPORT_ENV], exitCode: process.exitCode, write: process.stderr.write };
  afterEach(() => {
    if (saved.env === undefined) delete process.env[SYNTH_REPORT_ENV];
    else process.env[SYNTH_REPORT_ENV] = saved.env;
    process.exitCode = saved.exitCode;
    process.stderr.write = saved.write;
  });

  test('with the report variable set, it writes the report and no manifests', () => {
    const dir = tempDir();
    const outdir = join(dir, 'out');
    process.env[SYNTH_REPORT_ENV] = join(dir, 'report.json');
    brokenApp(outdir).synth();
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as SynthReport;
    expect(report).toEqual({ ok: false, errors: BROKEN_ERRORS, charts: [] });
    expect(readdirSync(dir)).toEqual(['report.json']);

    goodApp(outdir).synth();
    const good = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as SynthReport;
    expect(good.ok).toBe(true);
    expect(good.charts.map((c) => c.id)).toEqual(['inference', 'extra']);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test('on its own with errors, it prints the list, sets exit code 1 and writes nothing', () => {
    delete process.env[SYNTH_REPORT_ENV];
    const dir = tempDir();
    const written: string[] = [];
    process.stderr.write = ((t: string | Uint8Array) => {
      written.push(String(t));
      return true;
    }) as typeof process.stderr.write;
    brokenApp(join(dir, 'out')).synth();
    expect(written.join('')).toBe(formatErrors(BROKEN_ERRORS));
    expect(process.exitCode).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('on its own without errors, it writes one file per chart', () => {
    delete process.env[SYNTH_REPORT_ENV];
    const dir = tempDir();
    goodApp(dir).synth();
    expect(readdirSync(dir).sort()).toEqual(['extra.k8s.yaml', 'inference.k8s.yaml']);
    expect(readFileSync(join(dir, 'inference.k8s.yaml'), 'utf8')).toContain('kind: DynamoGraphDeployment');
  });
});
