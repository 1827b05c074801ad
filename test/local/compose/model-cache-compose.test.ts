// A ModelCache in a local run: a named volume and a one-shot download service that the model's
// services depend on (completed successfully) and mount read-only where the cluster mounts it.
import { parse } from 'yaml';
import { DynamoModel, type DynamoModelProps, Model, ModelCache, type ModelCacheProps, type ModelStack, RayModel, secretKey } from '../../../index.js';
import { downloadScript } from '../../../constructs/cache/model-cache.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import type { ComposeFile, ComposeFlavor } from '../../../src/local/compose/compose-types.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import { planProject } from '../../../src/local/run/run-plan.js';
import { service, stacksOf } from './compose-fixtures.js';
import { thrown } from '../../support/thrown.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const REV = 'c1899de289a04d12100db370d81485cdf75e47ca';
const PATH = `/model-cache/models/Qwen--Qwen3-0.6B/${REV}`;
const token = secretKey('hf-token', 'token');

function cache(s: ModelStack, props: Partial<ModelCacheProps> = {}, id = 'weights'): ModelCache {
  return new ModelCache(s, id, { model: MODEL, revision: REV, size: '20Gi', ...props } as ModelCacheProps);
}

function dynamoCached(props: Partial<DynamoModelProps> = {}, cacheProps: Partial<ModelCacheProps> = {}) {
  return stacksOf((s) => {
    new DynamoModel(s, 'qwen', { model: MODEL, cache: cache(s, cacheProps), ...props });
  });
}

const READ_ONLY_MOUNT = { type: 'volume', source: 'weights', target: '/model-cache', read_only: true };
const COMPLETED = { condition: 'service_completed_successfully' };

