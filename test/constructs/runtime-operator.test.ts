import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { DynamoModel, Model, OperatorInstall, RayModel, RuntimeOperator, type RuntimeOperatorProps } from '../../index.js';
import { buildStack, errorsOf, type Json, objectsOf, refs, single } from '../support/stacks.js';

function operatorObjects(props: RuntimeOperatorProps): Json[] {
  return objectsOf((s) => new RuntimeOperator(s, 'op', props));
}

/** Every ApiObject under `scope`, rendered without the chart's validation (which would throw). */
function rendered(scope: IConstruct): Json[] {
  return scope.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => o.toJson() as Json);
}

function errors(props: Record<string, unknown>): string[] {
  return errorsOf((s) => new RuntimeOperator(s, 'op', props as unknown as RuntimeOperatorProps));
}

describe('RuntimeOperator defaults', () => {
  test('namespace and version come from the runtime registry; install defaults to none', () => {
    const { stack } = buildStack(() => {});
    const dynamo = new RuntimeOperator(stack, 'd', { runtime: 'dynamo' });
    const ray = new RuntimeOperator(stack, 'r', { runtime: 'kuberay' });
    expect([dynamo.runtime, dynamo.namespace, dynamo.version, dynamo.install.kind]).toEqual(['dynamo', 'dynamo-system', '1.4.0', 'none']);
    expect([ray.runtime, ray.namespace, ray.version, ray.install.kind]).toEqual(['kuberay', 'kuberay-system', '1.7.0', 'none']);
    expect(stack.operatorFor('dynamo')).toBe(dynamo);
    expect(stack.operatorFor('kuberay')).toBe(ray);
  });

  test('OperatorInstall.none() renders nothing', () => {
    expect(operatorObjects({ runtime: 'dynamo' })).toEqual([]);
    expect(operatorObjects({ runtime: 'kuberay', install: OperatorInstall.none(), values: { a: 1 } })).toEqual([]);
  });
});

