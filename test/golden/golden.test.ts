// Golden files: the exact bytes modelstack writes for the example stack, for a matrix of every
// construct option, and for the example stack's local compose files. Refactors must leave them
// unchanged; a deliberate output change regenerates them with UPDATE_GOLDEN=1 and shows up in review.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoModel, Model, OperatorInstall, RayModel, RuntimeOperator, secretKey } from '../../index.js';
import { silentIoHost } from '../../src/io/io-host.js';
import { buildCompose } from '../../src/local/compose/build-compose.js';
import { renderCompose } from '../../src/local/compose/render-compose.js';
import { layoutFiles } from '../../src/synth/layout.js';
import { toYaml } from '../../src/synth/render-yaml.js';
import { synthStacks } from '../../src/synth/synth.js';
import {
  DYNAMO_MATRIX,
  DYNAMO_PRODUCTION,
  fullDynamoProps,
  RAY_DISAGGREGATED,
  RAY_FULL,
  RAY_INCREMENTAL_UPGRADE,
  RAY_ONE_GROUP,
  RAY_PRODUCTION,
} from '../support/construct-matrix.js';
import { repoRoot } from '../support/paths.js';
import { objectsOf } from '../support/stacks.js';

const GOLDEN_DIR = join(repoRoot, 'test', 'golden', 'files');
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (update || !existsSync(path)) {
    if (!update && process.env.CI === 'true') throw new Error(`golden file ${name} is missing (run with UPDATE_GOLDEN=1)`);
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden output', () => {
  test('the example stack, both layouts and the kustomization', async () => {
    const stacks = await synthStacks({ cwd: repoRoot }, silentIoHost);
    for (const layout of ['file-per-chart', 'file-per-resource'] as const) {
      const files = layoutFiles(stacks, { layout, kustomization: true });
      const text = files.map((f) => `# ==> ${f.path}\n${f.content}`).join('');
      golden(`example.${layout}.yaml`, text);
    }
  }, 60_000);

  test('the example stack as local compose files (both flavors)', async () => {
    const stacks = await synthStacks({ cwd: repoRoot }, silentIoHost);
    golden('example.compose-runtime.yaml', renderCompose(buildCompose(stacks, { flavor: 'runtime' })));
    golden('example.compose-engine.yaml', renderCompose(buildCompose(stacks, { flavor: 'engine' })));
  }, 60_000);

  test('the Dynamo construct matrix', () => {
    const objects = objectsOf(
      (s) => {
        for (const p of DYNAMO_MATRIX) {
          const id = `${p.engine}-${p.mode}-${p.router}`;
          new DynamoModel(s, `min-${id}`, { model: 'Qwen/Qwen3-0.6B', ...p });
          new DynamoModel(s, `full-${id}`, { ...fullDynamoProps(p), namespace: 'team-a', gpusPerWorker: 4, image: 'registry.example/dynamo:1.4.0' });
        }
        new DynamoModel(s, 'cpu', { model: 'Qwen/Qwen3-0.6B', gpusPerWorker: 0 });
        new DynamoModel(s, 'versioned', { model: 'Qwen/Qwen3-0.6B', runtimeVersion: '1.3.0', name: 'renamed' });
      },
      { namespace: 'llm' },
    );
    golden('matrix.dynamo.yaml', toYaml(objects));
  });

  test('the Dynamo production shapes (multinode, per-role settings, engine configs, pod settings)', () => {
    const objects = objectsOf(
      (s) => {
        for (const [id, props] of Object.entries(DYNAMO_PRODUCTION)) new DynamoModel(s, id, props);
      },
      { namespace: 'llm' },
    );
    golden('matrix.dynamo-production.yaml', toYaml(objects));
  });

  test('the Ray construct matrix', () => {
    const model = 'Qwen/Qwen2.5-7B-Instruct';
    const objects = objectsOf(
      (s) => {
        new RayModel(s, 'default', { model });
        new RayModel(s, 'pinned', { model, image: 'registry.example/ray-llm:2.52.0', name: 'renamed' });
        new RayModel(s, 'one-group', { model, ...RAY_ONE_GROUP });
        new RayModel(s, 'full', {
          model,
          ...RAY_FULL,
          namespace: 'team-b',
          modelId: 'qwen',
          rayVersion: '2.51.0',
          env: { A: '1', B: { secretKeyRef: secretKey('b', 'key') } },
        });
      },
      { namespace: 'llm' },
    );
    golden('matrix.ray.yaml', toYaml(objects));
  });

  test('the Ray production shapes (typed Serve LLM config, multi-host, upgrade strategies, prefill/decode disaggregation)', () => {
    const model = 'Qwen/Qwen2.5-72B-Instruct';
    const objects = objectsOf(
      (s) => {
        new RayModel(s, 'production', { model, modelId: 'qwen-72b', ...RAY_PRODUCTION });
        new RayModel(s, 'incremental', { model: 'Qwen/Qwen2.5-7B-Instruct', ...RAY_INCREMENTAL_UPGRADE });
        new RayModel(s, 'disaggregated', { model, modelId: 'qwen-72b-pd', ...RAY_DISAGGREGATED });
      },
      { namespace: 'llm' },
    );
    golden('matrix.ray-production.yaml', toYaml(objects));
  });

  test('Model and RuntimeOperator (every install kind)', () => {
    const objects = objectsOf(
      (s) => {
        new RuntimeOperator(s, 'ray-flux', { runtime: 'kuberay', install: OperatorInstall.flux({ interval: '5m' }), values: { image: { tag: 'v1.7.0' } } });
        new RuntimeOperator(s, 'dyn-argo', {
          runtime: 'dynamo',
          namespace: 'dyn-ops',
          version: '1.4.0',
          install: OperatorInstall.argoCd({ project: 'platform', automated: false }),
        });
        new Model(s, 'm-dyn', { runtime: 'dynamo', model: 'Qwen/Qwen3-0.6B', mode: 'disaggregated', router: 'kv' });
        new Model(s, 'm-ray', { runtime: 'kuberay', model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: 'llm' },
    );
    const declared = objectsOf((s) => new RuntimeOperator(s, 'dyn-none', { runtime: 'dynamo' }), { namespace: 'ops' });
    golden('matrix.model-operator.yaml', toYaml([...objects, ...declared]));
  });
});
