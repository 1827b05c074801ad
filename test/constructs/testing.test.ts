import { DynamoModel, ModelStack, ModelstackApp, RayModel, RuntimeOperator, Testing } from '../../index.js';

describe('Testing', () => {
  test('app() is a ModelstackApp; stack() a ModelStack "test" in a fresh one', () => {
    expect(Testing.app()).toBeInstanceOf(ModelstackApp);
    const stack = Testing.stack({ namespace: 'llm' });
    expect(ModelStack.isModelStack(stack)).toBe(true);
    expect(stack.node.id).toBe('test');
    expect(stack.defaultNamespace).toBe('llm');
    expect(stack.node.scope).toBeInstanceOf(ModelstackApp);
    expect(Testing.stack({}, 'other').node.id).toBe('other');
  });

  test("synth() gives the stack's objects as plain JSON, in apply order", () => {
    const stack = Testing.stack({ namespace: 'llm' });
    new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B' });
    new RuntimeOperator(stack, 'op', { runtime: 'dynamo' });
    const objects = Testing.synth(stack);
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Namespace llm', 'DynamoGraphDeployment qwen']);
    expect(JSON.parse(JSON.stringify(objects))).toEqual(objects);
    expect(objects[1]!.metadata.labels).toMatchObject({ 'modelstack.io/stack': 'test' });
  });

  test('synth() of a stack with problems throws, listing them', () => {
    const stack = Testing.stack();
    new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B', image: 'vllm:latest' });
    expect(() => Testing.synth(stack)).toThrow(/^The stack has 1 problem:\n {2}\[test\/qwen\] image: "vllm:latest" is not pinned/);
  });

  test('problems() lists every problem of an app or a stack as the CLI prints it', () => {
    const app = Testing.app();
    const a = new ModelStack(app, 'a');
    new DynamoModel(a, 'd', { model: 'm/m', tensorParallelSize: 4, gpusPerWorker: 2 });
    const b = new ModelStack(app, 'b');
    new RayModel(b, 'r', { model: 'm/m', engine: 'sglang' });
    new RayModel(b, 'ok', { model: 'm/m' });
    const inB = ['[b/r] engine: "sglang" is not served by runtime "kuberay" (KubeRay serves vllm only). Fix: use engine: "vllm", or runtime: "dynamo"'];
    expect(Testing.problems(app)).toEqual([
      '[a/d] tensorParallelSize: 4 is larger than gpusPerWorker (2); each tensor-parallel rank needs its own GPU. ' +
        'Fix: set gpusPerWorker to at least 4, or lower tensorParallelSize',
      ...inB,
    ]);
    expect(Testing.problems(b)).toEqual(inB);
    expect(Testing.problems(Testing.stack())).toEqual([]);
  });

  test("models() gives the descriptors of the stack's models", () => {
    const stack = Testing.stack();
    new RayModel(stack, 'llama', { model: 'meta/llama', modelId: 'llama' });
    expect(Testing.models(stack)).toEqual([expect.objectContaining({ runtime: 'kuberay', kind: 'RayService', name: 'llama', servedModelName: 'llama' })]);
  });

  test('manifest() is the stack as the toolkit takes it: id, stack name, objects and models', () => {
    const stack = Testing.stack({ namespace: 'llm' }, 'inference');
    new RayModel(stack, 'llama', { model: 'meta/llama' });
    const m = Testing.manifest(stack);
    expect([m.id, m.stackName, m.objects.map((o) => o.kind), m.models?.map((d) => d.name)]).toEqual([
      'inference',
      'inference',
      ['Namespace', 'RayService'],
      ['llama'],
    ]);
  });

  test('the README example', () => {
    const stack = Testing.stack({ namespace: 'llm' });
    new DynamoModel(stack, 'qwen3', { model: 'Qwen/Qwen3-0.6B', tensorParallelSize: 4 });
    expect(Testing.problems(stack)).toEqual([]);
    const objects = Testing.synth(stack);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'DynamoGraphDeployment']);
    expect(Testing.models(stack)[0]).toMatchObject({ servedModelName: 'Qwen/Qwen3-0.6B', gpusPerEngine: 4 });
  });
});
