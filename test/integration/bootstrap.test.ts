// The first apply of a stack that installs its own operators, on a real kube-apiserver that has
// no runtime yet (a private cluster: the shared one has the runtimes' CRDs). What Flux, Argo CD
// and the operators would do is played by support/operator-install-play.ts.
import { DynamoModel, OperatorInstall, RayModel, RuntimeOperator } from '../../index.js';
import { apply } from '../../src/apply/apply.js';
import type { ModelstackError } from '../../src/errors.js';
import type { IoMessage } from '../../src/io/io-host.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { APPLYSET_PART_OF } from '../../src/clusterapply/applyset.js';
import { clientFor, describeWithCluster, privateCluster } from './support/cluster.js';
import { failArgoSync, helmReleaseReady, playFluxInstall, serveGitOpsKinds } from './support/operator-install-play.js';
import { stackManifest } from './support/stack-manifest.js';
import { gitOpsCrdsOrSkip } from '../support/gitops-crds.js';

const RELEASE = { namespace: 'kuberay-system', name: 'kuberay-operator' };
const RAY_SERVICE = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { namespace: 'boot-llm', name: 'ray' } };

/** Polls `check` every 200 ms until it is true, for at most `ms`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A stack (in a namespace of its own: one field manager per namespace) installing KubeRay and serving one model. */
const rayWith = (install: OperatorInstall, name: string, namespace: string) =>
  stackManifest(
    name,
    (stack) => {
      new RuntimeOperator(stack, 'kuberay', { runtime: 'kuberay', install });
      new RayModel(stack, 'ray', { model: 'Qwen/Qwen2.5-7B-Instruct' });
    },
    { namespace },
  );

/** Message codes of the bootstrap's steps, in order. */
const steps = (io: RecordingIoHost): string[] =>
  io.messages
    .filter((m: IoMessage) => MESSAGES.BOOTSTRAP.is(m) || MESSAGES.OPERATOR_WAIT.is(m) || MESSAGES.APPLIED.is(m))
    .map((m) =>
      MESSAGES.APPLIED.is(m) ? `APPLIED ${String(m.data?.kind)}` : MESSAGES.OPERATOR_WAIT.is(m) ? `OPERATOR_WAIT ${String(m.data?.state)}` : String(m.code),
    );

const SUITE = 'first apply of a stack that installs its operators (real kube-apiserver, real Flux and Argo CD CRDs, installs played)';

