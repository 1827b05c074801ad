import { JsonPatch } from 'cdk8s';
import { DynamoModel, type DynamoModelProps, type Engine, ModelStack, secretKey } from '../../index.js';
import { component, container, errorsOf, type Json, objectsOf, single } from '../support/stacks.js';

const MODEL = 'Qwen/Qwen3-0.6B';
const DNS_FIX = 'Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';
const HF_LITERAL = 'hf_abcdefghijklmnopqrstuvwx';

/** The DynamoGraphDeployment of one DynamoModel "m" in stack "test". */
function dgd(props: Partial<DynamoModelProps> = {}, stackProps?: ConstructorParameters<typeof ModelStack>[2]): Json {
  const objects = objectsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props }), stackProps);
  return single(objects, 'DynamoGraphDeployment');
}

function main(c: Json): Json {
  return container(c.podTemplate, 'main');
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new DynamoModel(s, 'm', { model: MODEL, ...props } as unknown as DynamoModelProps));
}

const PREFIX: Record<Engine, string> = { vllm: 'Vllm', sglang: 'Sglang', trtllm: 'Trtllm' };
const IMAGE_REPO: Record<Engine, string> = {
  vllm: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime',
  sglang: 'nvcr.io/nvidia/ai-dynamo/sglang-runtime',
  trtllm: 'nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime',
};
const MODEL_FLAG: Record<Engine, string> = { vllm: '--model', sglang: '--model-path', trtllm: '--model-path' };
const TP_FLAG: Record<Engine, string> = { vllm: '--tensor-parallel-size', sglang: '--tp', trtllm: '--tensor-parallel-size' };
const KV_ARGS: Record<Engine, string[]> = {
  vllm: ['--kv-events-config', '{"publisher":"zmq","topic":"kv-events","endpoint":"tcp://*:20080","enable_kv_cache_events":true}'],
  sglang: ['--kv-events-config', '{"publisher":"zmq","topic":"kv-events","endpoint":"tcp://*:20080"}'],
  trtllm: ['--publish-events-and-metrics'],
};
const ENGINES: Engine[] = ['vllm', 'sglang', 'trtllm'];

describe('DynamoModel defaults', () => {
  test('one aggregated vLLM graph named after the construct id, in the stack namespace', () => {
    const objects = objectsOf((s) => new DynamoModel(s, 'My_Qwen.Model', { model: MODEL }));
    // "default" gets no Namespace object.
    expect(objects.map((o) => o.kind)).toEqual(['DynamoGraphDeployment']);
    const d = objects[0]!;
    expect(d.apiVersion).toBe('nvidia.com/v1beta1');
    expect(d.metadata).toEqual({
      name: 'my-qwen-model',
      namespace: 'default',
      labels: {
        'app.kubernetes.io/managed-by': 'modelstack',
        'modelstack.io/runtime': 'dynamo',
        'modelstack.io/stack': 'test',
      },
    });
    expect(d.spec.backendFramework).toBe('vllm');
    expect(d.spec.components.map((c: Json) => [c.name, c.type, c.replicas])).toEqual([
      ['Frontend', 'frontend', 1],
      ['VllmWorker', 'worker', 1],
    ]);
  });

  test('the frontend serves HTTP on 8000 with the runtime image and no env', () => {
    const f = main(component(dgd(), 'frontend'));
    expect(f).toEqual({
      name: 'main',
      image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0',
      command: ['python3', '-m', 'dynamo.frontend'],
      args: ['--http-port', '8000'],
      ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
    });
  });

  test('the worker serves the model under its own name with one GPU', () => {
    const w = main(component(dgd(), 'worker'));
    expect(w).toEqual({
      name: 'main',
      image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0',
      command: ['python3', '-m', 'dynamo.vllm'],
      args: ['--model', MODEL, '--served-model-name', MODEL, '--tensor-parallel-size', '1'],
      resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } },
    });
  });

  test('exposes name, namespace, runtime and the rendered ApiObject', () => {
    let model!: DynamoModel;
    objectsOf((s) => {
      model = new DynamoModel(s, 'm', { model: MODEL, name: 'explicit', namespace: 'llm' });
    });
    expect(model.runtime).toBe('dynamo');
    expect(model.name).toBe('explicit');
    expect(model.namespace).toBe('llm');
    expect(model.apiObject?.kind).toBe('DynamoGraphDeployment');
  });

  test('name and namespace props override the defaults', () => {
    const d = dgd({ name: 'qwen-small', namespace: 'serving' }, { namespace: 'other' });
    expect(d.metadata.name).toBe('qwen-small');
    expect(d.metadata.namespace).toBe('serving');
  });

  test('the namespace defaults to the stack namespace', () => {
    expect(dgd({}, { namespace: 'llm' }).metadata.namespace).toBe('llm');
  });

  test('snapshot: default aggregated vLLM graph', () => {
    expect(dgd()).toMatchSnapshot();
  });
});

