// The first apply of a stack that installs its own operators: which objects install a runtime,
// what preflight refuses and what it leaves to apply to wait for, and the order apply writes in.
// The cluster is the in-memory FakeKube; the real API server's side is test/integration/bootstrap.
import { OperatorInstall, RayModel, DynamoModel, RuntimeOperator, Testing, type ModelStack } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import { dependsOnRuntime, operatorInstalls } from '../../src/apply/operator-installs.js';
import { preflight } from '../../src/apply/preflight.js';
import type { IoMessage } from '../../src/io/io-host.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { runtimeInfo } from '../../src/runtimes/registry.js';
import { runCleanups } from '../../src/util/cleanup.js';
import { FakeKube, forbidden, healthyRuntime } from '../support/fake-kube.js';
import { rejection as failure } from '../support/thrown.js';

const kuberay = runtimeInfo('kuberay');

function objectsOf(build: (stack: ModelStack) => void): KubeObject[] {
  const stack = Testing.stack({ namespace: 'llm', stackId: 'boot-0000test' }, 'boot');
  build(stack);
  return Testing.synth(stack);
}
const manifest = (objects: KubeObject[]): StackManifest => ({ id: 'boot', stackName: 'boot', stackId: 'boot-0000test', objects });

/** A stack that installs KubeRay with Flux and serves one Ray model. */
const RAY_WITH_FLUX = (): KubeObject[] =>
  objectsOf((s) => {
    new RuntimeOperator(s, 'kuberay', { runtime: 'kuberay', install: OperatorInstall.flux() });
    new RayModel(s, 'ray', { model: 'Qwen/Qwen2.5-7B-Instruct' });
  });

/** A cluster with Flux's kinds served and neither runtime installed. */
function fluxCluster(): FakeKube {
  return new FakeKube()
    .serveBuiltins()
    .serve('source.toolkit.fluxcd.io/v1', 'HelmRepository')
    .serve('helm.toolkit.fluxcd.io/v2', 'HelmRelease')
    .serve('argoproj.io/v1alpha1', 'Application');
}

/** Plays what Flux and the operator would do: the runtime's CRDs, its kinds served, a healthy operator. */
function playInstall(c: FakeKube, info = kuberay): void {
  for (const o of healthyRuntime(info)) c.put(o);
  c.serve(`${info.model.group}/${info.model.version}`, info.model.kind);
}

/** An IoHost that runs `onWait` at the first OPERATOR_WAIT "waiting" message. */
class WaitHost extends RecordingIoHost {
  private fired = false;
  public constructor(private readonly onWait: () => void) {
    super();
  }
  public override notify(msg: IoMessage): void {
    super.notify(msg);
    if (!this.fired && MESSAGES.OPERATOR_WAIT.is(msg) && msg.data?.state === 'waiting') {
      this.fired = true;
      this.onWait();
    }
  }
}

describe('operatorInstalls', () => {
  test("RuntimeOperator's Flux HelmRelease and Argo CD Application install their runtime; install none renders nothing that does", () => {
    const objects = objectsOf((s) => {
      new RuntimeOperator(s, 'kuberay', { runtime: 'kuberay', install: OperatorInstall.flux() });
      new RuntimeOperator(s, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.argoCd() });
    });
    expect(operatorInstalls(objects).map((i) => [i.runtime, i.installer, `${i.object.kind} ${i.object.metadata.name}`, i.version])).toEqual([
      ['kuberay', 'flux', 'HelmRelease kuberay-operator', '1.7.0'],
      ['dynamo', 'argocd', 'Application dynamo-operator', '1.4.0'],
    ]);
    expect(operatorInstalls(objectsOf((s) => new RuntimeOperator(s, 'kuberay', { runtime: 'kuberay' })))).toEqual([]);
  });

  test("a hand-written install is found by the chart it installs or by the runtime's CRDs and operator labels; other charts are not installs", () => {
    const hr = (chart: string): KubeObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: chart, namespace: 'x' },
      spec: { chart: { spec: { chart, version: '2.0.0' } } },
    });
    const app: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'many', namespace: 'argocd' },
      spec: { sources: [{ chart: 'something-else' }, { chart: 'dynamo-platform', targetRevision: '1.5.0' }] },
    };
    const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'rayclusters.ray.io' } };
    const otherCrd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.ray.io' } };
    const operator: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'op', namespace: 'x', labels: { 'app.kubernetes.io/name': 'kuberay-operator' } },
    };
    const web: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x', labels: { app: 'web' } } };
    expect(
      operatorInstalls([hr('dynamo-platform'), hr('ingress-nginx'), app, crd, otherCrd, operator, web]).map((i) => [
        i.runtime,
        i.installer,
        i.object.metadata.name,
        i.version,
      ]),
    ).toEqual([
      ['dynamo', 'flux', 'dynamo-platform', '2.0.0'],
      ['dynamo', 'argocd', 'many', '1.5.0'],
      ['kuberay', 'manifests', 'rayclusters.ray.io', undefined],
      ['kuberay', 'manifests', 'op', undefined],
    ]);
  });
});