describe('buildCompose: a model cache', () => {
  test('Dynamo runtime flavor: a one-shot download service first, writing into the cache volume', () => {
    const file = buildCompose(dynamoCached());
    expect(Object.keys(file.services)).toEqual(['weights-download', 'qwen-frontend', 'qwen-worker']);
    expect(file.volumes?.weights).toEqual({});
    const dl = service(file, 'weights-download');
    // The download the cluster's Job runs, the same image and script ($ escaped for compose).
    expect(dl.image).toBe('python:3.12-slim');
    expect(dl.entrypoint).toEqual(['sh', '-c', downloadScript(true).replaceAll('$', '$$$$')]);
    expect(dl.command).toBeUndefined();
    expect(dl.environment).toEqual([`MODEL=${MODEL}`, `REVISION=${REV}`, `MODEL_DIR=${PATH}`, 'HF_HOME=/model-cache/hf-home']);
    expect(dl.volumes).toEqual([{ type: 'volume', source: 'weights', target: '/model-cache' }]);
    expect(dl.ports).toBeUndefined();
    expect(dl.healthcheck).toBeUndefined();
    expect(dl.depends_on).toBeUndefined();
    expect(dl.ipc).toBeUndefined();
    expect(dl['x-modelstack']).toEqual({ model: 'qwen', role: 'download' });
    expect(dl.labels).toMatchObject({ 'modelstack.io/role': 'download', 'modelstack.io/service': 'weights-download' });
  });

  test('Dynamo runtime flavor: frontend and worker mount the volume read-only at /model-cache and wait for the download', () => {
    const file = buildCompose(dynamoCached());
    const worker = service(file, 'qwen-worker');
    expect(worker.volumes).toContainEqual(READ_ONLY_MOUNT);
    expect(worker.depends_on).toEqual({ 'weights-download': COMPLETED });
    // The rendered engine args point at the local path, offline: they work as written.
    expect(worker.command).toEqual(expect.arrayContaining(['--model', PATH]));
    expect(worker.environment).toEqual(expect.arrayContaining(['HF_HOME=/model-cache/hf-home', 'HF_HUB_OFFLINE=1']));
    const fe = service(file, 'qwen-frontend');
    expect(fe.volumes).toContainEqual(READ_ONLY_MOUNT);
    expect(fe.depends_on).toEqual({ 'qwen-worker': { condition: 'service_healthy' }, 'weights-download': COMPLETED });
    // The cache's PVC is mounted, so it is not among what the local run leaves out.
    expect(JSON.stringify(file['x-modelstack-notes'] ?? [])).not.toContain('model-cache');
  });

  test('engine flavor: the server loads the local path (no --revision) and waits for the download', () => {
    const file = buildCompose(dynamoCached({ modelRevision: REV }), { flavor: 'engine' });
    expect(Object.keys(file.services)).toEqual(['weights-download', 'qwen-engine']);
    const engine = service(file, 'qwen-engine');
    expect(engine.command).toEqual(expect.arrayContaining([PATH]));
    // Served under the model's name, as on the cluster; loaded from the cache's directory.
    expect(engine.command!.slice(engine.command!.indexOf('--served-model-name'))).toEqual(expect.arrayContaining(['--served-model-name', MODEL]));
    expect(engine.command!.filter((a) => a === MODEL)).toHaveLength(1);
    expect(engine.command).not.toContain('--revision');
    expect(engine.volumes).toContainEqual(READ_ONLY_MOUNT);
    expect(engine.depends_on).toEqual({ 'weights-download': COMPLETED });
    expect(engine.environment).toEqual(expect.arrayContaining(['HF_HOME=/model-cache/hf-home', 'HF_HUB_OFFLINE=1']));
  });

  test('Ray runtime flavor: the Ray service mounts the volume and waits; its Serve config loads the local path', () => {
    const file = buildCompose(
      stacksOf((s) => {
        new RayModel(s, 'llama', { model: MODEL, modelId: 'qwen3', cache: cache(s) });
      }),
    );
    expect(Object.keys(file.services)).toEqual(['weights-download', 'llama-ray']);
    const ray = service(file, 'llama-ray');
    expect(ray.volumes).toContainEqual(READ_ONLY_MOUNT);
    expect(ray.depends_on).toEqual({ 'weights-download': COMPLETED });
    const config = parse(file.configs!['llama-serve-config']!.content) as { applications: { args: { llm_configs: unknown[] } }[] };
    expect(config.applications[0]!.args.llm_configs[0]).toMatchObject({ model_loading_config: { model_source: PATH } });
  });

  test('several models sharing one cache share one download service and one volume', () => {
    const file = buildCompose(
      stacksOf((s) => {
        const c = cache(s);
        new Model(s, 'a', { runtime: 'dynamo', model: MODEL, cache: c });
        new Model(s, 'b', { runtime: 'kuberay', model: MODEL, cache: c });
      }),
    );
    expect(Object.keys(file.services)).toEqual(['weights-download', 'a-frontend', 'a-worker', 'b-ray']);
    expect(Object.keys(file.volumes ?? {}).sort()).toEqual(['a-discovery', 'hf-cache', 'weights']);
    for (const svc of ['a-frontend', 'a-worker', 'b-ray']) {
      expect(service(file, svc).depends_on).toMatchObject({ 'weights-download': COMPLETED });
      expect(service(file, svc).volumes).toContainEqual(READ_ONLY_MOUNT);
    }
    // The download belongs to the first model that uses it.
    expect(service(file, 'weights-download')['x-modelstack']).toEqual({ model: 'a', role: 'download' });
  });

  test('two caches: a download service and a volume each, every model waits only for its own', () => {
    const file = buildCompose(
      stacksOf((s) => {
        new DynamoModel(s, 'a', { model: MODEL, cache: cache(s) });
        new DynamoModel(s, 'b', { model: 'Qwen/Qwen3-8B', cache: cache(s, { model: 'Qwen/Qwen3-8B' }, 'big') });
      }),
    );
    expect(Object.keys(file.services)).toEqual(['weights-download', 'big-download', 'a-frontend', 'a-worker', 'b-frontend', 'b-worker']);
    expect(service(file, 'a-worker').depends_on).toEqual({ 'weights-download': COMPLETED });
    expect(service(file, 'b-worker').depends_on).toEqual({ 'big-download': COMPLETED });
    expect(service(file, 'b-worker').volumes).toContainEqual({ ...READ_ONLY_MOUNT, source: 'big' });
    expect(service(file, 'big-download').environment).toContain('MODEL_DIR=/model-cache/models/Qwen--Qwen3-8B/' + REV);
  });

  test('the HF token of the download is passed by name from the caller, never as a value', () => {
    const file = buildCompose(dynamoCached({ hfTokenSecret: token }, { hfTokenSecret: token, downloaderImage: 'ghcr.io/example/hf:1' }));
    const dl = service(file, 'weights-download');
    expect(dl.image).toBe('ghcr.io/example/hf:1');
    // A downloader image of one's own has the CLI: no pip install.
    expect(dl.entrypoint).toEqual(['sh', '-c', downloadScript(false).replaceAll('$', '$$$$')]);
    expect(dl.environment).toContain('HF_TOKEN');
    expect(dl.environment!.filter((e) => e.startsWith('HF_TOKEN='))).toEqual([]);
    expect(service(file, 'qwen-worker').environment).toContain('HF_TOKEN');
  });

  test('a compilation cache is not used locally, and the file says so', () => {
    const file = buildCompose(dynamoCached({}, { compilationCache: { size: '5Gi' } }));
    expect(file['x-modelstack-notes']).toContain(
      'qwen: compilation cache weights-compile of model cache weights is not used in a local run (vLLM compiles into its container)',
    );
    expect(Object.keys(file.volumes ?? {})).not.toContain('weights-compile');
  });

  test("an existing claim becomes a volume of the claim's name", () => {
    const file = buildCompose(dynamoCached({}, { size: undefined, existingClaim: 'shared-weights' }));
    expect(file.volumes?.['shared-weights']).toEqual({});
    expect(service(file, 'weights-download').volumes).toEqual([{ type: 'volume', source: 'shared-weights', target: '/model-cache' }]);
    expect(service(file, 'qwen-worker').volumes).toContainEqual({ ...READ_ONLY_MOUNT, source: 'shared-weights' });
  });

  test('two different caches of one name (in two namespaces) cannot share a download service: a clear error', () => {
    const stacks = stacksOf((s) => {
      new DynamoModel(s, 'a', { model: MODEL, namespace: 'one', cache: cache(s, { namespace: 'one' }, 'w1') });
      new DynamoModel(s, 'b', {
        model: MODEL,
        namespace: 'two',
        cache: cache(s, { namespace: 'two', name: 'w1', revision: 'v2.0' }, 'w2'),
      });
    });
    const e = thrown(() => buildCompose(stacks));
    expect(e.code).toBe('LOCAL');
    expect(e.message).toBe(
      'two model caches named "w1" download different things (Qwen/Qwen3-0.6B@c1899de289a04d12100db370d81485cdf75e47ca and Qwen/Qwen3-0.6B@v2.0)',
    );
    expect(e.hint).toMatch(/name/);
  });

  test('a cache volume named like another volume of the file is refused', () => {
    const e = thrown(() => buildCompose(dynamoCached({}, { name: 'hf-cache' })));
    expect(e.message).toBe('model cache "hf-cache" would use volume "hf-cache", which the file already declares for something else');
    expect(e.hint).toMatch(/--hf-cache|name/);
  });

  test.each<ComposeFlavor>(['runtime', 'engine'])(
    'read back (flavor %s): the download script is exact, the condition and the read-only mount survive',
    (flavor) => {
      const file: ComposeFile = buildCompose(dynamoCached(), { flavor, project: 'p' });
      const project = loadComposeText(renderCompose(file), { env: {} });
      const dl = project.services.find((s) => s.name === 'weights-download')!;
      expect(dl.entrypoint).toEqual(['sh', '-c', downloadScript(true)]);
      expect(dl.volumes).toEqual([{ kind: 'volume', source: 'p_weights', target: '/model-cache' }]);
      const engine = project.services.find((s) => s.name === (flavor === 'engine' ? 'qwen-engine' : 'qwen-worker'))!;
      expect(engine.dependsOn).toEqual([{ service: 'weights-download', condition: 'service_completed_successfully' }]);
      expect(engine.volumes).toContainEqual({ kind: 'volume', source: 'p_weights', target: '/model-cache', readOnly: true });
      const plan = planProject(project);
      expect(plan.services[0]!.service).toBe('weights-download');
      expect(plan.volumes.map((v) => v.name)).toContain('p_weights');
    },
  );
});