describe.each(ENGINES)('engine %s', (engine) => {
  test('aggregated: engine module, image, backendFramework and argument names', () => {
    const d = dgd({ engine, tensorParallelSize: 2 });
    expect(d.spec.backendFramework).toBe(engine);
    expect(d.spec.components.map((c: Json) => c.name)).toEqual(['Frontend', `${PREFIX[engine]}Worker`]);
    const w = main(component(d, 'worker'));
    expect(w.command).toEqual(['python3', '-m', `dynamo.${engine}`]);
    expect(w.image).toBe(`${IMAGE_REPO[engine]}:1.4.0`);
    expect(main(component(d, 'frontend')).image).toBe(`${IMAGE_REPO[engine]}:1.4.0`);
    expect(w.args).toEqual([MODEL_FLAG[engine], MODEL, '--served-model-name', MODEL, TP_FLAG[engine], '2']);
    expect(w.resources.limits['nvidia.com/gpu']).toBe('2');
  });

  test('disaggregated: a prefill and a decode worker with the engine disaggregation flags', () => {
    const d = dgd({ engine, mode: 'disaggregated' });
    expect(d.spec.components.map((c: Json) => [c.name, c.type])).toEqual([
      ['Frontend', 'frontend'],
      [`${PREFIX[engine]}PrefillWorker`, 'prefill'],
      [`${PREFIX[engine]}DecodeWorker`, 'decode'],
    ]);
    for (const role of ['prefill', 'decode']) {
      const args: string[] = main(component(d, role)).args;
      const base = [MODEL_FLAG[engine], MODEL, '--served-model-name', MODEL, TP_FLAG[engine], '1'];
      const extra: Record<Engine, string[]> = {
        vllm: ['--disaggregation-mode', role, '--kv-transfer-config', '{"kv_connector":"NixlConnector","kv_role":"kv_both"}'],
        sglang: ['--disaggregation-mode', role, '--disaggregation-transfer-backend', 'nixl', '--disaggregation-bootstrap-port', '12345'],
        // The role's TensorRT-LLM engine config (a ConfigMap mounted into the role).
        trtllm: ['--disaggregation-mode', role, '--extra-engine-args', '/etc/modelstack/engine-config/config.yaml'],
      };
      expect(args).toEqual([...base, ...extra[engine]]);
    }
  });

  test('KV routing: DYN_ROUTER_MODE=kv on the frontend, KV events published by every worker', () => {
    for (const mode of ['aggregated', 'disaggregated'] as const) {
      const d = dgd({ engine, mode, router: 'kv' });
      expect(main(component(d, 'frontend')).env).toEqual([{ name: 'DYN_ROUTER_MODE', value: 'kv' }]);
      const roles = mode === 'aggregated' ? ['worker'] : ['prefill', 'decode'];
      for (const role of roles) {
        const args: string[] = main(component(d, role)).args;
        expect(args.slice(-KV_ARGS[engine].length)).toEqual(KV_ARGS[engine]);
        expect(main(component(d, role)).env).toBeUndefined();
      }
    }
  });

  test('round-robin routing: no router env, no KV event flags', () => {
    for (const mode of ['aggregated', 'disaggregated'] as const) {
      for (const router of [undefined, 'round-robin'] as const) {
        const d = dgd({ engine, mode, ...(router ? { router } : {}) });
        expect(main(component(d, 'frontend')).env).toBeUndefined();
        for (const c of d.spec.components.slice(1) as Json[]) {
          const args: string[] = main(c).args;
          expect(args).not.toContain(KV_ARGS[engine][0]);
        }
      }
    }
  });

  test('runtimeVersion selects the image tag', () => {
    const d = dgd({ engine, runtimeVersion: '1.5.0-rc1' });
    for (const c of d.spec.components as Json[]) expect(main(c).image).toBe(`${IMAGE_REPO[engine]}:1.5.0-rc1`);
  });
});

