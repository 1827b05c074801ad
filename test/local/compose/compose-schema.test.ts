// Every compose file modelstack writes must pass the real compose-spec JSON schema (shipped by
// the dclint package, read from node_modules): the example stack and a matrix of models.
import { parse } from 'yaml';
import { DynamoModel, type Engine, Model, ModelCache, RayModel, secretKey } from '../../../index.js';
import { silentIoHost } from '../../../src/io/io-host.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import type { ComposeFlavor } from '../../../src/local/compose/compose-types.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import type { StackManifest } from '../../../src/model/kube-object.js';
import { synthStacks } from '../../../src/synth/synth.js';
import { repoRoot } from '../../support/paths.js';
import { composeSpecValidator, stacksOf } from './compose-fixtures.js';

let validate: (doc: unknown) => string[];
let example: StackManifest[];

beforeAll(async () => {
  validate = composeSpecValidator();
  // The example stack, through the CLI engine: cdk8s.yaml's app (stacks/main.ts).
  example = await synthStacks({ cwd: repoRoot }, silentIoHost);
}, 60_000);

/** Schema problems of the file as built and as compose reads it back from the rendered YAML. */
function problems(stacks: readonly StackManifest[], flavor: ComposeFlavor): string[] {
  const file = buildCompose(stacks, { flavor });
  return [...validate(file), ...validate(parse(renderCompose(file)))];
}

const flavors: ComposeFlavor[] = ['runtime', 'engine'];

describe('compose-spec schema', () => {
  test('the validator rejects what the spec forbids (so passing means something)', () => {
    const file = buildCompose(example);
    const [name, svc] = Object.entries(file.services)[0]!;
    expect(validate({ ...file, services: { ...file.services, [name]: { ...svc, replicaz: 2 } } })).not.toEqual([]);
    expect(validate({ ...file, services: { [name]: { ...svc, depends_on: { x: { condition: 'whenever' } } } } })).not.toEqual([]);
    expect(validate({ ...file, configs: { c: { content: 1 } } })).not.toEqual([]);
  });

  test.each(flavors)('the example stack (stacks/main.ts), flavor %s', (flavor) => {
    expect(new Set(example.flatMap((s) => s.objects.map((o) => o.kind))).has('DynamoGraphDeployment')).toBe(true);
    expect(problems(example, flavor)).toEqual([]);
  });

  const engines: Engine[] = ['vllm', 'sglang', 'trtllm'];
  const modes = ['aggregated', 'disaggregated'] as const;
  const matrix = engines.flatMap((engine) => modes.flatMap((mode) => flavors.map((flavor) => ({ engine, mode, flavor }))));

  test.each(matrix)('Dynamo $engine $mode, flavor $flavor', ({ engine, mode, flavor }) => {
    const stacks = stacksOf((s) => {
      new DynamoModel(s, 'm', {
        model: 'Qwen/Qwen3-0.6B',
        engine,
        mode,
        router: 'kv',
        tensorParallelSize: 2,
        hfTokenSecret: secretKey('hf-token', 'token'),
        env: { LOG_LEVEL: 'debug', PRICE: '$5', API_KEY: { secretKeyRef: secretKey('api', 'key') } },
        workerArgs: ['--max-model-len', '4096'],
        frontendArgs: ['--verbose'],
      });
    });
    expect(problems(stacks, flavor)).toEqual([]);
  });

  test.each(flavors)('Ray Serve LLM, flavor %s', (flavor) => {
    const stacks = stacksOf((s) => {
      new RayModel(s, 'r', {
        model: 'Qwen/Qwen2.5-7B-Instruct',
        modelId: 'qwen',
        tensorParallelSize: 2,
        autoscaling: { minReplicas: 1, maxReplicas: 2 },
        workerGroups: [
          { name: 'a', minReplicas: 1, maxReplicas: 2, gpus: 2 },
          { name: 'b', minReplicas: 0, maxReplicas: 1, gpus: 4 },
        ],
        hfTokenSecret: secretKey('hf-token', 'token'),
        env: { RAY_LOG: 'info' },
      });
    });
    expect(problems(stacks, flavor)).toEqual([]);
  });

  test.each(flavors)('models sharing a ModelCache (download service, read-only cache volume, completed condition), flavor %s', (flavor) => {
    const stacks = stacksOf((s) => {
      const cache = new ModelCache(s, 'weights', {
        model: 'Qwen/Qwen3-0.6B',
        revision: 'c1899de289a04d12100db370d81485cdf75e47ca',
        size: '20Gi',
        hfTokenSecret: secretKey('hf-token', 'token'),
        compilationCache: { size: '5Gi' },
      });
      new Model(s, 'd', { runtime: 'dynamo', model: 'Qwen/Qwen3-0.6B', cache, hfTokenSecret: secretKey('hf-token', 'token') });
      new Model(s, 'r', { runtime: 'kuberay', model: 'Qwen/Qwen3-0.6B', cache });
    });
    const file = buildCompose(stacks, { flavor });
    expect(file.services['weights-download']).toBeDefined();
    expect(problems(stacks, flavor)).toEqual([]);
  });

  test('a host-path HF cache and exclusive GPUs are valid too', () => {
    const file = buildCompose(example, { hfCache: '/srv/hf', gpuAssignment: 'exclusive', project: 'p_1' });
    expect(validate(file)).toEqual([]);
    expect(validate(parse(renderCompose(file)))).toEqual([]);
  });
});
