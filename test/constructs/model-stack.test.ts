import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DynamoModel, Model, ModelStack, ModelstackApp, OperatorInstall, RayModel, RuntimeOperator } from '../../index.js';
import { buildStack, errorsOf, type Json, objectsOf, refs } from '../support/stacks.js';

const DNS_FIX = 'Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';

/** A stack with every kind of object: models of both runtimes and operators installed both ways. */
function mixed(s: ModelStack): void {
  new RuntimeOperator(s, 'dynamo-op', { runtime: 'dynamo', install: OperatorInstall.flux() });
  new RuntimeOperator(s, 'ray-op', { runtime: 'kuberay', install: OperatorInstall.argoCd() });
  new DynamoModel(s, 'd', { model: 'a/b', namespace: 'dyn' });
  new RayModel(s, 'r', { model: 'a/b', namespace: 'ray' });
  new Model(s, 'shared-d', { runtime: 'dynamo', model: 'a/b', namespace: 'both' });
  new Model(s, 'shared-r', { runtime: 'kuberay', model: 'a/b', namespace: 'both' });
}

describe('ModelStack labels', () => {
  test('every object carries managed-by, the stack name and its runtime', () => {
    const objects = objectsOf(mixed, { stackName: 'prod-llm' });
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'modelstack',
        'modelstack.io/stack': 'prod-llm',
      });
      expect(['dynamo', 'kuberay', 'shared']).toContain(o.metadata.labels['modelstack.io/runtime']);
    }
  });

  test('the stack name defaults to the construct id folded to a DNS-1123 label', () => {
    const app = new ModelstackApp();
    const stack = new ModelStack(app, 'Inference_Prod.EU');
    new DynamoModel(stack, 'm', { model: 'a/b' });
    expect(stack.stackName).toBe('inference-prod-eu');
    expect((stack.toJson() as Json[])[0]!.metadata.labels['modelstack.io/stack']).toBe('inference-prod-eu');
  });

  test('extra stack labels go on every object but cannot override the modelstack labels', () => {
    const objects = objectsOf(mixed, {
      labels: { team: 'ml', 'app.kubernetes.io/managed-by': 'helm', 'modelstack.io/stack': 'other' },
    });
    for (const o of objects) {
      expect(o.metadata.labels.team).toBe('ml');
      expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('modelstack');
      expect(o.metadata.labels['modelstack.io/stack']).toBe('test');
    }
  });
});

describe('ModelStack namespaces', () => {
  test('one Namespace per namespace the models use, labelled with its runtime, or "shared"', () => {
    const objects = objectsOf(mixed);
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(Object.fromEntries(namespaces.map((n) => [n.metadata.name, n.metadata.labels['modelstack.io/runtime']]))).toEqual({
      'dynamo-system': 'dynamo',
      dyn: 'dynamo',
      ray: 'kuberay',
      both: 'shared',
    });
  });

  test('a namespace used twice by one runtime stays that runtime', () => {
    const objects = objectsOf(
      (s) => {
        new DynamoModel(s, 'a', { model: 'a/b' });
        new DynamoModel(s, 'b', { model: 'a/b' });
      },
      { namespace: 'llm' },
    );
    expect(refs(objects)).toEqual(['Namespace llm', 'DynamoGraphDeployment llm/a', 'DynamoGraphDeployment llm/b']);
    expect(objects[0]!.metadata.labels['modelstack.io/runtime']).toBe('dynamo');
  });

  test('no Namespace for "default" or other built-in namespaces', () => {
    const objects = objectsOf((s) => {
      new DynamoModel(s, 'a', { model: 'a/b' });
      new RayModel(s, 'b', { model: 'a/b', namespace: 'kube-system' });
    });
    expect(refs(objects)).toEqual(['DynamoGraphDeployment default/a', 'RayService kube-system/b']);
  });

  test('createNamespaces: false renders no Namespace for models', () => {
    const objects = objectsOf(
      (s) => {
        new DynamoModel(s, 'a', { model: 'a/b' });
        new RayModel(s, 'b', { model: 'a/b', namespace: 'ray' });
      },
      { namespace: 'llm', createNamespaces: false },
    );
    expect(refs(objects)).toEqual(['DynamoGraphDeployment llm/a', 'RayService ray/b']);
  });

  test('the stack namespace applies to models without one', () => {
    let stack!: ModelStack;
    objectsOf(
      (s) => {
        stack = s;
        new DynamoModel(s, 'a', { model: 'a/b' });
      },
      { namespace: 'serving' },
    );
    expect(stack.defaultNamespace).toBe('serving');
  });
});