describe('DynamoModel options', () => {
  test('replicas per component, aggregated', () => {
    const d = dgd({ replicas: { frontend: 2, worker: 3 } });
    expect(d.spec.components.map((c: Json) => c.replicas)).toEqual([2, 3]);
  });

  test('replicas per component, disaggregated (0 workers is allowed)', () => {
    const d = dgd({ mode: 'disaggregated', replicas: { frontend: 1, prefill: 0, decode: 4 } });
    expect(d.spec.components.map((c: Json) => [c.type, c.replicas])).toEqual([
      ['frontend', 1],
      ['prefill', 0],
      ['decode', 4],
    ]);
  });

  test('gpusPerWorker sets the nvidia.com/gpu limit and request of the main container', () => {
    const d = dgd({ mode: 'disaggregated', tensorParallelSize: 2, gpusPerWorker: 4 });
    for (const role of ['prefill', 'decode']) {
      const w = main(component(d, role));
      expect(w.resources).toEqual({ limits: { 'nvidia.com/gpu': '4' }, requests: { 'nvidia.com/gpu': '4' } });
      expect(w.args).toEqual(expect.arrayContaining(['--tensor-parallel-size', '2']));
    }
    expect(main(component(d, 'frontend')).resources).toBeUndefined();
  });

  test('gpusPerWorker defaults to tensorParallelSize', () => {
    const w = main(component(dgd({ tensorParallelSize: 8 }), 'worker'));
    expect(w.resources.limits).toEqual({ 'nvidia.com/gpu': '8' });
    expect(w.args.slice(-2)).toEqual(['--tensor-parallel-size', '8']);
  });

  test('gpusPerWorker 0 renders CPU-only workers without GPU resources', () => {
    const d = dgd({ gpusPerWorker: 0 });
    const w = main(component(d, 'worker'));
    expect(w).not.toHaveProperty('resources');
    expect(JSON.stringify(d)).not.toContain('nvidia.com/gpu');
  });

  test('servedModelName is the name workers serve under', () => {
    for (const engine of ENGINES) {
      const args: string[] = main(component(dgd({ engine, servedModelName: 'qwen3' }), 'worker')).args;
      expect(args.slice(0, 4)).toEqual([MODEL_FLAG[engine], MODEL, '--served-model-name', 'qwen3']);
    }
  });

  test('an image override wins over runtimeVersion and applies to every component', () => {
    const d = dgd({ mode: 'disaggregated', runtimeVersion: '1.5.0', image: 'registry.example.com/dynamo/vllm:custom-7' });
    for (const c of d.spec.components as Json[]) expect(main(c).image).toBe('registry.example.com/dynamo/vllm:custom-7');
  });

  test('a digest-pinned image is accepted', () => {
    const image = `registry.example.com/dynamo/vllm@sha256:${'a'.repeat(64)}`;
    expect(main(component(dgd({ image }), 'worker')).image).toBe(image);
  });

  test('hfTokenSecret becomes HF_TOKEN from the Secret on workers and the frontend (it loads the tokenizer)', () => {
    const d = dgd({ mode: 'disaggregated', hfTokenSecret: secretKey('hf-token', 'token') });
    for (const role of ['frontend', 'prefill', 'decode']) {
      expect(main(component(d, role)).env).toEqual([{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } }]);
    }
  });

  test('env is sorted by name, holds literals and secret refs, and goes to every component', () => {
    const d = dgd({
      router: 'kv',
      hfTokenSecret: secretKey('hf', 'tok'),
      env: { ZED: 'z', API_KEY: { secretKeyRef: secretKey('openai', 'key') }, ALPHA: 'a' },
    });
    const userEnv = [
      { name: 'ALPHA', value: 'a' },
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'openai', key: 'key' } } },
      { name: 'ZED', value: 'z' },
    ];
    expect(main(component(d, 'frontend')).env).toEqual([
      { name: 'DYN_ROUTER_MODE', value: 'kv' },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'tok' } } },
      ...userEnv,
    ]);
    expect(main(component(d, 'worker')).env).toEqual([{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'tok' } } }, ...userEnv]);
  });

  test('env order does not depend on the order the props object was built in', () => {
    const a = dgd({ env: { B: '2', A: '1', C: '3' } });
    const b = dgd({ env: { C: '3', A: '1', B: '2' } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  test('workerArgs go after the engine args of every worker; frontendArgs after the frontend port', () => {
    const d = dgd({ mode: 'disaggregated', router: 'kv', workerArgs: ['--max-model-len', '4096'], frontendArgs: ['--verbose'] });
    expect(main(component(d, 'frontend')).args).toEqual(['--http-port', '8000', '--verbose']);
    for (const role of ['prefill', 'decode']) {
      const args: string[] = main(component(d, role)).args;
      expect(args.slice(-2)).toEqual(['--max-model-len', '4096']);
      expect(args).toContain('--kv-events-config');
    }
  });

  test('labels and annotations go on the DynamoGraphDeployment next to the ownership labels', () => {
    const d = dgd({ labels: { team: 'ml' }, annotations: { 'example.com/owner': 'alice' } });
    expect(d.metadata.labels).toEqual({
      team: 'ml',
      'app.kubernetes.io/managed-by': 'modelstack',
      'modelstack.io/runtime': 'dynamo',
      'modelstack.io/stack': 'test',
    });
    expect(d.metadata.annotations).toEqual({ 'example.com/owner': 'alice' });
    expect(dgd().metadata).not.toHaveProperty('annotations');
  });
});

describe('DynamoModel podTemplate', () => {
  const tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];

  test('"all" patches every component', () => {
    const d = dgd({ mode: 'disaggregated', podTemplate: { all: { spec: { tolerations }, metadata: { labels: { tier: 'llm' } } } } });
    for (const c of d.spec.components as Json[]) {
      expect(c.podTemplate.spec.tolerations).toEqual(tolerations);
      expect(c.podTemplate.metadata).toEqual({ labels: { tier: 'llm' } });
    }
  });

  test('a role patch applies to that role only, after "all"', () => {
    const d = dgd({
      mode: 'disaggregated',
      podTemplate: {
        all: { spec: { nodeSelector: { pool: 'cpu' } } },
        decode: { spec: { nodeSelector: { pool: 'h100' } } },
      },
    });
    expect(component(d, 'frontend').podTemplate.spec.nodeSelector).toEqual({ pool: 'cpu' });
    expect(component(d, 'prefill').podTemplate.spec.nodeSelector).toEqual({ pool: 'cpu' });
    expect(component(d, 'decode').podTemplate.spec.nodeSelector).toEqual({ pool: 'h100' });
  });

  test('containers and env merge by name; a new container is appended; other lists replace', () => {
    const d = dgd({
      env: { A: '1' },
      podTemplate: {
        worker: {
          spec: {
            containers: [
              {
                name: 'main',
                env: [
                  { name: 'A', value: 'patched' },
                  { name: 'B', value: '2' },
                ],
                image: 'registry.example/vllm:patched',
              },
              { name: 'sidecar', image: 'busybox:1.36' },
            ],
          },
        },
      },
    });
    const containers: Json[] = component(d, 'worker').podTemplate.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['main', 'sidecar']);
    expect(containers[0]!.env).toEqual([
      { name: 'A', value: 'patched' },
      { name: 'B', value: '2' },
    ]);
    // A scalar replaces; the rendered args are kept (a patch may not set them).
    expect(containers[0]!.image).toBe('registry.example/vllm:patched');
    expect(containers[0]!.args.slice(0, 2)).toEqual(['--model', MODEL]);
    expect(containers[1]).toEqual({ name: 'sidecar', image: 'busybox:1.36' });
    // The frontend is untouched.
    expect(main(component(d, 'frontend')).env).toEqual([{ name: 'A', value: '1' }]);
  });

  test('snapshot: disaggregated SGLang with KV routing, secrets, env and patches', () => {
    const d = dgd({
      engine: 'sglang',
      mode: 'disaggregated',
      router: 'kv',
      replicas: { frontend: 2, prefill: 1, decode: 3 },
      tensorParallelSize: 2,
      servedModelName: 'qwen3',
      hfTokenSecret: secretKey('hf-token', 'token'),
      env: { LOG_LEVEL: 'debug' },
      workerArgs: ['--mem-fraction-static', '0.8'],
      podTemplate: { all: { spec: { tolerations } }, decode: { metadata: { annotations: { note: 'decode' } } } },
      labels: { team: 'ml' },
      annotations: { owner: 'alice' },
    });
    expect(d).toMatchSnapshot();
  });
});

