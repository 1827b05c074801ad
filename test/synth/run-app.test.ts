import { ModelstackError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { StackManifest } from '../../src/model/kube-object.js';
import { runApp } from '../../src/synth/run-app.js';
import { fixtureApp, removeTempDirs, tempDir } from '../support/paths.js';
import { refs } from '../support/stacks.js';

afterAll(removeTempDirs);

type Outcome = { stacks?: StackManifest[]; error?: ModelstackError; io: RecordingIoHost };

const outcomes: Record<string, Outcome> = {};

async function run(name: string, command: string): Promise<void> {
  const io = new RecordingIoHost();
  try {
    outcomes[name] = { stacks: await runApp({ command, cwd: tempDir(), io }), io };
  } catch (e) {
    if (!(e instanceof ModelstackError)) throw e;
    outcomes[name] = { error: e, io };
  }
}

// Every app runs once, all at the same time; the tests read the outcomes.
beforeAll(async () => {
  await Promise.all([
    run('ok', fixtureApp('ok')),
    run('invalid', fixtureApp('invalid')),
    run('crash', fixtureApp('crash')),
    run('plain', fixtureApp('plain-cdk8s')),
    run('no-synth', fixtureApp('no-synth')),
    run('missing', 'modelstack-no-such-command-xyz --flag'),
    run('exits', fixtureApp('exits')),
  ]);
}, 60_000);

function failure(name: string): ModelstackError {
  const o = outcomes[name]!;
  expect(o.stacks).toBeUndefined();
  expect(o.error).toBeInstanceOf(ModelstackError);
  return o.error!;
}

describe('runApp', () => {
  test('a ModelstackApp answers with its stacks', () => {
    const { stacks, io } = outcomes.ok!;
    expect(stacks!.map((s) => [s.id, s.stackName])).toEqual([['fixture', 'fixture']]);
    expect(refs(stacks![0]!.objects)).toEqual([
      'Namespace llm',
      'Namespace dynamo-system',
      'HelmRepository dynamo-system/ai-dynamo',
      'HelmRelease dynamo-system/dynamo-platform',
      'DynamoGraphDeployment llm/qwen',
      'RayService llm/qwen-ray',
    ]);
    expect(io.text('debug')).toEqual([`running app: ${fixtureApp('ok')}`]);
  });

  test("a ModelstackApp's stacks carry the descriptors of their models", () => {
    const { stacks } = outcomes.ok!;
    expect(stacks![0]!.models).toEqual([
      {
        runtime: 'dynamo',
        apiVersion: 'nvidia.com/v1beta1',
        kind: 'DynamoGraphDeployment',
        namespace: 'llm',
        name: 'qwen',
        engine: 'vllm',
        model: 'Qwen/Qwen3-0.6B',
        servedModelName: 'Qwen/Qwen3-0.6B',
        tensorParallelSize: 1,
        gpusPerEngine: 1,
      },
      {
        runtime: 'kuberay',
        apiVersion: 'ray.io/v1',
        kind: 'RayService',
        namespace: 'llm',
        name: 'qwen-ray',
        engine: 'vllm',
        model: 'Qwen/Qwen2.5-0.5B-Instruct',
        servedModelName: 'Qwen/Qwen2.5-0.5B-Instruct',
        tensorParallelSize: 1,
        gpusPerEngine: 1,
      },
    ]);
  });

  test('validation errors: one VALIDATION error listing every problem', () => {
    const e = failure('invalid');
    expect(e.code).toBe('VALIDATION');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('the stack has 3 problems');
    expect(e.details).toEqual([
      '[fixture/a] tensorParallelSize: 4 is larger than gpusPerWorker (2); each tensor-parallel rank needs its own GPU. ' +
        'Fix: set gpusPerWorker to at least 4, or lower tensorParallelSize',
      '[fixture/b] image: "rayproject/ray-llm:latest" is not pinned to a version (no tag, or "latest"). ' +
        'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
      '[fixture/c] router: "kv" is not available on runtime "kuberay" (KV-aware routing is Dynamo-only). ' +
        'Fix: remove router (round-robin is used), or set runtime: "dynamo"',
    ]);
    expect(e.hint).toBe('fix the props named above; nothing was written');
  });

  test('an app that crashes: APP_FAILED with the tail of its output', () => {
    const e = failure('crash');
    expect(e.code).toBe('APP_FAILED');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`the app failed (exit code 1): ${fixtureApp('crash')}`);
    const tail = e.details.join('\n');
    expect(tail).toContain('starting the crashing fixture');
    expect(tail).toContain('fixture exploded on purpose');
    expect(e.details.length).toBeLessThanOrEqual(20);
    expect(e.hint).toBe('run the app command yourself to see the whole output, or pass --app "<command>"');
  });

  test('a stack that calls process.exit: APP_FAILED with its exit code and output (tsx started without its wrapper keeps both)', () => {
    const e = failure('exits');
    expect(e.code).toBe('APP_FAILED');
    expect(e.message).toBe(`the app failed (exit code 3): ${fixtureApp('exits')}`);
    expect(e.details).toEqual(['the exiting fixture says goodbye']);
  });

  test('a command that does not exist', () => {
    const e = failure('missing');
    expect(e.code).toBe('APP_FAILED');
    expect(e.message).toBe('the app failed (command not found: modelstack-no-such-command-xyz): modelstack-no-such-command-xyz --flag');
  });

  test('a plain cdk8s App is read from the YAML it writes, one stack per chart file', () => {
    const { stacks } = outcomes.plain!;
    expect(stacks!.map((s) => s.id)).toEqual(['alpha', 'beta']);
    expect(stacks!.every((s) => s.stackName === undefined)).toBe(true);
    expect(refs(stacks![0]!.objects)).toEqual(['Namespace x', 'ConfigMap x/a']);
    expect(stacks![1]!.objects).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'x' }, data: { k: 'v' } }]);
  });

  test('a plain app that writes nothing', () => {
    const e = failure('no-synth');
    expect(e.code).toBe('APP_FAILED');
    expect(e.message).toBe('the app wrote no manifests');
    expect(e.hint).toBe('make sure the app calls app.synth() (use ModelstackApp for error reports)');
  });
});
