// The models' Kubernetes replica counts in a local run's compose file: a Dynamo worker component's
// replicas become deploy.replicas of its service (so `local up` starts that many containers), what a
// local run cannot replicate is said in x-modelstack-notes, and the file's service graph (planProject)
// runs every replica before the frontend.
import { DynamoModel, type DynamoModelProps, RayModel, secretKey } from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { NOTES_EXTENSION } from '../../../src/local/compose/compose-types.js';
import { gpuSyntaxFor } from '../../../src/local/compose/gpu-syntax.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { planProject } from '../../../src/local/run/run-plan.js';
import type { StackManifest } from '../../../src/model/kube-object.js';
import { composeSpecValidator, service, stacksOf } from './compose-fixtures.js';

const token = secretKey('hf-token', 'token');

function dynamo(props: Partial<DynamoModelProps> = {}): StackManifest[] {
  return stacksOf((s) => {
    new DynamoModel(s, 'qwen', { model: 'Qwen/Qwen3-0.6B', hfTokenSecret: token, ...props });
  });
}

describe('Dynamo worker replicas in the compose file', () => {
  test('a worker component with replicas N: deploy.replicas N next to its GPU reservation; other services have none', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated', replicas: { decode: 2 }, gpusPerWorker: 1 }), { project: 'demo' });
    expect(service(file, 'qwen-decode').deploy).toEqual({
      replicas: 2,
      resources: { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } },
    });
    expect(service(file, 'qwen-prefill').deploy).toEqual({ resources: { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } } });
    expect(service(file, 'qwen-frontend').deploy).toBeUndefined();
    expect(composeSpecValidator()(JSON.parse(JSON.stringify(file)))).toEqual([]);
  });

  test('a replicated worker publishes its health port on a free host port (replicas cannot share a fixed one); single services keep fixed ports', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated', replicas: { decode: 3 } }), { project: 'demo', hostPortBase: 18000 });
    expect(service(file, 'qwen-frontend').ports).toEqual(['127.0.0.1:18000:8000']);
    expect(service(file, 'qwen-prefill').ports).toEqual(['127.0.0.1:18001:9090']);
    expect(service(file, 'qwen-decode').ports).toEqual(['127.0.0.1::9090']);
    // `local up` then has no shared-port warning for it.
    expect(planProject(loadComposeText(renderCompose(file)), { gpu: 'off' }).warnings.filter((w) => w.includes('host port'))).toEqual([]);
  });

  test('GPU reservation per replica: each replica reserves the component GPUs, and the note says they land on the same GPUs of one machine', () => {
    const file = buildCompose(dynamo({ replicas: { worker: 2 }, tensorParallelSize: 2 }), { project: 'demo' });
    expect(service(file, 'qwen-worker').deploy?.replicas).toBe(2);
    expect(file[NOTES_EXTENSION]).toContain(
      'qwen: qwen-worker runs 2 replicas, each reserving 2 GPU(s): on one machine every replica asks for the same GPUs (docker gives a count reservation the first 2 GPU(s), podman the same CDI names, exclusive device_ids are the same), so the replicas share them and may run out of GPU memory; "local up --scale qwen-worker=1" runs one',
    );
    // Exclusive numbering counts the service once: its replicas share its device_ids (said above).
    const exclusive = buildCompose(dynamo({ replicas: { worker: 2 }, tensorParallelSize: 2 }), { project: 'demo', gpuAssignment: 'exclusive' });
    expect(service(exclusive, 'qwen-worker').deploy).toEqual({
      replicas: 2,
      resources: { reservations: { devices: [{ driver: 'nvidia', device_ids: ['0', '1'], capabilities: ['gpu'] }] } },
    });
  });

  test('CPU-only replicas and the cpu profile: deploy.replicas alone, with no GPU note', () => {
    const cpu = buildCompose(dynamo({ replicas: { worker: 2 }, gpusPerWorker: 0 }), { project: 'demo' });
    expect(service(cpu, 'qwen-worker').deploy).toEqual({ replicas: 2 });
    expect((cpu[NOTES_EXTENSION] ?? []).filter((n) => n.includes('replicas'))).toEqual([]);
    const mocker = buildCompose(dynamo({ mode: 'disaggregated', replicas: { prefill: 2, decode: 3 } }), { project: 'demo', profile: 'cpu' });
    expect(service(mocker, 'qwen-prefill').deploy).toEqual({ replicas: 2 });
    expect(service(mocker, 'qwen-decode').deploy).toEqual({ replicas: 3 });
    expect((mocker[NOTES_EXTENSION] ?? []).filter((n) => n.includes('GPU'))).toEqual([]);
  });

  test('podman syntax keeps deploy.replicas when the reservation becomes CDI devices', () => {
    const file = gpuSyntaxFor('podman', buildCompose(dynamo({ replicas: { worker: 2 }, gpusPerWorker: 1 }), { project: 'demo' }));
    expect(service(file, 'qwen-worker').deploy).toEqual({ replicas: 2 });
    expect(service(file, 'qwen-worker').devices).toEqual(['nvidia.com/gpu=0']);
  });

  test('frontend replicas: one frontend locally (it publishes the model port), said in a note', () => {
    const file = buildCompose(dynamo({ replicas: { frontend: 2 } }), { project: 'demo' });
    expect(service(file, 'qwen-frontend').deploy).toBeUndefined();
    expect(file[NOTES_EXTENSION]).toContain(
      'qwen: the frontend runs 1 replica locally, not 2: it publishes the model\'s port on the host; "local up --scale qwen-frontend=2" starts more on free host ports',
    );
  });

  test('service graph: local up plans N containers of the worker, and the frontend waits for every one', () => {
    const file = buildCompose(dynamo({ mode: 'disaggregated', replicas: { prefill: 1, decode: 2 } }), { project: 'demo' });
    const plan = planProject(loadComposeText(renderCompose(file)), { gpu: 'off' });
    expect(plan.services.map((s) => s.container)).toEqual(['demo-qwen-prefill', 'demo-qwen-decode', 'demo-qwen-decode-2', 'demo-qwen-frontend']);
    const frontend = plan.services.find((s) => s.service === 'qwen-frontend')!;
    expect(frontend.dependsOn.map((d) => [d.service, d.condition])).toEqual([
      ['qwen-prefill', 'service_healthy'],
      ['qwen-decode', 'service_healthy'],
    ]);
    // --scale still wins over the rendered replicas.
    expect(planProject(loadComposeText(renderCompose(file)), { gpu: 'off', scale: { 'qwen-decode': 1 } }).services.map((s) => s.container)).toEqual([
      'demo-qwen-prefill',
      'demo-qwen-decode',
      'demo-qwen-frontend',
    ]);
  });
});