describe('DynamoModel credentials set around the props (podTemplate, addJsonPatch)', () => {
  const ENV_FIX = "Fix: take it from a Secret: valueFrom: { secretKeyRef: { name: '<secret-name>', key: '<key>' } } in place of value";
  const HF_FIX = 'Fix: remove it and set hfTokenSecret: secretKey("<secret-name>", "<key>") instead';

  test('a literal credential in podTemplate env is refused at synth, like one in env, without showing it', () => {
    const problems = errors({
      podTemplate: { worker: { spec: { containers: [{ name: 'main', env: [{ name: 'OPENAI_API_KEY', value: 'sk-plain-text-key' }] }] } } },
    });
    expect(problems).toEqual([
      '[test/m] spec.components[1].podTemplate.spec.containers[0].env[0].value: "(literal value hidden)" is the credential ' +
        'OPENAI_API_KEY written as a literal in the rendered DynamoGraphDeployment (set through podTemplate or addJsonPatch); ' +
        `it would be stored in plain text in your manifests. ${ENV_FIX}`,
    ]);
    expect(problems.join('\n')).not.toContain('sk-plain-text-key');
  });

  test('a Hugging Face token added with addJsonPatch (env or args) is refused at synth, without showing it', () => {
    const problems = errorsOf((s) => {
      const m = new DynamoModel(s, 'm', { model: MODEL });
      m.apiObject!.addJsonPatch(
        JsonPatch.add('/spec/components/1/podTemplate/spec/containers/0/env', [{ name: 'HF_TOKEN', value: HF_LITERAL }]),
        JsonPatch.add('/spec/components/0/podTemplate/spec/containers/0/args/-', `--token=${HF_LITERAL}`),
      );
    });
    expect(problems).toEqual([
      '[test/m] spec.components[0].podTemplate.spec.containers[0].args[2]: "(literal value hidden)" holds a Hugging Face token ' +
        `written as a literal in the rendered DynamoGraphDeployment. ${HF_FIX}`,
      '[test/m] spec.components[1].podTemplate.spec.containers[0].env[0].value: "(literal value hidden)" is the credential ' +
        'HF_TOKEN written as a literal in the rendered DynamoGraphDeployment (set through podTemplate or addJsonPatch); ' +
        `it would be stored in plain text in your manifests. ${ENV_FIX}`,
    ]);
    expect(problems.join('\n')).not.toContain(HF_LITERAL);
  });

  test('plain settings and Secret references through podTemplate and addJsonPatch pass', () => {
    const objects = objectsOf((s) => {
      const m = new DynamoModel(s, 'm', {
        model: MODEL,
        podTemplate: {
          worker: {
            spec: {
              containers: [
                {
                  name: 'main',
                  env: [
                    { name: 'LOG_LEVEL', value: 'debug' },
                    { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
                  ],
                },
              ],
            },
          },
        },
      });
      m.apiObject!.addJsonPatch(JsonPatch.add('/spec/components/0/podTemplate/spec/containers/0/env', [{ name: 'TOKENIZERS_PARALLELISM', value: 'false' }]));
    });
    const d = single(objects, 'DynamoGraphDeployment');
    expect(main(component(d, 'worker')).env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
    ]);
    expect(main(component(d, 'frontend')).env).toEqual([{ name: 'TOKENIZERS_PARALLELISM', value: 'false' }]);
  });
});

