import type { AppProps, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { KubeObject, StackManifest } from '../src/model/kube-object.js';
import type { ModelDescriptor } from '../src/model/model-descriptor.js';
import { ModelStack, type ModelStackProps } from './model-stack.js';
import { collectErrors, formatErrors, modelDescriptors, ModelstackApp } from './modelstack-app.js';

/**
 * Helpers for unit-testing a stack in-process, without the CLI (like cdk8s's `Testing`):
 *
 *     const stack = Testing.stack();
 *     new DynamoModel(stack, 'qwen', { model: 'Qwen/Qwen3-0.6B' });
 *     expect(Testing.problems(stack)).toEqual([]);
 *     expect(Testing.synth(stack).map((o) => o.kind)).toEqual(['DynamoGraphDeployment']);
 */
export class Testing {
  /** A ModelstackApp to build stacks in. */
  public static app(props: AppProps = {}): ModelstackApp {
    return new ModelstackApp(props);
  }

  /** A ModelStack (construct id "test" unless given) in a fresh app. */
  public static stack(props: ModelStackProps = {}, id = 'test'): ModelStack {
    return new ModelStack(Testing.app(), id, props);
  }

  /**
   * The validation problems of an app or a stack (or any construct), in tree order, as the CLI
   * prints them: `[construct/path] prop: value problem. Fix: ...`. Empty when it is valid.
   */
  public static problems(scope: IConstruct): string[] {
    return collectErrors(scope).map((e) => `[${e.path}] ${e.message}`);
  }

  /**
   * The objects a stack synthesizes, as plain JSON in the order they are applied. Throws an
   * Error listing the stack's problems when it has any, as `modelstack synth` would fail.
   */
  public static synth(stack: Chart): KubeObject[] {
    const errors = collectErrors(stack);
    if (errors.length > 0) throw new Error(formatErrors(errors).trimEnd());
    return stack.toJson() as KubeObject[];
  }

  /** What the stack's models serve (their ModelDescriptors), in construct tree order. */
  public static models(stack: ModelStack): ModelDescriptor[] {
    return modelDescriptors(stack);
  }

  /**
   * The stack as the toolkit takes it (`toolkit.diff({ stacks: [Testing.manifest(stack)] })`):
   * its objects and model descriptors, as `modelstack synth` would hand them over.
   */
  public static manifest(stack: ModelStack): StackManifest {
    return {
      id: stack.node.id,
      stackName: stack.stackName,
      ...(stack.stackId ? { stackId: stack.stackId } : {}),
      objects: Testing.synth(stack),
      models: Testing.models(stack),
    };
  }

  private constructor() {}
}
