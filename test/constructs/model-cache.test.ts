import { DynamoModel, Model, ModelCache, type ModelCacheProps, RayModel, secretKey } from '../../index.js';
import { downloadJobName } from '../../constructs/cache/model-cache.js';
import type { ModelStack } from '../../constructs/model-stack.js';
import { component, container, errorsOf, type Json, objectsOf, refs, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const REV = 'c1899de289a04d12100db370d81485cdf75e47ca';
const PATH = `/model-cache/models/Qwen--Qwen3-0.6B/${REV}`;

function cache(stack: ModelStack, props: Partial<ModelCacheProps> = {}, id = 'weights'): ModelCache {
  return new ModelCache(stack, id, { model: MODEL, revision: REV, size: '20Gi', ...props } as ModelCacheProps);
}

function cacheErrors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new ModelCache(s, 'weights', { model: MODEL, revision: REV, size: '20Gi', ...props } as unknown as ModelCacheProps));
}

function env(c: Json): Record<string, unknown> {
  return Object.fromEntries((c.env as Json[]).map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe('ModelCache defaults', () => {
  test('a ReadWriteMany PVC retained by default and a download Job of the pinned revision', () => {
    const objects = objectsOf((s) => cache(s));
    expect(refs(objects)).toEqual(['PersistentVolumeClaim default/weights', `Job default/${downloadJobName('weights', MODEL, REV)}`]);
    const pvc = single(objects, 'PersistentVolumeClaim');
    expect(pvc.metadata.labels['modelstack.io/model-cache']).toBe('weights');
    expect(pvc.metadata.annotations).toEqual({ 'modelstack.io/removal-policy': 'retain' });
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '20Gi' } } });
    const job = single(objects, 'Job');
    expect(job.metadata.name).toMatch(/^weights-download-[0-9a-f]{8}$/);
    expect(job.spec.backoffLimit).toBe(4);
    expect(job.spec.activeDeadlineSeconds).toBe(14400);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.volumes).toEqual([{ name: 'model-cache', persistentVolumeClaim: { claimName: 'weights' } }]);
    const dl = container(job.spec.template, 'download');
    expect(dl.image).toBe('python:3.12-slim');
    expect(env(dl)).toEqual({ MODEL, REVISION: REV, MODEL_DIR: PATH, HF_HOME: '/model-cache/hf-home' });
    expect(dl.volumeMounts).toEqual([{ name: 'model-cache', mountPath: '/model-cache' }]);
    const script = dl.command[2] as string;
    expect(dl.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(script).toContain('pip install --no-cache-dir --quiet --root-user-action=ignore "huggingface_hub==1.30.0"');
    expect(script).toContain('hf download "$MODEL" --revision "$REVISION" --local-dir "$MODEL_DIR"');
    expect(script).toContain('.modelstack-complete');
  });

  test('the Job name changes with the revision (a Job template is immutable), and stays a DNS label', () => {
    expect(downloadJobName('weights', MODEL, REV)).not.toBe(downloadJobName('weights', MODEL, 'v1.0'));
    expect(downloadJobName('a'.repeat(63), MODEL, REV).length).toBeLessThanOrEqual(63);
  });
});