describe('RuntimeOperator with Flux', () => {
  test('renders Namespace, HelmRepository and a HelmRelease pinned to the default version, in that order', () => {
    const objects = operatorObjects({ runtime: 'dynamo', install: OperatorInstall.flux() });
    expect(refs(objects)).toEqual(['Namespace dynamo-system', 'HelmRepository dynamo-system/ai-dynamo', 'HelmRelease dynamo-system/dynamo-platform']);
    for (const o of objects) expect(o.metadata.labels['modelstack.io/runtime']).toBe('dynamo');
    const repo = single(objects, 'HelmRepository');
    expect(repo.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(repo.spec).toEqual({ interval: '10m', url: 'https://helm.ngc.nvidia.com/nvidia/ai-dynamo' });
    const release = single(objects, 'HelmRelease');
    expect(release.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(release.spec).toEqual({
      interval: '10m',
      releaseName: 'dynamo-platform',
      targetNamespace: 'dynamo-system',
      chart: {
        spec: {
          chart: 'dynamo-platform',
          version: '1.4.0',
          sourceRef: { kind: 'HelmRepository', name: 'ai-dynamo', namespace: 'dynamo-system' },
        },
      },
      install: { crds: 'CreateReplace' },
      upgrade: { crds: 'CreateReplace' },
    });
  });

  test('namespace, version, interval and values', () => {
    const objects = operatorObjects({
      runtime: 'kuberay',
      namespace: 'ray-ops',
      version: '1.6.1',
      install: OperatorInstall.flux({ interval: '1h' }),
      values: { resources: { limits: { cpu: '1' } } },
    });
    expect(refs(objects)).toEqual(['Namespace ray-ops', 'HelmRepository ray-ops/kuberay', 'HelmRelease ray-ops/kuberay-operator']);
    const release = single(objects, 'HelmRelease');
    expect(release.spec.chart.spec.version).toBe('1.6.1');
    expect(release.spec.interval).toBe('1h');
    expect(release.spec.values).toEqual({ resources: { limits: { cpu: '1' } } });
    expect(single(objects, 'HelmRepository').spec).toEqual({ interval: '1h', url: 'https://ray-project.github.io/kuberay-helm/' });
  });

  test('snapshot: KubeRay operator installed by Flux', () => {
    expect(operatorObjects({ runtime: 'kuberay', install: OperatorInstall.flux() })).toMatchSnapshot();
  });

  test('an operator namespace shared with models or another operator is one Namespace object', () => {
    const objects = objectsOf((s) => {
      new DynamoModel(s, 'm', { model: 'a/b', namespace: 'ops' });
      new RuntimeOperator(s, 'd', { runtime: 'dynamo', namespace: 'ops', install: OperatorInstall.flux() });
      new RuntimeOperator(s, 'r', { runtime: 'kuberay', namespace: 'ops', install: OperatorInstall.flux() });
    });
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(refs(namespaces)).toEqual(['Namespace ops']);
    expect(namespaces[0]!.metadata.labels['modelstack.io/runtime']).toBe('shared');
    expect(refs(objects)[0]).toBe('Namespace ops');
  });

  test('the operator namespace is rendered even with createNamespaces: false', () => {
    const objects = objectsOf(
      (s) => {
        new DynamoModel(s, 'm', { model: 'a/b', namespace: 'llm' });
        new RuntimeOperator(s, 'd', { runtime: 'dynamo', install: OperatorInstall.flux() });
      },
      { createNamespaces: false },
    );
    expect(refs(objects.filter((o) => o.kind === 'Namespace'))).toEqual(['Namespace dynamo-system']);
  });
});

describe('RuntimeOperator with Argo CD', () => {
  test('renders one Application with server-side apply', () => {
    const objects = operatorObjects({ runtime: 'dynamo', install: OperatorInstall.argoCd() });
    expect(refs(objects)).toEqual(['Application argocd/dynamo-operator']);
    const app = objects[0]!;
    expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(app.metadata.labels['modelstack.io/runtime']).toBe('dynamo');
    expect(app.spec).toEqual({
      project: 'default',
      source: {
        repoURL: 'https://helm.ngc.nvidia.com/nvidia/ai-dynamo',
        chart: 'dynamo-platform',
        targetRevision: '1.4.0',
        helm: { releaseName: 'dynamo-platform' },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'dynamo-system' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
      },
    });
  });

  test('Argo CD namespace, project, manual sync, version and values', () => {
    const [app] = operatorObjects({
      runtime: 'kuberay',
      version: '1.6.0',
      values: { image: { tag: 'v1.6.0' } },
      install: OperatorInstall.argoCd({ namespace: 'gitops', project: 'platform', automated: false }),
    });
    expect(app!.metadata).toMatchObject({ name: 'kuberay-operator', namespace: 'gitops' });
    expect(app!.spec.project).toBe('platform');
    expect(app!.spec.source.targetRevision).toBe('1.6.0');
    expect(app!.spec.source.helm).toEqual({ releaseName: 'kuberay-operator', valuesObject: { image: { tag: 'v1.6.0' } } });
    expect(app!.spec.syncPolicy).toEqual({ syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] });
  });
});

describe('models depend on their operator', () => {
  const position = (objects: Json[], kind: string) => objects.findIndex((o) => o.kind === kind);

  test.each([
    ['before', true],
    ['after', false],
  ])('operator declared %s the models: operator objects come first', (_when, operatorFirst) => {
    const objects = objectsOf(
      (s) => {
        if (operatorFirst) {
          new RuntimeOperator(s, 'dynamo-op', { runtime: 'dynamo', install: OperatorInstall.flux() });
          new RuntimeOperator(s, 'ray-op', { runtime: 'kuberay', install: OperatorInstall.argoCd() });
        }
        new DynamoModel(s, 'direct', { model: 'a/b' });
        new Model(s, 'wrapped', { runtime: 'dynamo', model: 'a/b' });
        new RayModel(s, 'ray', { model: 'a/b' });
        if (!operatorFirst) {
          new RuntimeOperator(s, 'dynamo-op', { runtime: 'dynamo', install: OperatorInstall.flux() });
          new RuntimeOperator(s, 'ray-op', { runtime: 'kuberay', install: OperatorInstall.argoCd() });
        }
      },
      { namespace: 'llm' },
    );
    const release = position(objects, 'HelmRelease');
    const dgds = objects.flatMap((o, i) => (o.kind === 'DynamoGraphDeployment' ? [i] : []));
    expect(dgds).toHaveLength(2);
    for (const i of dgds) expect(i).toBeGreaterThan(release);
    expect(position(objects, 'RayService')).toBeGreaterThan(position(objects, 'Application'));
    // Namespaces come before everything that lives in them.
    expect(position(objects, 'HelmRepository')).toBeGreaterThan(objects.findIndex((o) => o.metadata.name === 'dynamo-system'));
    for (const i of [...dgds, position(objects, 'RayService')]) {
      expect(i).toBeGreaterThan(objects.findIndex((o) => o.kind === 'Namespace' && o.metadata.name === 'llm'));
    }
  });

  test('the dependency is recorded on the model construct either way', () => {
    const { stack } = buildStack(() => {});
    const early = new DynamoModel(stack, 'early', { model: 'a/b' });
    const op = new RuntimeOperator(stack, 'op', { runtime: 'dynamo' });
    const late = new DynamoModel(stack, 'late', { model: 'a/b' });
    const ray = new RayModel(stack, 'ray', { model: 'a/b' });
    expect(early.node.dependencies).toContain(op);
    expect(late.node.dependencies).toContain(op);
    expect(ray.node.dependencies).not.toContain(op);
  });
});

describe('RuntimeOperator invalid props', () => {
  test('a second operator for one runtime', () => {
    const out = errorsOf((s) => {
      new RuntimeOperator(s, 'op1', { runtime: 'dynamo' });
      new RuntimeOperator(s, 'op2', { runtime: 'dynamo', install: OperatorInstall.flux() });
      new RuntimeOperator(s, 'ray', { runtime: 'kuberay' });
    });
    expect(out).toEqual(['[test/op2] runtime: "dynamo" already has a RuntimeOperator in this stack. Fix: declare each runtime\'s operator once per stack']);
  });

  test('the duplicate renders nothing and does not replace the first', () => {
    const { stack } = buildStack(() => {});
    const first = new RuntimeOperator(stack, 'op1', { runtime: 'kuberay', install: OperatorInstall.argoCd() });
    new RuntimeOperator(stack, 'op2', { runtime: 'kuberay', install: OperatorInstall.flux() });
    expect(stack.operatorFor('kuberay')).toBe(first);
    expect(refs(rendered(stack))).toEqual(['Application argocd/kuberay-operator']);
  });

  test('unpinned or malformed versions', () => {
    for (const version of ['latest', '1.4', 'v1.4.0', '>=1.4.0']) {
      expect(errors({ runtime: 'dynamo', version })).toEqual([
        `[test/op] version: ${JSON.stringify(version)} is not valid. Fix: pin an exact chart version like "1.4.0"`,
      ]);
    }
    expect(errors({ runtime: 'dynamo', version: '1.4.0-rc.1' })).toEqual([]);
  });

  test('unknown runtime, bad namespace, install given as a string, unknown props', () => {
    expect(errors({ runtime: 'vertex' })).toEqual(['[test/op] runtime: "vertex" is not allowed. Fix: use one of "dynamo" | "kuberay"']);
    expect(errors({ runtime: 'dynamo', namespace: 'Dynamo' })).toEqual([
      '[test/op] namespace: "Dynamo" is not a valid DNS-1123 name. ' +
        'Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
    ]);
    expect(errors({ runtime: 'dynamo', install: 'flux' })).toEqual([
      '[test/op] install: "flux" is not valid. Fix: use OperatorInstall.none(), OperatorInstall.flux() or OperatorInstall.argoCd()',
    ]);
    expect(errors({ runtime: 'dynamo', chart: 'x' })).toEqual([
      '[test/op] chart: "x" is not a known prop. Fix: remove it (known props: runtime, namespace, version, install, values)',
    ]);
  });

  test('an install option the GitOps CRD would reject: a Flux interval not in its duration form, an Argo CD namespace not a DNS label', () => {
    // Flux helm-controller v1.4.0 / source-controller v1.7.0 CRDs: spec.interval must match ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$.
    for (const interval of ['10 minutes', '1d', '', '5']) {
      expect(errors({ runtime: 'kuberay', install: OperatorInstall.flux({ interval }) })).toEqual([
        `[test/op] install: ${JSON.stringify(interval)} is not a valid Flux interval. Fix: use a Go duration of ms, s, m and h parts, like "10m" or "1h30m"`,
      ]);
    }
    expect(errors({ runtime: 'kuberay', install: OperatorInstall.flux({ interval: '1h30m' }) })).toEqual([]);
    expect(errors({ runtime: 'kuberay', install: OperatorInstall.flux({ interval: '1.5h' }) })).toEqual([]);
    expect(errors({ runtime: 'kuberay', install: OperatorInstall.argoCd({ namespace: 'Argo CD' }) })).toEqual([
      '[test/op] install: "Argo CD" is not a valid Argo CD namespace. ' +
        'Fix: use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
    ]);
  });

  test('an invalid operator renders nothing', () => {
    const { stack } = buildStack(() => {});
    const op = new RuntimeOperator(stack, 'op', { runtime: 'dynamo', version: 'latest', install: OperatorInstall.flux() });
    expect(rendered(stack)).toEqual([]);
    // The valid case does render (so the check above can fail).
    const ok = buildStack((s) => new RuntimeOperator(s, 'op', { runtime: 'dynamo', install: OperatorInstall.flux() }));
    expect(rendered(ok.stack)).toHaveLength(3);
    expect(op.version).toBe('latest');
  });
});
