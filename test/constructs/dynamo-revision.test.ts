// Model revisions (issue 10): DynamoModel writes the engine's revision flag on every worker,
// states the revision in its descriptor (what ModelCache and local runs read), and refuses a
// revision it cannot honour.
import { DynamoModel, type DynamoModelProps } from '../../index.js';
import { buildCompose } from '../../src/local/compose/build-compose.js';
import { container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';
import { service, stacksOf } from '../local/compose/compose-fixtures.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const SHA = 'c1899de289a04d12100db370d81485cdf75e47ca';

function workerArgs(props: Partial<DynamoModelProps>): string[][] {
  const graph = single(
    objectsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props }), { namespace: 'llm' }),
    'DynamoGraphDeployment',
  );
  return (graph.spec.components as Json[]).filter((c) => c.type !== 'frontend').map((c) => container(c.podTemplate, 'main').args as string[]);
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props } as unknown as DynamoModelProps));
}

describe('modelRevision', () => {
  test.each(['vllm', 'sglang'] as const)('%s workers get --revision in both modes', (engine) => {
    for (const mode of ['aggregated', 'disaggregated'] as const) {
      for (const args of workerArgs({ engine, mode, modelRevision: SHA })) {
        expect(args.slice(args.indexOf('--revision'), args.indexOf('--revision') + 2)).toEqual(['--revision', SHA]);
      }
    }
    for (const args of workerArgs({ engine })) expect(args).not.toContain('--revision');
  });

  test('the descriptor states the revision, and unset stays unset', () => {
    let withRev: DynamoModel | undefined;
    let without: DynamoModel | undefined;
    objectsOf((s) => {
      withRev = new DynamoModel(s, 'a', { model: MODEL, modelRevision: 'v1.0' });
      without = new DynamoModel(s, 'b', { model: MODEL });
    });
    expect(withRev!.descriptor!.revision).toBe('v1.0');
    expect(without!.descriptor).not.toHaveProperty('revision');
  });

  test('the local engine flavor passes the revision to the plain server', () => {
    const compose = buildCompose(
      stacksOf((s) => new DynamoModel(s, 'm', { model: MODEL, engine: 'sglang', modelRevision: SHA })),
      { flavor: 'engine' },
    );
    const command = service(compose, 'm-engine').command as string[];
    expect(command.slice(command.indexOf('--revision'), command.indexOf('--revision') + 2)).toEqual(['--revision', SHA]);
  });

  test('a revision on TensorRT-LLM, on a path, or that is not a revision', () => {
    expect(errors({ engine: 'trtllm', modelRevision: SHA })).toEqual([
      `[test/m] modelRevision: "${SHA}" cannot be passed to engine "trtllm": its Dynamo worker has no revision flag for text models, so the default branch would load silently. ` +
        'Fix: remove it and bake the pinned weights into the image or a volume (set model to their path), or use engine "vllm" or "sglang"',
    ]);
    expect(errors({ model: '/models/qwen3', modelRevision: 'main' })).toEqual([
      '[test/m] modelRevision: "main" applies to Hugging Face ids only, and model "/models/qwen3" is a path: the files there are what the engine loads. ' +
        'Fix: remove it, or set model to the Hugging Face id the revision belongs to',
    ]);
    expect(errors({ modelRevision: '--force' })).toEqual([
      '[test/m] modelRevision: "--force" is not a revision (a commit hash, tag or branch of letters, digits, ".", "_", "-" and "/"). Fix: use a commit hash or a tag',
    ]);
  });

  test('--revision in worker args is refused: modelRevision owns it', () => {
    expect(errors({ workerArgs: ['--revision', 'main'] })).toEqual([
      '[test/m] workerArgs[0]: "--revision" sets --revision, which modelstack already writes from modelRevision. Fix: remove it and set modelRevision',
    ]);
  });
});
