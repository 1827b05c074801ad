import { DynamoModel, ModelStack, RayModel, Testing } from '../../index.js';

describe('stack identity at synth', () => {
  test('two stacks of one app whose names fold to the same stack name are a synth error on the second', () => {
    const app = Testing.app();
    new ModelStack(app, 'Team_A', { stackId: 'team-a-00000001' });
    new ModelStack(app, 'team-a', { stackId: 'team-a-00000002' });
    expect(Testing.problems(app)).toEqual([
      '[team-a] stackName: "team-a" is also the stack name of "Team_A" (construct ids fold to the same name), so both would own the same objects and each one\'s prune would delete the other\'s. Fix: give one of them a different stackName (or construct id)',
    ]);
  });

  test("an explicit stackName equal to another stack's is the same error; distinct names pass", () => {
    const app = Testing.app();
    new ModelStack(app, 'one', { stackName: 'inference' });
    new ModelStack(app, 'two', { stackName: 'inference' });
    new ModelStack(app, 'three');
    expect(Testing.problems(app)).toHaveLength(1);
    expect(Testing.problems(app)[0]).toMatch(/^\[two\] stackName: "inference" is also the stack name of "one"/);
  });

  test('a stackId shared by two stacks, and an invalid stackId, are synth errors', () => {
    const app = Testing.app();
    new ModelStack(app, 'a', { stackId: 'same-id-0001' });
    new ModelStack(app, 'b', { stackId: 'same-id-0001' });
    new ModelStack(app, 'c', { stackId: 'Short' });
    expect(Testing.problems(app)).toEqual([
      '[b] stackId: "same-id-0001" is also the stackId of "a". Fix: give every stack its own stackId',
      '[c] stackId: "Short" is not a valid stack id. Fix: use 8-63 lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "inference-3f9c2a1b"',
    ]);
  });

  test('the stackId reaches the manifest the toolkit applies', () => {
    const stack = Testing.stack({ stackId: 'inference-3f9c2a1b' }, 'inference');
    expect(Testing.manifest(stack)).toMatchObject({ stackName: 'inference', stackId: 'inference-3f9c2a1b' });
    expect(Testing.manifest(Testing.stack())).not.toHaveProperty('stackId');
  });
});

describe('a namespace used by two stacks of one app', () => {
  test('is rendered once, by the first stack, and labelled shared when the stacks use it for different runtimes', () => {
    const app = Testing.app();
    const a = new ModelStack(app, 'a', { namespace: 'llm' });
    const b = new ModelStack(app, 'b', { namespace: 'llm' });
    new DynamoModel(b, 'd', { model: 'Qwen/Qwen3-0.6B' });
    new RayModel(a, 'r', { model: 'Qwen/Qwen2.5-7B-Instruct' });
    const namespaces = (s: ModelStack): unknown[] =>
      Testing.synth(s)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata);
    expect(namespaces(a)).toEqual([expect.objectContaining({ name: 'llm', labels: expect.objectContaining({ 'modelstack.io/runtime': 'shared' }) })]);
    expect(namespaces(b)).toEqual([]);
    expect(Testing.synth(b).map((o) => o.kind)).toEqual(['DynamoGraphDeployment']);
  });

  test('a namespace used by one stack only is still rendered by it', () => {
    const app = Testing.app();
    const a = new ModelStack(app, 'a', { namespace: 'one' });
    const b = new ModelStack(app, 'b', { namespace: 'two' });
    new DynamoModel(a, 'd', { model: 'Qwen/Qwen3-0.6B' });
    new DynamoModel(b, 'd', { model: 'Qwen/Qwen3-0.6B' });
    expect(
      Testing.synth(b)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata.name),
    ).toEqual(['two']);
  });
});
