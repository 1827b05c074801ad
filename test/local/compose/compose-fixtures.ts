// Stacks built in-process for the compose tests, and the compose-spec schema they are checked against.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { ModelStack, type ModelStackProps, ModelstackApp } from '../../../index.js';
import type { KubeObject, StackManifest } from '../../../src/model/kube-object.js';
import type { ComposeFile, ComposeService } from '../../../src/local/compose/compose-types.js';

/** The stacks of an app with one ModelStack "test" filled by `build`; fails on validation errors. */
export function stacksOf(build: (stack: ModelStack) => void, props?: ModelStackProps): StackManifest[] {
  const app = new ModelstackApp();
  build(new ModelStack(app, 'test', props));
  const report = app.report();
  expect(report.errors.map((e) => `[${e.path}] ${e.message}`)).toEqual([]);
  return report.charts.map((c) => ({
    id: c.id,
    stackName: c.stackName,
    objects: c.objects as unknown as KubeObject[],
    ...(c.models ? { models: c.models } : {}),
  }));
}

export function services(file: ComposeFile): [string, ComposeService][] {
  return Object.entries(file.services);
}

export function service(file: ComposeFile, name: string): ComposeService {
  const s = file.services[name];
  expect(s).toBeDefined();
  return s!;
}

/**
 * The compose-spec JSON schema as shipped by the dclint package (schemas/compose.schema.json, the
 * upstream compose-spec schema). Read from node_modules, never copied into this repository.
 */
export function composeSpecValidator(): (doc: unknown) => string[] {
  const require = createRequire(import.meta.url);
  const path = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  expect(schema.title).toBe('Compose Specification');
  // The schema names its draft as "https://json-schema.org/draft-07/schema", an id Ajv does not
  // register; draft-07 is Ajv's default, so the reference is dropped rather than aliased.
  expect(schema.$schema).toMatch(/draft-07/);
  const { $schema: _draft, ...body } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(body);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map(formatError));
}

function formatError(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`;
}