describe('ModelCache options', () => {
  test('storage class, ReadWriteOnce, retries, timeout, token, own downloader image, labels, removal policy', () => {
    const objects = objectsOf((s) =>
      cache(s, {
        storageClass: 'nfs-client',
        accessMode: 'ReadWriteOnce',
        retries: 9,
        downloadTimeoutSeconds: 600,
        hfTokenSecret: secretKey('hf', 'token'),
        downloaderImage: 'ghcr.io/acme/hf-cli:1.30.0',
        labels: { team: 'ml' },
        removalPolicy: 'delete',
      }),
    );
    const pvc = single(objects, 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'nfs-client' });
    expect(pvc.metadata.annotations['modelstack.io/removal-policy']).toBe('delete');
    expect(pvc.metadata.labels.team).toBe('ml');
    const job = single(objects, 'Job');
    expect(job.spec.backoffLimit).toBe(9);
    expect(job.spec.activeDeadlineSeconds).toBe(600);
    const dl = container(job.spec.template, 'download');
    expect(dl.image).toBe('ghcr.io/acme/hf-cli:1.30.0');
    expect(dl.command[2]).not.toContain('pip install');
    expect(env(dl).HF_TOKEN).toEqual({ secretKeyRef: { name: 'hf', key: 'token' } });
  });

  test('existingClaim: no PVC rendered, the Job downloads into the existing one', () => {
    const objects = objectsOf((s) => cache(s, { size: undefined, existingClaim: 'shared-weights' }));
    expect(objects.map((o) => o.kind)).toEqual(['Job']);
    expect(objects[0]!.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('shared-weights');
  });

  test('compilationCache: a second, ReadWriteMany PVC', () => {
    const objects = objectsOf((s) => cache(s, { storageClass: 'fast', compilationCache: { size: '10Gi' } }));
    const pvcs = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(pvcs.map((p) => p.metadata.name)).toEqual(['weights', 'weights-compile']);
    expect(pvcs[1]!.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'fast' });
  });
});

describe('ModelCache bad input', () => {
  const FIX = `Fix: set revision to a commit hash of ${MODEL} (the "Files and versions" page lists them) or a release tag`;
  test('an unpinned cache is a synth error', () => {
    expect(cacheErrors({ revision: undefined })).toEqual([
      `[test/weights] revision: (unset) is required: an unpinned cache downloads whatever "main" is at the time, and a moving branch silently changes what runs. ${FIX}`,
    ]);
  });
  test.each(['main', 'HEAD', 'refs/pr/3', 'refs/heads/dev'])('a moving branch (%s) is refused', (revision) => {
    expect(cacheErrors({ revision })).toEqual([
      `[test/weights] revision: ${JSON.stringify(revision)} is a branch, which moves: what runs would change without a change to the stack. ${FIX}`,
    ]);
  });
  test('a revision that is no ref name', () => {
    expect(cacheErrors({ revision: '--force' })).toEqual([`[test/weights] revision: "--force" is not a commit hash or tag name. ${FIX}`]);
  });
  test('no size and no existing claim', () => {
    expect(cacheErrors({ size: undefined })).toEqual([
      `[test/weights] size: (unset) is required to create the volume. Fix: set size to the weights' size plus room (e.g. "50Gi"), or set existingClaim to a PVC you made`,
    ]);
  });
  test('volume settings next to existingClaim', () => {
    expect(cacheErrors({ existingClaim: 'x', storageClass: 'nfs', accessMode: 'ReadWriteOnce', removalPolicy: 'delete' })).toEqual([
      '[test/weights] size: "20Gi" has no effect with existingClaim (that PVC has its own size). Fix: remove size, or remove existingClaim to create the volume',
      '[test/weights] storageClass: "nfs" has no effect with existingClaim (that PVC has its own). Fix: remove storageClass, or remove existingClaim to create the volume',
      '[test/weights] accessMode: "ReadWriteOnce" has no effect with existingClaim (that PVC has its own). Fix: remove accessMode, or remove existingClaim to create the volume',
      '[test/weights] removalPolicy: "delete" cannot apply to existingClaim, a PVC the stack did not create and never deletes. Fix: remove removalPolicy, or let the cache create its volume (size) to have it deleted',
    ]);
  });
  test('a model path, an unpinned downloader, a bad size, a literal token, a reserved label, an unknown access mode', () => {
    expect(
      cacheErrors({
        model: '/models/qwen',
        downloaderImage: 'python',
        size: '20GB',
        hfTokenSecret: 'hf_abcdefghijklmnopqrstuvwxyz',
        labels: { 'modelstack.io/stack': 'x' },
        accessMode: 'ReadOnlyMany',
        retries: -1,
      }),
    ).toEqual([
      '[test/weights] hfTokenSecret: "(a string of 29 characters, not shown)" is a Hugging Face token, not a Secret reference. Fix: create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")',
      '[test/weights] size: "20GB" is not valid. Fix: use a size like "50Gi"',
      '[test/weights] accessMode: "ReadOnlyMany" is not allowed. Fix: use one of "ReadWriteMany" | "ReadWriteOnce"',
      '[test/weights] retries: -1 is too small (minimum 0). Fix: use a value of at least 0',
      '[test/weights] model: "/models/qwen" is a path; a cache downloads a Hugging Face repository. Fix: use the Hugging Face id of the model (e.g. "Qwen/Qwen3-0.6B"), or drop the cache and mount the path yourself',
      '[test/weights] downloaderImage: "python" is not pinned to a version (no tag, or "latest"). Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
      '[test/weights] labels.modelstack.io/stack: "x" is a label modelstack sets itself to track what a stack owns. Fix: remove it (set the stack name with ModelStack\'s stackName prop)',
    ]);
  });
});

