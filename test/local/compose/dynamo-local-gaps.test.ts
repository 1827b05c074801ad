// What a local run of a production Dynamo shape does with the parts a container engine cannot
// give as Kubernetes does: mounted engine configs, whole-Secret env, other volumes, and the
// planner / endpoint-picker components. Each is either reproduced or said, never dropped silently.
import { parse } from 'yaml';
import { DynamoModel, type DynamoModelProps, secretKey } from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import { NOTES_EXTENSION } from '../../../src/local/compose/compose-types.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { loadComposeText } from '../../../src/local/run/compose-model.js';
import type { StackManifest } from '../../../src/model/kube-object.js';
import { composeSpecValidator, stacksOf } from './compose-fixtures.js';

function dynamo(props: Partial<DynamoModelProps>, id = 'qwen'): StackManifest[] {
  return stacksOf((s) => {
    new DynamoModel(s, id, { model: 'Qwen/Qwen3-0.6B', ...props });
  });
}

describe('Dynamo production shapes in a local run', () => {
  test("TensorRT-LLM disaggregated: each role's engine config (a ConfigMap of the stack) is an inline compose config at the path its flag names", () => {
    const stacks = dynamo({ engine: 'trtllm', mode: 'disaggregated' });
    const configMaps = stacks[0]!.objects.filter((o) => o.kind === 'ConfigMap');
    expect(configMaps).toHaveLength(2);
    const compose = buildCompose(stacks);
    for (const role of ['prefill', 'decode']) {
      const svc = compose.services[`qwen-${role}`]!;
      const command = svc.command ?? [];
      const flag = command.indexOf('--extra-engine-args');
      expect(flag).toBeGreaterThan(-1);
      const path = command[flag + 1]!;
      const mounted = (svc.configs ?? []).find((c) => c.target === path);
      expect(mounted).toBeDefined();
      const cm = configMaps.find((o) => o.metadata.name?.includes(role))!;
      const data = (cm as unknown as { data: Record<string, string> }).data;
      expect(compose.configs![mounted!.source]!.content).toBe(Object.values(data)[0]);
    }
    expect(compose[NOTES_EXTENSION]).toBeUndefined();
    const validate = composeSpecValidator();
    expect([...validate(compose), ...validate(parse(renderCompose(compose)))]).toEqual([]);
  });

  test('a ConfigMap the stack does not render cannot be mounted: a LOCAL error naming it', () => {
    const stacks = dynamo({ engine: 'trtllm', mode: 'disaggregated' });
    const withoutConfigMaps: StackManifest[] = [{ ...stacks[0]!, objects: stacks[0]!.objects.filter((o) => o.kind !== 'ConfigMap') }];
    expect(() => buildCompose(withoutConfigMaps)).toThrow(/^qwen: component \w+ mounts ConfigMap [\w-]+, which the stack does not render$/);
  });

  test('envFromSecret: HF_TOKEN is passed by name to the workers and the frontend, and the rest of the Secret is said to be left out', () => {
    const compose = buildCompose(dynamo({ envFromSecret: 'hf-secrets' }));
    for (const name of ['qwen-frontend', 'qwen-worker']) expect(compose.services[name]!.environment).toContain('HF_TOKEN');
    expect(compose[NOTES_EXTENSION]).toEqual([
      'qwen: component VllmWorker takes every key of Secret hf-secrets as env; a local run passes only HF_TOKEN, from your environment',
    ]);
  });

  test('a role volume (a claim) is not mounted, and said; the note reaches local up as a warning through the file', () => {
    const compose = buildCompose(
      dynamo({
        hfTokenSecret: secretKey('hf-token', 'token'),
        roles: {
          worker: {
            volumes: [{ name: 'models', persistentVolumeClaim: { claimName: 'model-cache' } }],
            volumeMounts: [{ name: 'models', mountPath: '/models' }],
          },
        },
      }),
    );
    const note = 'qwen: volume models (persistentVolumeClaim) of component VllmWorker is not mounted in a local run (at /models)';
    expect(compose[NOTES_EXTENSION]).toEqual([note]);
    const text = renderCompose(compose);
    expect((parse(text) as Record<string, unknown>)[NOTES_EXTENSION]).toEqual([note]);
    expect(loadComposeText(text, { env: {} }).warnings).toContain(note);
  });

  test('planner and endpoint picker components do not run locally, and that is said', () => {
    const compose = buildCompose(
      dynamo({
        mode: 'disaggregated',
        planner: {},
        epp: {
          image: 'registry.example/dynamo-epp:1.4.0',
          config: {
            plugins: [{ type: 'single-profile-handler' }],
            schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'single-profile-handler' }] }],
          },
        },
      }),
    );
    expect(Object.keys(compose.services).sort()).toEqual(['qwen-decode', 'qwen-frontend', 'qwen-prefill']);
    // The notes field is a compose extension: the file stays valid against the compose spec.
    const validate = composeSpecValidator();
    expect([...validate(compose), ...validate(parse(renderCompose(compose)))]).toEqual([]);
    expect(compose[NOTES_EXTENSION]).toEqual([
      'qwen: component Planner (type planner) does not run in a local run: the SLA planner scales the workers through the Kubernetes operator and reads Prometheus',
      'qwen: component Epp (type epp) does not run in a local run: the endpoint picker serves a Gateway API InferencePool',
    ]);
  });
});
