import { cliContext } from '../../support/cli-context.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCommand, listTable } from '../../../src/cli/commands/list-command.js';
import { RecordingIoHost, Toolkit } from '../../../src/toolkit/index.js';
import type { ListResult, ModelRow } from '../../../src/list/list-models.js';
import { FakeApiServer, notFound, writeKubeconfig } from '../../support/fake-apiserver.js';

const model = (over: Partial<ModelRow>): ModelRow => ({
  runtime: 'kuberay',
  kind: 'RayService',
  namespace: 'llm',
  name: 'qwen',
  phase: 'Ready',
  ready: 2,
  desired: 2,
  stack: 'prod',
  message: 'ok',
  ...over,
});

describe('listTable', () => {
  const result: ListResult = {
    models: [
      model({}),
      model({
        runtime: 'dynamo',
        kind: 'DynamoGraphDeployment',
        namespace: 'team-b',
        name: 'big',
        phase: 'Deploying',
        ready: 1,
        desired: 4,
        stack: null,
        message: 'state pending',
      }),
    ],
    notes: [],
    listed: ['dynamo', 'kuberay'],
    forbidden: [],
  };

  test('one namespace: no NAMESPACE column; ready/desired; - for no stack', () => {
    expect(listTable(result, false)).toBe(
      [
        'NAME  RUNTIME  KIND                   PHASE      READY  STACK  MESSAGE',
        'qwen  kuberay  RayService             Ready      2/2    prod   ok',
        'big   dynamo   DynamoGraphDeployment  Deploying  1/4    -      state pending',
        '',
      ].join('\n'),
    );
  });

  test('all namespaces: a NAMESPACE column first', () => {
    const lines = listTable(result, true).split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE +NAME +RUNTIME/);
    expect(lines[2]).toMatch(/^team-b +big +dynamo/);
  });

  test('nothing found says so', () => {
    expect(listTable({ models: [], notes: ['x'], listed: [], forbidden: [] }, true)).toBe('no model deployments found\n');
  });
});

describe('list command', () => {
  const ctx = cliContext();

  test('usage errors come before any cluster access', async () => {
    await expect(listCommand.run(['-n', 'a', '-A', '--kubeconfig', '/nonexistent/kubeconfig'], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: 'list: -n and -A cannot be used together',
    });
    await expect(listCommand.run(['-o', 'wide', '--kubeconfig', '/nonexistent/kubeconfig'], ctx)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(listCommand.run(['stray'], ctx)).rejects.toMatchObject({ code: 'USAGE' });
  });

  describe('against a scripted API server (request wiring only; real behaviour in test/integration)', () => {
    let fake: FakeApiServer;
    let tmp: string;
    let kubeconfig: string;
    const item = (namespace: string, name: string): object => ({ metadata: { name, namespace, labels: { 'modelstack.io/stack': 'prod' } }, spec: {} });

    beforeAll(async () => {
      fake = await FakeApiServer.start();
      tmp = mkdtempSync(join(tmpdir(), 'modelstack-list-cmd-'));
      kubeconfig = writeKubeconfig(join(tmp, 'config'), [{ name: 'fake', server: fake.url, namespace: 'team-a' }]);
      fake.handler = (r) => {
        if (r.path === '/apis/ray.io/v1') return { body: { resources: [{ name: 'rayservices', kind: 'RayService', namespaced: true }] } };
        if (r.path === '/apis/ray.io/v1/namespaces/team-a/rayservices') return { body: { items: [item('team-a', 'qwen')] } };
        if (r.path === '/apis/ray.io/v1/namespaces/other/rayservices') return { body: { items: [] } };
        if (r.path === '/apis/ray.io/v1/rayservices') return { body: { items: [item('team-a', 'qwen'), item('team-b', 'llama')] } };
        return notFound();
      };
    });

    afterAll(async () => {
      await fake.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    test("without -n: the context's namespace; a runtime not installed is a warning, not output", async () => {
      const io = new RecordingIoHost();
      const out = await listCommand.run(['--kubeconfig', kubeconfig], { ...ctx, toolkit: new Toolkit({ ioHost: io, cwd: ctx.cwd, env: {} }) });
      expect(out.exitCode).toBe(0);
      expect(out.stdout.split('\n')[0]).toMatch(/^NAME +RUNTIME/);
      expect(out.stdout).toMatch(/\nqwen +kuberay +RayService +Pending +0\/0 +prod +no status yet\n/);
      const note = 'NVIDIA Dynamo: not installed (DynamoGraphDeployment nvidia.com/v1beta1 is not served)';
      expect(io.messages).toEqual([{ level: 'warn', code: 'LIST_NOTE', message: note, data: { note } }]);
    });

    test('-n and -A', async () => {
      expect((await listCommand.run(['--kubeconfig', kubeconfig, '-n', 'other'], ctx)).stdout).toBe('no model deployments found\n');
      const all = await listCommand.run(['--kubeconfig', kubeconfig, '-A'], ctx);
      expect(
        all.stdout
          .split('\n')
          .slice(0, 3)
          .map((l) => l.split(/ +/).slice(0, 2)),
      ).toEqual([
        ['NAMESPACE', 'NAME'],
        ['team-a', 'qwen'],
        ['team-b', 'llama'],
      ]);
    });

    test('-o json: models and notes', async () => {
      const out = await listCommand.run(['--kubeconfig', kubeconfig, '-A', '-o', 'json'], ctx);
      const r = JSON.parse(out.stdout) as ListResult;
      expect(r.models.map((m) => `${m.namespace}/${m.name}`)).toEqual(['team-a/qwen', 'team-b/llama']);
      expect(r.notes).toHaveLength(1);
    });
  });
});