describe('models that use a cache', () => {
  test('Dynamo: every component mounts the weights read-only; workers load the local revision and wait for the download', () => {
    const objects = objectsOf((s) => new DynamoModel(s, 'qwen', { model: MODEL, cache: cache(s, { compilationCache: { size: '5Gi' } }) }));
    // The Job (and the PVCs) come before the model that mounts them.
    expect(objects.map((o) => o.kind)).toEqual(['PersistentVolumeClaim', 'PersistentVolumeClaim', 'Job', 'DynamoGraphDeployment']);
    const dgd = single(objects, 'DynamoGraphDeployment');
    for (const type of ['frontend', 'worker']) {
      const tpl = component(dgd, type).podTemplate;
      expect(tpl.spec.volumes).toEqual([{ name: 'model-cache', persistentVolumeClaim: { claimName: 'weights', readOnly: true } }]);
      const main = container(tpl, 'main');
      expect(main.volumeMounts).toEqual([{ name: 'model-cache', mountPath: '/model-cache', readOnly: true }]);
      expect(env(main)).toEqual({ HF_HOME: '/model-cache/hf-home', HF_HUB_OFFLINE: '1' });
    }
    expect(component(dgd, 'frontend').podTemplate.spec.initContainers).toBeUndefined();
    const worker = component(dgd, 'worker');
    const args = container(worker.podTemplate, 'main').args as string[];
    expect(args[args.indexOf('--model') + 1]).toBe(PATH);
    expect(args[args.indexOf('--served-model-name') + 1]).toBe(MODEL);
    const init = worker.podTemplate.spec.initContainers as Json[];
    expect(init.map((c) => c.name)).toEqual(['wait-for-model-cache']);
    expect(init[0]!.image).toBe(container(worker.podTemplate, 'main').image);
    expect(init[0]!.command[2]).toContain(`${PATH}/.modelstack-complete`);
    expect(worker.compilationCache).toEqual({ pvcName: 'weights-compile' });
    expect(component(dgd, 'frontend').compilationCache).toBeUndefined();
  });

  test('Ray: head and workers mount the weights; model_source is the local revision, the served id stays the model', () => {
    const objects = objectsOf((s) => new RayModel(s, 'qwen', { model: MODEL, cache: cache(s, { compilationCache: { size: '5Gi' } }) }));
    expect(objects.map((o) => o.kind)).toEqual(['PersistentVolumeClaim', 'PersistentVolumeClaim', 'Job', 'RayService']);
    const rs = single(objects, 'RayService');
    expect(rs.spec.serveConfigV2).toContain(`model_source: ${PATH}`);
    expect(rs.spec.serveConfigV2).toContain(`model_id: ${MODEL}`);
    const headTpl = rs.spec.rayClusterConfig.headGroupSpec.template;
    expect(env(container(headTpl, 'ray-head'))).toEqual({ HF_HOME: '/model-cache/hf-home', HF_HUB_OFFLINE: '1' });
    expect(headTpl.spec.initContainers).toBeUndefined();
    const workerTpl = rs.spec.rayClusterConfig.workerGroupSpecs[0].template;
    const w = container(workerTpl, 'ray-worker');
    expect(env(w)).toEqual({ HF_HOME: '/model-cache/hf-home', HF_HUB_OFFLINE: '1', VLLM_CACHE_ROOT: '/compile-cache' });
    expect(w.volumeMounts).toEqual([
      { name: 'model-cache', mountPath: '/model-cache', readOnly: true },
      { name: 'compile-cache', mountPath: '/compile-cache' },
    ]);
    expect(workerTpl.spec.volumes).toEqual([
      { name: 'model-cache', persistentVolumeClaim: { claimName: 'weights', readOnly: true } },
      { name: 'compile-cache', persistentVolumeClaim: { claimName: 'weights-compile' } },
    ]);
    expect((workerTpl.spec.initContainers as Json[]).map((c) => c.name)).toEqual(['wait-for-model-cache']);
  });

  test('Model passes the cache to either runtime; two models share one cache', () => {
    const objects = objectsOf((s) => {
      const c = cache(s);
      new Model(s, 'a', { runtime: 'dynamo', model: MODEL, cache: c });
      new Model(s, 'b', { runtime: 'kuberay', model: MODEL, cache: c });
    });
    expect(objects.filter((o) => o.kind === 'Job')).toHaveLength(1);
    const dgd = single(objects, 'DynamoGraphDeployment');
    const rs = single(objects, 'RayService');
    expect(component(dgd, 'worker').podTemplate.spec.volumes[0].persistentVolumeClaim.claimName).toBe('weights');
    expect(rs.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('weights');
  });

  test('a cache of another model, in another namespace, a compilation cache for SGLang, HF_HOME set by hand', () => {
    const errors = errorsOf((s) => {
      const c = cache(s, { namespace: 'weights-ns', compilationCache: { size: '1Gi' } });
      new DynamoModel(s, 'd', { model: 'Qwen/Qwen3-8B', engine: 'sglang', cache: c, env: { HF_HOME: '/x' } });
    });
    expect(errors).toEqual([
      '[test/d] cache: "test/weights" is in namespace "weights-ns" but the model is in "default"; a pod mounts only PVCs of its own namespace. Fix: create the ModelCache with namespace: "default", or put the model in "weights-ns"',
      '[test/d] model: "Qwen/Qwen3-8B" is not the model cache "test/weights" downloads ("Qwen/Qwen3-0.6B"). Fix: set model: "Qwen/Qwen3-0.6B", or use a ModelCache of "Qwen/Qwen3-8B"',
      '[test/d] cache: "test/weights" has a compilation cache, which only engine "vllm" uses (engine is "sglang"). Fix: remove compilationCache from the ModelCache, or use a ModelCache without one for this model',
      '[test/d] env.HF_HOME: "(literal value hidden)" is set by modelstack from cache. Fix: remove it from env and use cache',
    ]);
  });

  test('Ray: the same rules', () => {
    const errors = errorsOf((s) => new RayModel(s, 'r', { model: 'Qwen/Qwen3-8B', cache: cache(s), env: { HF_HUB_OFFLINE: '0' } }));
    expect(errors).toEqual([
      '[test/r] env.HF_HUB_OFFLINE: "(literal value hidden)" is set by modelstack from cache. Fix: remove it from env and use cache',
      '[test/r] model: "Qwen/Qwen3-8B" is not the model cache "test/weights" downloads ("Qwen/Qwen3-0.6B"). Fix: set model: "Qwen/Qwen3-0.6B", or use a ModelCache of "Qwen/Qwen3-8B"',
    ]);
  });

  test('a cache prop that is not a ModelCache', () => {
    expect(errorsOf((s) => new DynamoModel(s, 'd', { model: MODEL, cache: { claimName: 'x' } as unknown as ModelCache }))).toEqual([
      '[test/d] cache: {"claimName":"x"} is not a ModelCache. Fix: pass the construct itself: cache: new ModelCache(stack, "weights", { model, revision, size })',
    ]);
  });

  test('an unpinned cache fails the model too, said once (by the cache)', () => {
    const errors = errorsOf((s) => new DynamoModel(s, 'd', { model: MODEL, cache: cache(s, { revision: undefined }) }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[test\/weights\] revision: \(unset\) is required/);
  });
});