describe('DynamoModel invalid props', () => {
  test('tensorParallelSize larger than gpusPerWorker', () => {
    expect(errors({ tensorParallelSize: 4, gpusPerWorker: 2 })).toEqual([
      '[test/m] tensorParallelSize: 4 is larger than gpusPerWorker (2); each tensor-parallel rank needs its own GPU. ' +
        'Fix: set gpusPerWorker to at least 4, or lower tensorParallelSize',
    ]);
    // CPU-only workers run one rank.
    expect(errors({ tensorParallelSize: 2, gpusPerWorker: 0 })).toEqual([
      '[test/m] tensorParallelSize: 2 is larger than gpusPerWorker (0); each tensor-parallel rank needs its own GPU. ' +
        'Fix: set gpusPerWorker to at least 2, or lower tensorParallelSize',
    ]);
    expect(errors({ tensorParallelSize: 2, gpusPerWorker: 2 })).toEqual([]);
  });

  test('invalid DNS-1123 name and namespace', () => {
    expect(errors({ name: 'Qwen_Model', namespace: 'LLM' })).toEqual([
      `[test/m] name: "Qwen_Model" is not a valid DNS-1123 name. ${DNS_FIX}`,
      `[test/m] namespace: "LLM" is not a valid DNS-1123 name. ${DNS_FIX}`,
    ]);
    expect(errors({ name: 'a'.repeat(64) })).toEqual([`[test/m] name: "${'a'.repeat(64)}" is not a valid DNS-1123 name. ${DNS_FIX}`]);
  });

  test('a name derived from an id that folds to nothing is invalid', () => {
    expect(errorsOf((s) => new DynamoModel(s, '___', { model: MODEL }))).toEqual([`[test/___] name: "" is not a valid DNS-1123 name. ${DNS_FIX}`]);
  });

  test('hfTokenSecret given as a string', () => {
    const fix = 'Fix: create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")';
    // A token of any form (not only hf_...) may be put there by mistake: the value is never echoed.
    const other = 'sk-live-0123456789abcdef0123456789abcd';
    expect(errors({ hfTokenSecret: other })).toEqual([`[test/m] hfTokenSecret: "(a string of 38 characters, not shown)" is not a Secret reference. ${fix}`]);
    const literal = errors({ hfTokenSecret: HF_LITERAL });
    expect(literal).toEqual([`[test/m] hfTokenSecret: "(a string of 27 characters, not shown)" is a Hugging Face token, not a Secret reference. ${fix}`]);
    const wrapped = errors({ hfTokenSecret: { name: 'hf', key: 'token', value: other } });
    expect(wrapped).toEqual([`[test/m] hfTokenSecret: "(an object with keys name, key, value, not shown)" is not a Secret reference. ${fix}`]);
    expect([...literal, ...wrapped, ...errors({ hfTokenSecret: other })].join('\n')).not.toMatch(new RegExp(`${HF_LITERAL}|${other}`));
  });

  test('credentials written as env literals', () => {
    const msg = (name: string) =>
      `[test/m] env.${name}: "(literal value hidden)" is a credential written as a literal; it would be stored in plain text ` +
      `in your manifests. Fix: store it in a Secret and reference it: env: { ${name}: { secretKeyRef: secretKey('<secret-name>', '<key>') } }`;
    const out = errors({ env: { HF_TOKEN: 'abc', API_KEY: 'sk-123', MY_VAR: HF_LITERAL, SAFE: 'x' } });
    expect(out).toEqual([msg('HF_TOKEN'), msg('API_KEY'), msg('MY_VAR')]);
    expect(out.join('\n')).not.toContain('sk-123');
    expect(out.join('\n')).not.toContain(HF_LITERAL);
    expect(errors({ env: { HF_TOKEN: { secretKeyRef: secretKey('hf', 'token') } } })).toEqual([]);
  });

  test('a Hugging Face token in workerArgs or frontendArgs', () => {
    const fix = 'Fix: remove it and set hfTokenSecret: secretKey("<secret-name>", "<key>") instead';
    const out = errors({ workerArgs: ['--hf-token', HF_LITERAL], frontendArgs: [HF_LITERAL] });
    expect(out).toEqual([
      `[test/m] workerArgs[1]: "(literal value hidden)" is a Hugging Face token written as a literal argument. ${fix}`,
      `[test/m] frontendArgs[0]: "(literal value hidden)" is a Hugging Face token written as a literal argument. ${fix}`,
    ]);
    expect(out.join('\n')).not.toContain(HF_LITERAL);
  });

  test('unpinned images', () => {
    const msg = (image: string) =>
      `[test/m] image: "${image}" is not pinned to a version (no tag, or "latest"). ` +
      'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."';
    expect(errors({ image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime' })).toEqual([msg('nvcr.io/nvidia/ai-dynamo/vllm-runtime')]);
    expect(errors({ image: 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:latest' })).toEqual([msg('nvcr.io/nvidia/ai-dynamo/vllm-runtime:latest')]);
    // A registry port is not a tag.
    expect(errors({ image: 'localhost:5000/vllm' })).toEqual([msg('localhost:5000/vllm')]);
  });

  test('replicas and podTemplate for roles the mode does not have', () => {
    const aggFix = 'Fix: remove it, or set mode: "disaggregated" to run prefill and decode workers';
    expect(errors({ replicas: { prefill: 2 }, podTemplate: { decode: { spec: {} } } })).toEqual([
      `[test/m] replicas.prefill: 2 has no effect in mode "aggregated". ${aggFix}`,
      `[test/m] podTemplate.decode: {"spec":{}} has no effect in mode "aggregated". ${aggFix}`,
    ]);
    const disFix = 'Fix: remove it and use prefill / decode, or set mode: "aggregated"';
    expect(errors({ mode: 'disaggregated', replicas: { worker: 2 }, podTemplate: { worker: { spec: {} } } })).toEqual([
      `[test/m] replicas.worker: 2 has no effect in mode "disaggregated". ${disFix}`,
      `[test/m] podTemplate.worker: {"spec":{}} has no effect in mode "disaggregated". ${disFix}`,
    ]);
  });

  test('unknown props name every known prop', () => {
    expect(errors({ replica: 2 })).toEqual([
      '[test/m] replica: 2 is not a known prop. Fix: remove it (known props: model, modelRevision, servedModelName, name, namespace, engine, mode, ' +
        'router, replicas, tensorParallelSize, pipelineParallelSize, gpusPerWorker, multinode, roles, planner, epp, envFromSecret, runtimeVersion, ' +
        'image, hfTokenSecret, env, workerArgs, frontendArgs, podTemplate, labels, annotations, cache, metrics)',
    ]);
    expect(errors({ replicas: { workers: 2 } })).toEqual(['[test/m] replicas.workers: 2 is not a known prop. Fix: remove it']);
    expect(errors({ podTemplate: { worker: { spec: {}, tolerations: [] } } })).toEqual([
      '[test/m] podTemplate.worker.tolerations: [] is not a known prop. Fix: remove it',
    ]);
  });

  test('type errors from the schema', () => {
    expect(errors({ replicas: { frontend: -1 } })).toEqual(['[test/m] replicas.frontend: -1 is too small (minimum 0). Fix: use a value of at least 0']);
    expect(errors({ tensorParallelSize: 1.5 })).toEqual(['[test/m] tensorParallelSize: 1.5 is not a valid int. Fix: use a whole number']);
    expect(errors({ tensorParallelSize: 0 })).toEqual(['[test/m] tensorParallelSize: 0 is too small (minimum 1). Fix: use a value of at least 1']);
    expect(errors({ engine: 'llamacpp' })).toEqual(['[test/m] engine: "llamacpp" is not allowed. Fix: use one of "vllm" | "sglang" | "trtllm"']);
    expect(errors({ mode: 'split', router: 'random' })).toEqual([
      '[test/m] mode: "split" is not allowed. Fix: use one of "aggregated" | "disaggregated"',
      '[test/m] router: "random" is not allowed. Fix: use one of "round-robin" | "kv"',
    ]);
    expect(errors({ runtimeVersion: 'v1.4' })).toEqual(['[test/m] runtimeVersion: "v1.4" is not valid. Fix: use a version like "1.4.0"']);
    expect(errors({ model: '' })).toEqual(['[test/m] model: "" is too small (length minimum 1). Fix: use at least 1 character']);
    expect(errors({ workerArgs: '--x' })).toEqual(['[test/m] workerArgs: "--x" is not a valid array. Fix: pass an array']);
  });

  test('every problem of one construct is reported, and nothing is rendered', () => {
    let model!: DynamoModel;
    const out = errorsOf((s) => {
      model = new DynamoModel(s, 'm', {
        model: MODEL,
        image: 'vllm',
        tensorParallelSize: 2,
        gpusPerWorker: 1,
        env: { PASSWORD: 'x' },
      });
    });
    expect(out.map((e) => e.split(':')[0])).toEqual(['[test/m] tensorParallelSize', '[test/m] image', '[test/m] env.PASSWORD']);
    expect(model.apiObject).toBeUndefined();
  });
});