describe('dependsOnRuntime', () => {
  test("the runtime's models and other kinds of its CRDs' groups wait for it; its CRDs and everything else do not", () => {
    const o = (apiVersion: string, kind: string, name = 'x'): KubeObject => ({ apiVersion, kind, metadata: { name } });
    expect(dependsOnRuntime(o('ray.io/v1', 'RayService'), kuberay)).toBe(true);
    expect(dependsOnRuntime(o('ray.io/v1', 'RayCluster'), kuberay)).toBe(true);
    expect(dependsOnRuntime(o('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'rayservices.ray.io'), kuberay)).toBe(false);
    expect(dependsOnRuntime(o('nvidia.com/v1beta1', 'DynamoGraphDeployment'), kuberay)).toBe(false);
    expect(dependsOnRuntime(o('v1', 'ConfigMap'), kuberay)).toBe(false);
    expect(dependsOnRuntime(o('helm.toolkit.fluxcd.io/v2', 'HelmRelease'), kuberay)).toBe(false);
  });
});

describe('preflight of a stack that installs operators', () => {
  test('a runtime the stack installs and the cluster lacks is left to apply to wait for, with nothing written', async () => {
    const c = fluxCluster();
    const r = await preflight(c, RAY_WITH_FLUX());
    expect(r.toInstall.map((t) => [t.info.id, t.status.installed, t.installs.map((i) => `${i.installer} ${i.object.kind}`)])).toEqual([
      ['kuberay', false, ['flux HelmRelease']],
    ]);
    expect(c.writes()).toEqual([]);
  });

  test('a runtime the stack installs that is already ready needs no waiting', async () => {
    const c = fluxCluster();
    playInstall(c);
    expect((await preflight(c, RAY_WITH_FLUX())).toInstall).toEqual([]);
  });

  test('a model whose runtime is neither installed nor installed by this stack is refused with the whole story', async () => {
    const objects = objectsOf((s) => {
      new RuntimeOperator(s, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.flux() });
      new DynamoModel(s, 'dgd', { model: 'Qwen/Qwen3-0.6B' });
      new RayModel(s, 'ray', { model: 'Qwen/Qwen2.5-7B-Instruct' });
    });
    const c = fluxCluster();
    const e = await failure(preflight(c, objects));
    expect(e.code).toBe('PREFLIGHT');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('preflight failed: kuberay not ready for the models of this stack; nothing was written');
    expect(e.details).toEqual([
      'KubeRay (kuberay) is not installed: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator)',
      '  this stack installs the operator of dynamo only, not of kuberay',
      '  to install: install the KubeRay operator chart (helm install kuberay-operator kuberay/kuberay-operator -n kuberay-system), or declare new RuntimeOperator(stack, "kuberay", { runtime: "kuberay", install: OperatorInstall.flux() }) in your stack',
    ]);
    expect(e.hint).toBe('install the runtime(s) named above, or pass --skip-preflight to apply anyway');
    expect(c.writes()).toEqual([]);
  });

  test('a stack that pins an operator too old for its models is refused before anything is written', async () => {
    const objects = objectsOf((s) => {
      new RuntimeOperator(s, 'dynamo', { runtime: 'dynamo', version: '1.3.2', install: OperatorInstall.flux() });
      new DynamoModel(s, 'dgd', { model: 'Qwen/Qwen3-0.6B' });
    });
    const c = fluxCluster();
    const e = await failure(preflight(c, objects));
    expect(e.message).toBe('preflight failed: dynamo would be installed too old for the models of this stack; nothing was written');
    expect(e.details).toEqual([
      'NVIDIA Dynamo (dynamo): this stack installs operator 1.3.2 (Flux HelmRelease dynamo-system/dynamo-platform), older than 1.4.0, the oldest that serves DynamoGraphDeployment nvidia.com/v1beta1',
      '  to fix: pin version "1.4.0" or newer in the stack\'s RuntimeOperator (default "1.4.0")',
    ]);
    expect(e.hint).toBe('pin a newer operator version, or pass --skip-preflight to apply anyway');
    expect(c.writes()).toEqual([]);
  });

  test('a Flux install in a cluster without Flux is refused: nothing would ever install the runtime', async () => {
    const c = new FakeKube().serveBuiltins();
    const e = await failure(preflight(c, RAY_WITH_FLUX()));
    expect(e.message).toBe('preflight failed: kuberay cannot be installed by this cluster for the models of this stack; nothing was written');
    expect(e.details).toEqual([
      'KubeRay (kuberay) is not installed, and this stack installs it with Flux HelmRelease kuberay-system/kuberay-operator, but the cluster does not serve helm.toolkit.fluxcd.io/v2 HelmRelease: Flux is not installed in this cluster',
      '  to install: install Flux in the cluster first, or install the KubeRay operator chart (helm install kuberay-operator kuberay/kuberay-operator -n kuberay-system) and use OperatorInstall.none()',
    ]);
    expect(e.hint).toBe('install the GitOps tool named above, or pass --skip-preflight to apply anyway');
    expect(c.writes()).toEqual([]);
  });

  test('a runtime the stack installs but the user may not check is refused as "cannot be checked" (apply could not wait for it)', async () => {
    const c = fluxCluster();
    c.fail = (call) => (call.kind === 'CustomResourceDefinition' ? forbidden('get', 'customresourcedefinitions.apiextensions.k8s.io') : undefined);
    const e = await failure(preflight(c, RAY_WITH_FLUX()));
    expect(e.message).toBe('preflight failed: kuberay cannot be checked for the models of this stack; nothing was written');
  });
});

describe('apply of a stack that installs its operators', () => {
  test('applies the operators and their installs, waits for the runtime saying what it waits for, then applies the model', async () => {
    const c = fluxCluster();
    const io = new WaitHost(() => playInstall(c));
    const r = await apply(c, [manifest(RAY_WITH_FLUX())], {}, io);
    const writes = c.writes({ lock: false });
    expect(writes).toEqual([
      'apply ConfigMap default/modelstack-boot',
      'apply Namespace llm',
      'apply Namespace kuberay-system',
      'apply HelmRepository kuberay-system/kuberay',
      'apply HelmRelease kuberay-system/kuberay-operator',
      'apply RayService llm/ray',
    ]);
    expect(r.stacks[0]!.outcomes.at(-1)).toEqual({ ref: 'RayService llm/ray', action: 'created' });
    const steps = io.messages.filter((m) => MESSAGES.BOOTSTRAP.is(m) || MESSAGES.OPERATOR_WAIT.is(m) || MESSAGES.APPLIED.is(m)).map((m) => m.code);
    expect(steps).toEqual(['BOOTSTRAP', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'OPERATOR_WAIT', 'OPERATOR_WAIT', 'BOOTSTRAP', 'APPLIED']);
    expect(io.text().find((t) => t.includes('waiting for'))).toBe(
      '  waiting for Flux HelmRelease kuberay-system/kuberay-operator to install the KubeRay operator: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator) (HelmRelease: not reconciled by Flux yet (no Ready condition: is the Flux helm-controller running in the cluster?))',
    );
    expect(io.data(MESSAGES.OPERATOR_WAIT).map((d) => [d.runtime, d.state, d.installer, d.install])).toEqual([
      ['kuberay', 'waiting', 'flux', 'HelmRelease kuberay-system/kuberay-operator'],
      ['kuberay', 'ready', 'flux', 'HelmRelease kuberay-system/kuberay-operator'],
    ]);
    expect(c.discoveryResets).toBeGreaterThan(0);
  }, 15_000);

  test("a stack that renders the runtime's CRDs and operator itself: they go first, apply waits for them to be Established and available", async () => {
    const c = fluxCluster();
    const crds = healthyRuntime(kuberay).filter((o) => o.kind === 'CustomResourceDefinition');
    const [operator] = healthyRuntime(kuberay).filter((o) => o.kind === 'Deployment');
    const asRendered = (o: KubeObject): KubeObject => {
      const { status: _s, ...rest } = o as KubeObject & { status?: unknown };
      return rest as KubeObject;
    };
    const ray: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'ray', namespace: 'llm' }, spec: {} };
    const io = new WaitHost(() => playInstall(c));
    await apply(c, [manifest([ray, operator!, ...crds].map(asRendered))], {}, io);
    expect(c.writes({ lock: false })).toEqual([
      'apply ConfigMap default/modelstack-boot',
      'apply CustomResourceDefinition rayservices.ray.io',
      'apply CustomResourceDefinition rayclusters.ray.io',
      'apply Deployment kuberay-system/kuberay-operator',
      'apply RayService llm/ray',
    ]);
    expect(io.text().find((t) => t.includes('waiting for'))).toBe(
      "  waiting for KubeRay (installed from the stack's Deployment kuberay-system/kuberay-operator): CRD rayservices.ray.io not Established; operator kuberay-system/kuberay-operator: no Available condition yet (rollout not observed)",
    );
  }, 15_000);

  test('the timeout ends the wait naming what is missing; the models are not applied and the lock is freed', async () => {
    const c = fluxCluster();
    const e = await failure(apply(c, [manifest(RAY_WITH_FLUX())], { operatorTimeoutMs: 50 }, new RecordingIoHost()));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('the operators of kuberay were not ready after 0s; the models were not applied');
    expect(e.details).toEqual([
      'waiting for Flux HelmRelease kuberay-system/kuberay-operator to install the KubeRay operator: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator) (HelmRelease: not reconciled by Flux yet (no Ready condition: is the Flux helm-controller running in the cluster?))',
    ]);
    expect(e.hint).toContain('--operator-timeout');
    expect(c.writes().filter((w) => w.includes('RayService'))).toEqual([]);
    // The lock is given back (the lease's holder cleared) after the failed wait.
    expect(c.writes().slice(-2)).toEqual(['apply HelmRelease kuberay-system/kuberay-operator', 'replace Lease default/modelstack-boot']);
  });

  test('a HelmRelease Flux stopped retrying ends the wait at once with its reason', async () => {
    const c = fluxCluster();
    const io = new WaitHost(() => {
      const hr = c.find('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'kuberay-operator', 'kuberay-system')!;
      c.put({
        ...hr,
        status: {
          conditions: [
            { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to install after 1 attempt(s)' },
            { type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'chart pull failed' },
          ],
        },
      } as KubeObject);
    });
    const started = Date.now();
    const e = await failure(apply(c, [manifest(RAY_WITH_FLUX())], { operatorTimeoutMs: 60_000 }, io));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e.code).toBe('PREFLIGHT');
    expect(e.message).toBe('the install of kuberay failed; the models were not applied');
    expect(e.details[0]).toMatch(/\(HelmRelease: Flux stopped retrying it \(Stalled: RetriesExceeded: Failed to install after 1 attempt\(s\)\)\)$/);
  }, 15_000);

  test('an interruption (the cleanups run, as on Ctrl-C) stops the wait before the models', async () => {
    const c = fluxCluster();
    const io = new WaitHost(() => void runCleanups(5_000));
    const started = Date.now();
    const e = await failure(apply(c, [manifest(RAY_WITH_FLUX())], { operatorTimeoutMs: 60_000 }, io));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e.code).toBe('INTERRUPTED');
    expect(c.writes().filter((w) => w.includes('RayService'))).toEqual([]);
  }, 15_000);

  test('a dry run lists the stages, checks what it can and reports the models it cannot check as deferred', async () => {
    const c = fluxCluster();
    const io = new RecordingIoHost();
    const r = await apply(c, [manifest(RAY_WITH_FLUX())], { dryRun: true }, io);
    expect(c.writes({ lock: false }).filter((w) => !w.startsWith('apply (dry run)'))).toEqual([]);
    expect(c.writes({ lock: false })).not.toContain('apply (dry run) RayService llm/ray');
    expect(r.stacks[0]!.deferred).toEqual(['RayService llm/ray']);
    expect(io.text()[0]).toBe(
      'dry run: this stack installs KubeRay by Flux HelmRelease kuberay-system/kuberay-operator; apply would 1) apply everything else, operators and their installs included, 2) wait up to 600s for kuberay to be installed and healthy, 3) apply RayService llm/ray',
    );
    expect(io.data(MESSAGES.OPERATOR_WAIT)).toEqual([]);
  });

  test('--skip-preflight reads no runtime state and waits for nothing: everything in stage order', async () => {
    const c = fluxCluster().serve('ray.io/v1', 'RayService');
    const io = new RecordingIoHost();
    await apply(c, [manifest(RAY_WITH_FLUX())], { skipPreflight: true }, io);
    expect(c.writes({ lock: false }).at(-1)).toBe('apply RayService llm/ray');
    expect(c.calls.filter((x) => x.kind === 'CustomResourceDefinition' && x.verb === 'get')).toEqual([]);
    expect(io.data(MESSAGES.BOOTSTRAP)).toEqual([]);
  });

  test('a stack whose installed runtime is already ready applies as before, in one pass', async () => {
    const c = fluxCluster();
    playInstall(c);
    const io = new RecordingIoHost();
    await apply(c, [manifest(RAY_WITH_FLUX())], {}, io);
    expect(io.data(MESSAGES.BOOTSTRAP)).toEqual([]);
    expect(c.writes({ lock: false }).at(-1)).toBe('apply RayService llm/ray');
  });
});