(gitOpsCrdsOrSkip(SUITE) ? describeWithCluster : describe.skip)(SUITE, () => {
  const cluster = privateCluster('bootstrap');
  let admin: KubeClient;

  beforeAll(async () => {
    admin = clientFor(cluster.info().kubeconfig);
    await serveGitOpsKinds(admin);
  }, 120_000);

  test('the API server accepts every HelmRepository, HelmRelease and Application the constructs render (server-side dry run, real CRDs)', async () => {
    const rendered = [
      stackManifest('render-flux', (stack) => {
        new RuntimeOperator(stack, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.flux() });
        new RuntimeOperator(stack, 'kuberay', {
          runtime: 'kuberay',
          install: OperatorInstall.flux({ interval: '1h30m' }),
          values: { image: { tag: 'v1.7.0' } },
        });
      }),
      stackManifest('render-argo', (stack) => {
        new RuntimeOperator(stack, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.argoCd() });
        new RuntimeOperator(stack, 'kuberay', {
          runtime: 'kuberay',
          install: OperatorInstall.argoCd({ namespace: 'render-gitops', automated: false }),
          values: { replicas: 2 },
        });
      }),
    ].flatMap((m) => m.objects);
    const gitops = rendered.filter((o) => ['HelmRepository', 'HelmRelease', 'Application'].includes(o.kind));
    expect(gitops.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'Application argocd/dynamo-operator',
      'Application render-gitops/kuberay-operator',
      'HelmRelease dynamo-system/dynamo-platform',
      'HelmRelease kuberay-system/kuberay-operator',
      'HelmRepository dynamo-system/ai-dynamo',
      'HelmRepository kuberay-system/kuberay',
    ]);
    // A dry run needs the namespaces to exist.
    for (const name of new Set(gitops.map((o) => o.metadata.namespace!))) {
      await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'bootstrap-test' });
    }
    const dryRun = (o: object) => admin.apply(o as never, { fieldManager: 'render-check', force: true, dryRun: true });
    for (const o of gitops) await expect(dryRun(o)).resolves.toMatchObject({ kind: o.kind, spec: expect.any(Object) });
    // The check can fail: the real schema refuses a value out of its enum.
    const release = gitops.find((o) => o.kind === 'HelmRelease')! as unknown as { spec: { install: { crds: string } } };
    await expect(dryRun({ ...release, spec: { ...release.spec, install: { crds: 'Replace' } } })).rejects.toThrow(
      /spec.install.crds: Unsupported value: "Replace"/,
    );
  });

  test('a HelmRepository and HelmRelease no Flux controller has written are unchanged on the next apply: nothing is sent, the server keeps them as they are', async () => {
    const s = stackManifest('boot-idle', (stack) => new RuntimeOperator(stack, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.flux() }), {
      namespace: 'boot-idle',
    });
    const ref = (kind: string, name: string) => ({
      apiVersion: kind === 'HelmRelease' ? 'helm.toolkit.fluxcd.io/v2' : 'source.toolkit.fluxcd.io/v1',
      kind,
      metadata: { namespace: 'dynamo-system', name },
    });
    const first = await apply(admin, [s], {}, new RecordingIoHost());
    expect(first.stacks[0]!.outcomes.filter((o) => /^Helm/.test(o.ref)).map((o) => `${o.ref} ${o.action}`)).toEqual([
      'HelmRepository dynamo-system/ai-dynamo created',
      'HelmRelease dynamo-system/dynamo-platform created',
    ]);
    const versions = async () =>
      Promise.all(
        [ref('HelmRepository', 'ai-dynamo'), ref('HelmRelease', 'dynamo-platform')].map(
          async (r) => ((await admin.get(r)) as { metadata: { resourceVersion?: string } } | undefined)?.metadata.resourceVersion,
        ),
      );
    const before = await versions();
    // Sent again (as --force-conflicts does), the server would fill the CRDs' status defaults and
    // apply would say "configured" for both: the applied-hash check leaves them out instead.
    const second = await apply(admin, [s], {}, new RecordingIoHost());
    expect(second.stacks[0]!.outcomes.filter((o) => o.action !== 'unchanged')).toEqual([]);
    expect(await versions()).toEqual(before);
  });

  test('a model whose runtime the stack does not install is refused before any write, naming it and how to install it', async () => {
    const s = stackManifest(
      'boot-refused',
      (stack) => {
        new RuntimeOperator(stack, 'kuberay', { runtime: 'kuberay', install: OperatorInstall.flux() });
        new DynamoModel(stack, 'dgd', { model: 'Qwen/Qwen3-0.6B' });
      },
      { namespace: 'boot-refused' },
    );
    const err = (await apply(admin, [s], {}, new RecordingIoHost()).catch((e: unknown) => e)) as ModelstackError;
    expect(err.code).toBe('PREFLIGHT');
    expect(err.message).toBe('preflight failed: dynamo not ready for the models of this stack; nothing was written');
    expect(err.details).toEqual([
      'NVIDIA Dynamo (dynamo) is not installed: CRD dynamographdeployments.nvidia.com not found; operator not found (searched all namespaces for app.kubernetes.io/name=dynamo-operator or control-plane=controller-manager)',
      '  this stack installs the operator of kuberay only, not of dynamo',
      `  to install: install the Dynamo platform chart (helm install dynamo-platform ai-dynamo/dynamo-platform -n dynamo-system), or declare new RuntimeOperator(stack, "dynamo", { runtime: "dynamo", install: OperatorInstall.flux() }) in your stack`,
    ]);
    expect(await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'boot-refused' } })).toBeUndefined();
    expect(await admin.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: RELEASE })).toBeUndefined();
  });

  test('with Argo CD and nothing installing: the Application is applied, apply says what it waits for, and the timeout leaves the models out', async () => {
    const io = new RecordingIoHost();
    const err = (await apply(admin, [rayWith(OperatorInstall.argoCd(), 'boot-argo', 'boot-argo')], { operatorTimeoutMs: 3_000 }, io).catch(
      (e: unknown) => e,
    )) as ModelstackError;
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toBe('the operators of kuberay were not ready after 3s; the models were not applied');
    expect(err.details).toEqual([
      'waiting for Argo CD Application argocd/kuberay-operator to install the KubeRay operator: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator) (Application: not synced by Argo CD yet (no status: is the Argo CD application controller running, and does it watch this namespace?))',
    ]);
    const app = await admin.get<{ metadata: { labels: Record<string, string> } }>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { namespace: 'argocd', name: 'kuberay-operator' },
    });
    expect(app?.metadata.labels[APPLYSET_PART_OF]).toBeDefined();
    expect(await admin.resourceFor('ray.io/v1', 'RayService')).toBeUndefined();
    expect(steps(io)).toEqual(['BOOTSTRAP', 'APPLIED Namespace', 'APPLIED Application', 'OPERATOR_WAIT waiting']);
  }, 60_000);

  test("with Argo CD: a failed sync ends the wait at once, with the Application's own message", async () => {
    // Its own Argo CD namespace: the Application of the test above is argocd/kuberay-operator.
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd-fail' } }, { fieldManager: 'bootstrap-test' });
    const io = new RecordingIoHost();
    const s = rayWith(OperatorInstall.argoCd({ namespace: 'argocd-fail' }), 'boot-argo-fail', 'boot-argo-fail');
    const applying = apply(admin, [s], { operatorTimeoutMs: 60_000 }, io);
    const outcome = applying.then(
      (r) => ({ r }),
      (e: unknown) => ({ e }),
    );
    await until('apply waits for the operator', () => io.data(MESSAGES.OPERATOR_WAIT).some((d) => d.state === 'waiting'));
    const failedAt = Date.now();
    const message = 'one or more synchronization tasks are not valid (retried 5 times).';
    await failArgoSync(admin, 'argocd-fail', 'kuberay-operator', message);

    const done = await outcome;
    expect('e' in done).toBe(true);
    const err = (done as { e: ModelstackError }).e;
    expect(Date.now() - failedAt).toBeLessThan(10_000);
    expect(err.code).toBe('PREFLIGHT');
    expect(err.message).toBe('the install of kuberay failed; the models were not applied');
    expect(err.details).toEqual([
      `waiting for Argo CD Application argocd-fail/kuberay-operator to install the KubeRay operator: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator) (Application: Argo CD could not install it (last sync Failed: ${message}))`,
    ]);
    expect(err.hint).toContain('kubectl get application -n argocd-fail kuberay-operator -o yaml shows why');
    expect(await admin.resourceFor('ray.io/v1', 'RayService')).toBeUndefined();
  }, 90_000);

  test('with Flux: a dry run shows the stages; then apply installs the operator first, waits while the install is played, and applies the model', async () => {
    const s = rayWith(OperatorInstall.flux(), 'boot-flux', 'boot-llm');

    const dry = new RecordingIoHost();
    const preview = await apply(admin, [s], { dryRun: true }, dry);
    expect(preview.stacks[0]!.deferred).toEqual(['RayService boot-llm/ray']);
    expect(dry.text()[0]).toBe(
      'dry run: this stack installs KubeRay by Flux HelmRelease kuberay-system/kuberay-operator; apply would 1) apply everything else, operators and their installs included, 2) wait up to 600s for kuberay to be installed and healthy, 3) apply RayService boot-llm/ray',
    );
    expect(await admin.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: RELEASE })).toBeUndefined();

    const io = new RecordingIoHost();
    const applying = apply(admin, [s], { operatorTimeoutMs: 60_000 }, io);
    const outcome = applying.then(
      (r) => ({ r }),
      (e: unknown) => ({ e }),
    );
    // Apply wrote the HelmRelease and is waiting: the model is not there, its kind not served.
    await until('apply waits for the operator', () => io.data(MESSAGES.OPERATOR_WAIT).some((d) => d.state === 'waiting'));
    expect(io.text().find((t) => t.includes('waiting for'))).toBe(
      '  waiting for Flux HelmRelease kuberay-system/kuberay-operator to install the KubeRay operator: CRD rayservices.ray.io not found; operator not found (searched all namespaces for app.kubernetes.io/name=kuberay-operator or app.kubernetes.io/component=kuberay-operator) (HelmRelease: not reconciled by Flux yet (no Ready condition: is the Flux helm-controller running in the cluster?))',
    );
    expect(await admin.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: RELEASE })).toBeDefined();
    expect(await admin.resourceFor('ray.io/v1', 'RayService')).toBeUndefined();

    await playFluxInstall(admin, 'kuberay', RELEASE);
    expect(helmReleaseReady(await admin.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: RELEASE }))).toBe(true);

    const done = await outcome;
    if ('e' in done) throw done.e;
    expect(done.r.stacks[0]!.outcomes.at(-1)).toEqual({ ref: 'RayService boot-llm/ray', action: 'created' });
    admin.resetDiscovery();
    expect(await admin.get(RAY_SERVICE)).toBeDefined();
    expect(steps(io)).toEqual([
      'BOOTSTRAP',
      'APPLIED Namespace',
      'APPLIED Namespace',
      'APPLIED HelmRepository',
      'APPLIED HelmRelease',
      'OPERATOR_WAIT waiting',
      ...io
        .data(MESSAGES.OPERATOR_WAIT)
        .slice(1, -1)
        .map(() => 'OPERATOR_WAIT waiting'),
      'OPERATOR_WAIT ready',
      'BOOTSTRAP',
      'APPLIED RayService',
    ]);

    // The runtime is ready now: the next apply is the ordinary one, and changes nothing.
    const again = new RecordingIoHost();
    const second = await apply(admin, [s], {}, again);
    expect(again.data(MESSAGES.BOOTSTRAP)).toEqual([]);
    expect(second.stacks[0]!.outcomes.filter((o) => o.action !== 'unchanged')).toEqual([]);
  }, 120_000);
});
