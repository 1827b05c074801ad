import { waitForModels } from '../../src/apply/wait.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { recorded } from '../readiness/load-recorded.js';
import { FakeKube } from '../support/fake-kube.js';
import { rejection as failure } from '../support/thrown.js';

const RAY: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'qwen25', namespace: 'llm' } };
const DGD: KubeObject = { apiVersion: 'nvidia.com/v1beta1', kind: 'DynamoGraphDeployment', metadata: { name: 'qwen3', namespace: 'llm' } };
const CM: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'llm' } };

/** A client whose GET of each model answers the next recorded state in its script (the last one repeats). */
function scripted(scripts: Record<string, Array<string | undefined>>): { client: FakeKube; gets: string[] } {
  const gets: string[] = [];
  const seen = new Map<string, number>();
  const client = new FakeKube({
    get: async (o) => {
      const name = o.metadata.name!;
      gets.push(name);
      const script = scripts[name];
      if (!script) throw new Error(`unexpected get of ${o.kind} ${name}`);
      const i = seen.get(name) ?? 0;
      seen.set(name, i + 1);
      const state = script[Math.min(i, script.length - 1)];
      return state === undefined ? undefined : recorded(state);
    },
  });
  return { client, gets };
}

describe('waitForModels', () => {
  test('no models among the objects: returns at once without asking the cluster', async () => {
    const io = new RecordingIoHost();
    const kube = new FakeKube();
    await waitForModels(kube, [CM], { timeoutMs: 1000 }, io);
    expect(io.messages).toEqual([]);
    expect(kube.calls).toEqual([]);
  });

  test('polls only the models until every one is Ready, reporting each change of phase or replicas once', async () => {
    const { client, gets } = scripted({
      qwen25: ['rayservice-deploying', 'rayservice-deploying', 'rayservice-ready'],
      qwen3: ['dgd-initializing', 'dgd-successful'],
    });
    const io = new RecordingIoHost();
    await waitForModels(client, [CM, RAY, DGD], { timeoutMs: 10_000, pollMs: 1 }, io);
    expect(gets).toEqual(['qwen25', 'qwen3', 'qwen25', 'qwen3', 'qwen25', 'qwen3']);
    expect(io.messages.every((m) => m.code === 'WAIT_PROGRESS' && m.level === 'info')).toBe(true);
    expect(io.text()).toEqual([
      '  RayService llm/qwen25: Deploying 0/1 (Initializing: RayService is initializing)',
      expect.stringMatching(/^ {2}DynamoGraphDeployment llm\/qwen3: Deploying /),
      '  DynamoGraphDeployment llm/qwen3: Ready 4/4 (AllComponentsReady: All components are ready)',
      '  RayService llm/qwen25: Ready 2/2 (NonZeroServeEndpoints: Number of serve endpoints is greater than 0)',
    ]);
  });

  test('a Failed model ends the wait with an error naming it and why', async () => {
    const { client } = scripted({ qwen25: ['rayservice-deploy-failed'], qwen3: ['dgd-successful'] });
    const e = await failure(waitForModels(client, [RAY, DGD], { timeoutMs: 10_000, pollMs: 1 }, new RecordingIoHost()));
    expect(e.code).toBe('PREFLIGHT');
    expect(e.message).toBe('1 model(s) failed while waiting');
    expect(e.details).toEqual(['RayService llm/qwen25: application llm: DEPLOY_FAILED: CUDA out of memory']);
    expect(e.hint).toContain('logs');
  });

  test('the timeout ends the wait with the models not ready (a missing object counts as Pending)', async () => {
    const { client, gets } = scripted({ qwen25: [undefined], qwen3: ['dgd-successful'] });
    const started = Date.now();
    const e = await failure(waitForModels(client, [RAY, DGD], { timeoutMs: 40, pollMs: 5 }, new RecordingIoHost()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('models not ready after 0s');
    expect(e.details).toEqual(['RayService llm/qwen25: Pending 0/0 not found in the cluster']);
    expect(e.hint).toContain('the apply itself succeeded');
    expect(gets.filter((n) => n === 'qwen25').length).toBeGreaterThan(1);
  });

  test('the timeout message is in seconds', async () => {
    const { client } = scripted({ qwen25: ['rayservice-deploying'] });
    const e = await failure(waitForModels(client, [RAY], { timeoutMs: 500, pollMs: 505 }, new RecordingIoHost()));
    expect(e.message).toBe('models not ready after 1s');
  });
});
