import { collectErrors, ModelStack, type ModelStackProps, ModelstackApp } from '../../../index.js';
import type { KubeObject, StackManifest } from '../../../src/model/kube-object.js';

/** A stack built in-process, as `modelstack synth` would hand it to apply and diff. */
export function stackManifest(stackName: string, build: (stack: ModelStack) => void, props: ModelStackProps = {}): StackManifest {
  const app = new ModelstackApp();
  const stack = new ModelStack(app, stackName, { stackId: `${stackName.slice(0, 50)}-0000test`, ...props });
  build(stack);
  const errors = collectErrors(app);
  if (errors.length > 0) throw new Error(errors.map((e) => `[${e.path}] ${e.message}`).join('\n'));
  return { id: stackName, stackName: stack.stackName, ...(stack.stackId ? { stackId: stack.stackId } : {}), objects: stack.toJson() as KubeObject[] };
}
