// Helpers shared by the unit tests: build a stack in-process, read its errors or its objects.
import { ModelStack, type ModelStackProps, type ModelstackApp, Testing } from '../../index.js';
import type { KubeObject } from '../../src/model/kube-object.js';

export type Json = Record<string, any>;

export interface Built {
  readonly app: ModelstackApp;
  readonly stack: ModelStack;
}

/** A ModelstackApp with one ModelStack "test", filled by `build`. */
export function buildStack(build: (stack: ModelStack) => void, props?: ModelStackProps): Built {
  const app = Testing.app();
  const stack = new ModelStack(app, 'test', props);
  build(stack);
  return { app, stack };
}

/** Every validation error of the stack, formatted as the CLI prints it: `[path] message`. */
export function errorsOf(build: (stack: ModelStack) => void, props?: ModelStackProps): string[] {
  return Testing.problems(buildStack(build, props).app);
}

/** The stack's objects in apply order; fails the test when the stack has errors. */
export function objectsOf(build: (stack: ModelStack) => void, props?: ModelStackProps): Json[] {
  const { app, stack } = buildStack(build, props);
  expect(Testing.problems(app)).toEqual([]);
  return Testing.synth(stack) as Json[];
}

/** The one object of `kind` (fails when there are none or several). */
export function single(objects: readonly Json[], kind: string): Json {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** `Kind namespace/name` of every object, in order. */
export function refs(objects: readonly (Json | KubeObject)[]): string[] {
  return objects.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
}

/** A DynamoGraphDeployment's component of a type ("frontend", "worker", "prefill", "decode"). */
export function component(dgd: Json, type: string): Json {
  const c = (dgd.spec.components as Json[]).filter((x) => x.type === type);
  expect(c).toHaveLength(1);
  return c[0]!;
}

/** The container named `name` of a pod template. */
export function container(template: Json, name: string): Json {
  const c = (template.spec.containers as Json[]).find((x) => x.name === name);
  expect(c).toBeDefined();
  return c!;
}