describe('ModelStack scoping', () => {
  test('isModelStack tells a ModelStack from any other chart', () => {
    const app = new App();
    expect(ModelStack.isModelStack(new ModelStack(app, 'ms'))).toBe(true);
    expect(ModelStack.isModelStack(new Chart(app, 'plain'))).toBe(false);
    expect(ModelStack.isModelStack(undefined)).toBe(false);
  });

  test('ModelStack.of finds the stack from nested constructs', () => {
    const { stack } = buildStack(() => {});
    const group = new Construct(stack, 'group');
    const model = new DynamoModel(group, 'm', { model: 'a/b' });
    expect(ModelStack.of(model)).toBe(stack);
    expect(refs(stack.toJson() as Json[])).toEqual(['DynamoGraphDeployment default/m']);
  });

  test('models and operators outside a ModelStack are refused with a fix', () => {
    const chart = new Chart(new App(), 'plain');
    expect(() => new DynamoModel(chart, 'm', { model: 'a/b' })).toThrow(
      '[plain/m] is not inside a ModelStack. Fix: create models and operators with a ModelStack as their scope',
    );
    expect(() => new RuntimeOperator(chart, 'op', { runtime: 'dynamo' })).toThrow(/is not inside a ModelStack/);
  });

  test('a ModelStack works next to plain objects', () => {
    const objects = objectsOf((s) => {
      new ApiObject(s, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    });
    expect(objects[0]!.metadata.labels['modelstack.io/stack']).toBe('test');
  });
});

describe('ModelStack invalid props', () => {
  test('invalid stackName and namespace', () => {
    expect(errorsOf(() => {}, { stackName: 'x'.repeat(64) })).toEqual([`[test] stackName: "${'x'.repeat(64)}" is not a valid label value. ${DNS_FIX}`]);
    expect(errorsOf(() => {}, { stackName: 'Prod Stack', namespace: 'LLM' })).toEqual([
      `[test] stackName: "Prod Stack" is not a valid label value. ${DNS_FIX}`,
      `[test] namespace: "LLM" is not a valid namespace. ${DNS_FIX}`,
    ]);
  });

  test('an invalid stack namespace is reported by the stack and by each model using it; no Namespace is rendered', () => {
    const { app, stack } = buildStack((s) => new DynamoModel(s, 'm', { model: 'a/b' }), { namespace: 'Bad_NS' });
    expect(stack.namespaceObject('Bad_NS', 'dynamo')).toBeUndefined();
    expect(app.report().errors.map((e) => e.path)).toEqual(['test', 'test/m']);
  });
});

describe('one construct, every mistake', () => {
  test('a shape error in one prop does not hide the rules over the other props of the same construct', () => {
    const errors = errorsOf((stack) => {
      new DynamoModel(stack, 'd', { model: 'm', replicas: { worker: -1 }, image: 'repo/img:latest', tensorParallelSize: 4, gpusPerWorker: 2 });
      new RayModel(stack, 'r', { model: 'm', name: 'Bad_Name', engine: 'sglang', autoscaling: { minReplicas: 3, maxReplicas: 1 } });
    });
    expect(errors).toEqual([
      '[test/d] replicas.worker: -1 is too small (minimum 0). Fix: use a value of at least 0',
      '[test/d] tensorParallelSize: 4 is larger than gpusPerWorker (2); each tensor-parallel rank needs its own GPU. Fix: set gpusPerWorker to at least 4, or lower tensorParallelSize',
      '[test/d] image: "repo/img:latest" is not pinned to a version (no tag, or "latest"). Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
      '[test/r] name: "Bad_Name" is not a valid DNS-1123 name. Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
      '[test/r] engine: "sglang" is not served by runtime "kuberay" (KubeRay serves vllm only). Fix: use engine: "vllm", or runtime: "dynamo"',
      '[test/r] autoscaling.minReplicas: 3 is larger than autoscaling.maxReplicas (1). Fix: make minReplicas at most maxReplicas',
    ]);
  });

  test('a rule over an invalid prop is not run with a default in its place', () => {
    // mode is invalid: replicas.prefill must not be judged against the default mode.
    const errors = errorsOf((stack) => {
      new DynamoModel(stack, 'd', { model: 'm', mode: 'split' as never, replicas: { prefill: 2 } });
    });
    expect(errors).toEqual(['[test/d] mode: "split" is not allowed. Fix: use one of "aggregated" | "disaggregated"']);
  });
});
