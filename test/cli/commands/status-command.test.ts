import { cliContext } from '../../support/cli-context.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusCommand, statusTable } from '../../../src/cli/commands/status-command.js';
import type { RuntimeStatus } from '../../../src/status/runtime-status.js';
import { FakeApiServer, notFound, writeKubeconfig } from '../../support/fake-apiserver.js';

const row = (over: Partial<RuntimeStatus>): RuntimeStatus => ({
  id: 'dynamo',
  name: 'NVIDIA Dynamo',
  installed: true,
  healthy: true,
  version: '1.4.0',
  message: 'ok',
  ...over,
});

describe('statusTable', () => {
  test('yes / no / unknown (null: permissions do not let us tell), - for an unknown version', () => {
    expect(
      statusTable([
        row({ message: 'operator dynamo-system/op: 1/1 pods ready' }),
        row({ id: 'kuberay', name: 'KubeRay', installed: false, healthy: false, version: null, message: 'CRD rayservices.ray.io not found' }),
        row({ id: 'x', name: 'X', installed: null, healthy: null, version: null, message: 'forbidden' }),
      ]),
    ).toBe(
      [
        'RUNTIME  NAME           INSTALLED  HEALTHY  VERSION  MESSAGE',
        'dynamo   NVIDIA Dynamo  yes        yes      1.4.0    operator dynamo-system/op: 1/1 pods ready',
        'kuberay  KubeRay        no         no       -        CRD rayservices.ray.io not found',
        'x        X              unknown    unknown  -        forbidden',
        '',
      ].join('\n'),
    );
  });
});

describe('status command', () => {
  const ctx = cliContext();

  test('usage errors come before any cluster access', async () => {
    await expect(statusCommand.run(['-o', 'yaml', '--kubeconfig', '/nonexistent/kubeconfig'], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: '-o "yaml" is not one of table, json',
    });
    await expect(statusCommand.run(['--all-namespaces'], ctx)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(statusCommand.run(['--kubeconfig', '/nonexistent/kubeconfig'], ctx)).rejects.toMatchObject({ code: 'KUBECONFIG' });
  });

  test('the usage names the output and connection flags', () => {
    for (const flag of ['-o, --output', '--kubeconfig FILE', '--context NAME', '-n, --namespace NS']) expect(statusCommand.usage).toContain(flag);
  });

  describe('against a scripted API server (request wiring only; real behaviour in test/integration)', () => {
    let fake: FakeApiServer;
    let tmp: string;
    let kubeconfig: string;

    beforeAll(async () => {
      fake = await FakeApiServer.start();
      tmp = mkdtempSync(join(tmpdir(), 'modelstack-status-cmd-'));
      kubeconfig = writeKubeconfig(join(tmp, 'config'), [
        { name: 'other', server: 'http://127.0.0.1:9' },
        { name: 'fake', server: fake.url },
      ]);
      fake.handler = (r) => {
        if (r.path === '/apis/apiextensions.k8s.io/v1')
          return { body: { resources: [{ name: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false }] } };
        if (r.path === '/apis/apps/v1') return { body: { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }] } };
        if (r.path.startsWith('/apis/apps/v1/') && r.path.endsWith('/deployments')) return { body: { items: [] } };
        return notFound();
      };
    });

    afterAll(async () => {
      await fake.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    beforeEach(() => {
      fake.requests.length = 0;
    });

    test('a table of both runtimes, from --kubeconfig and --context', async () => {
      const out = await statusCommand.run(['--kubeconfig', kubeconfig, '--context', 'fake'], ctx);
      expect(out.exitCode).toBe(0);
      const lines = out.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^RUNTIME +NAME +INSTALLED +HEALTHY +VERSION +MESSAGE$/);
      expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 5))).toEqual([
        ['dynamo', 'NVIDIA Dynamo', 'no', 'no', '-'],
        ['kuberay', 'KubeRay', 'no', 'no', '-'],
      ]);
    });

    test('-o json: the rows as JSON; -n narrows where operators are looked for', async () => {
      const out = await statusCommand.run(['--kubeconfig', kubeconfig, '--context', 'fake', '-o', 'json', '-n', 'ops'], ctx);
      const rows = JSON.parse(out.stdout) as RuntimeStatus[];
      expect(rows.map((r) => [r.id, r.installed, r.healthy])).toEqual([
        ['dynamo', false, false],
        ['kuberay', false, false],
      ]);
      expect(rows[0]!.message).toContain('searched namespace ops for');
      const deploymentLists = fake.requests.filter((r) => r.path.endsWith('/deployments')).map((r) => r.path);
      expect(new Set(deploymentLists)).toEqual(new Set(['/apis/apps/v1/namespaces/ops/deployments']));
    });
  });
});