test('engine flavor: one engine server, and a note that the worker replicas are not run', () => {
  const file = buildCompose(dynamo({ replicas: { worker: 3 } }), { project: 'demo', flavor: 'engine' });
  expect(Object.keys(file.services)).toEqual(['qwen-engine']);
  expect(service(file, 'qwen-engine').deploy?.replicas).toBeUndefined();
  expect(file[NOTES_EXTENSION]).toContain(
    'qwen: the engine flavor runs one vllm server (qwen-engine), not the 3 worker replicas of the stack; the runtime flavor runs them, or "local up --scale qwen-engine=3"',
  );
  expect(buildCompose(dynamo(), { project: 'demo', flavor: 'engine' })[NOTES_EXTENSION]).toBeUndefined();
});

describe('Ray worker group replicas in the compose file', () => {
  test('one Ray node: no deploy.replicas, the GPUs of every replica on the one container, and a note saying so', () => {
    const file = buildCompose(
      stacksOf((s) => {
        new RayModel(s, 'llama', {
          model: 'Qwen/Qwen2.5-7B-Instruct',
          modelId: 'qwen25',
          hfTokenSecret: token,
          tensorParallelSize: 2,
          workerGroups: [
            { name: 'a', minReplicas: 1, maxReplicas: 3, replicas: 2, gpus: 2 },
            { name: 'b', minReplicas: 1, maxReplicas: 1, gpus: 2 },
          ],
        });
      }),
      { project: 'demo' },
    );
    expect(service(file, 'llama-ray').deploy).toEqual({ resources: { reservations: { devices: [{ driver: 'nvidia', count: 6, capabilities: ['gpu'] }] } } });
    expect(file[NOTES_EXTENSION]).toContain(
      'llama: the RayCluster runs as one Ray node in one container (llama-ray), not as worker pods: worker groups a (2 replicas), b (1 replica) are that one node, which reserves the GPUs of them all, and Ray Serve places every replica on it',
    );
  });

  test('a cluster of one worker replica has no such note', () => {
    const file = buildCompose(
      stacksOf((s) => {
        new RayModel(s, 'llama', { model: 'Qwen/Qwen2.5-7B-Instruct', modelId: 'qwen25', hfTokenSecret: token });
      }),
      { project: 'demo' },
    );
    expect((file[NOTES_EXTENSION] ?? []).filter((n) => n.includes('one Ray node'))).toEqual([]);
  });
});
