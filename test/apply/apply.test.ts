import { apply, stackNameOf } from '../../src/apply/apply.js';
import { fieldManagerFor } from '../../src/clusterapply/field-manager.js';
const FIELD_MANAGER = fieldManagerFor('demo');
import { APPLYSET_GROUP_KINDS, APPLYSET_PART_OF, applySetParent, withPartOf } from '../../src/clusterapply/applyset.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { apiError } from '../../src/kube/api-error.js';
import type { KubeObject, StackManifest } from '../../src/model/kube-object.js';
import { recorded } from '../readiness/load-recorded.js';
import { FakeKube, notFoundError } from '../support/fake-kube.js';
import { rejection as failure } from '../support/thrown.js';

const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.io' } };
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } };
const cm = (name: string, data: Record<string, string> = { k: 'v' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'app' },
  data,
});
const web: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app' }, spec: { replicas: 1 } };
const ray: KubeObject = { apiVersion: 'ray.io/v1', kind: 'RayService', metadata: { name: 'llm', namespace: 'app' }, spec: { x: 1 } };

const stack = (objects: KubeObject[], stackName = 'demo'): StackManifest => ({ id: 'chart-id', stackName, stackId: `${stackName}-0000id`, objects });
const parent = applySetParent('demo', 'default');

function cluster(): FakeKube {
  return new FakeKube().serveBuiltins().serve('ray.io/v1', 'RayService');
}

const actions = (r: Awaited<ReturnType<typeof apply>>): string[] => r.stacks.flatMap((s) => s.outcomes.map((o) => `${o.ref} ${o.action}`));
const NO_PREFLIGHT = { skipPreflight: true } as const;

describe('stackNameOf', () => {
  test('the stack name, else the chart id', () => {
    expect(stackNameOf(stack([], 'named'))).toBe('named');
    expect(stackNameOf({ id: 'chart-id', objects: [] })).toBe('chart-id');
  });
});

describe('apply', () => {
  test('records the kinds on the parent first, then applies stage by stage with the ownership mark', async () => {
    const c = cluster();
    const io = new RecordingIoHost();
    const r = await apply(c, [stack([ray, web, cm('a'), crd, ns])], NO_PREFLIGHT, io);
    expect(c.writes({ lock: false })).toEqual([
      'apply ConfigMap default/modelstack-demo',
      'apply CustomResourceDefinition widgets.example.io',
      'apply Namespace app',
      'apply ConfigMap app/a',
      'apply Deployment app/web',
      'apply RayService app/llm',
    ]);
    expect(r).toEqual({
      dryRun: false,
      stacks: [
        {
          stack: 'demo',
          outcomes: ['CustomResourceDefinition widgets.example.io', 'Namespace app', 'ConfigMap app/a', 'Deployment app/web', 'RayService app/llm'].map(
            (ref) => ({ ref, action: 'created' }),
          ),
        },
      ],
    });
    expect(c.find('ray.io/v1', 'RayService', 'llm', 'app')?.metadata.labels).toEqual({ [APPLYSET_PART_OF]: parent.id });
    expect(c.find('v1', 'ConfigMap', 'modelstack-demo', 'default')?.metadata.annotations?.[APPLYSET_GROUP_KINDS]).toBe(
      'ConfigMap,CustomResourceDefinition.apiextensions.k8s.io,Deployment.apps,Namespace,RayService.ray.io',
    );
    expect(c.calls.find((x) => x.verb === 'apply' && x.name === 'modelstack-demo')).toMatchObject({ force: true, fieldManager: 'modelstack/demo' });
    expect(c.discoveryResets).toBe(1);
    expect(io.messages.filter((m) => m.code === 'APPLIED').map((m) => m.message)).toEqual(actions(r));
  });

  test('applies with the modelstack field manager, forcing only with forceConflicts', async () => {
    const c = cluster();
    const seen: Array<{ name?: string; force?: boolean; fieldManager?: string }> = [];
    const client = c;
    c.fail = (call) => {
      if (call.verb === 'apply') seen.push({ name: call.name, force: call.force, fieldManager: call.fieldManager });
      return undefined;
    };
    await apply(client, [stack([web])], NO_PREFLIGHT, new RecordingIoHost());
    await apply(client, [stack([web])], { ...NO_PREFLIGHT, forceConflicts: true }, new RecordingIoHost());
    expect(FIELD_MANAGER).toBe('modelstack/demo');
    expect(seen).toEqual([
      { name: 'modelstack-demo', force: true, fieldManager: FIELD_MANAGER },
      { name: 'web', force: undefined, fieldManager: FIELD_MANAGER },
      { name: 'modelstack-demo', force: true, fieldManager: FIELD_MANAGER },
      { name: 'web', force: true, fieldManager: FIELD_MANAGER },
    ]);
  });

  test('a second apply of the same objects changes nothing; an edited object is configured', async () => {
    const c = cluster();
    await apply(c, [stack([cm('a'), cm('b'), web])], NO_PREFLIGHT, new RecordingIoHost());
    const again = await apply(c, [stack([cm('a'), cm('b'), web])], NO_PREFLIGHT, new RecordingIoHost());
    expect(actions(again)).toEqual(['ConfigMap app/a unchanged', 'ConfigMap app/b unchanged', 'Deployment app/web unchanged']);
    const edited = await apply(c, [stack([cm('a'), cm('b', { k: 'changed' }), web])], NO_PREFLIGHT, new RecordingIoHost());
    expect(actions(edited)).toEqual(['ConfigMap app/a unchanged', 'ConfigMap app/b configured', 'Deployment app/web unchanged']);
  });

  test('dry run: only dry-run requests, no parent written; created / configured / unchanged from the dry-run answer', async () => {
    const c = cluster();
    await apply(c, [stack([cm('a'), cm('b')])], NO_PREFLIGHT, new RecordingIoHost());
    c.calls.length = 0;
    const io = new RecordingIoHost();
    const r = await apply(c, [stack([cm('a'), cm('b', { k: 'changed' }), cm('new')])], { ...NO_PREFLIGHT, dryRun: true }, io);
    expect(r.dryRun).toBe(true);
    expect(actions(r)).toEqual(['ConfigMap app/a unchanged', 'ConfigMap app/b configured', 'ConfigMap app/new created']);
    expect(c.writes({ lock: false })).toEqual(['apply (dry run) ConfigMap app/a', 'apply (dry run) ConfigMap app/b', 'apply (dry run) ConfigMap app/new']);
    expect(c.find('v1', 'ConfigMap', 'b', 'app')?.data).toEqual({ k: 'v' });
    expect(io.text()).toContain('ConfigMap app/new created (dry run)');
  });

  test('dry run: objects whose kind or namespace only this apply would create count as created', async () => {
    const c = new FakeKube().serveBuiltins();
    c.fail = (call) => (call.verb === 'apply' && call.namespace === 'app' ? notFoundError('namespaces "app"') : undefined);
    const r = await apply(c, [stack([ns, cm('a'), ray])], { ...NO_PREFLIGHT, dryRun: true }, new RecordingIoHost());
    expect(actions(r)).toEqual(['Namespace app created', 'ConfigMap app/a created', 'RayService app/llm created']);
    expect(c.writes({ lock: false })).toEqual(['apply (dry run) Namespace app', 'apply (dry run) ConfigMap app/a']);
  });

  test('a NOT_FOUND outside a dry run is an error', async () => {
    const c = cluster();
    c.fail = (call) => (call.verb === 'apply' && call.name === 'a' ? notFoundError('namespaces "app"') : undefined);
    expect((await failure(apply(c, [stack([cm('a')])], NO_PREFLIGHT, new RecordingIoHost()))).code).toBe('NOT_FOUND');
  });

  test('conflicts: every field named with its manager; the rest of the stage settles, later stages are not applied', async () => {
    const c = cluster();
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'app' } };
    c.fail = (call) =>
      call.verb === 'apply' && call.name === 'web'
        ? apiError(
            {
              status: 409,
              method: 'PATCH',
              path: '/',
              body: {
                message: 'Apply failed with 2 conflicts',
                details: {
                  causes: [
                    { message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' },
                    { message: 'conflict with "helm"', field: '.spec.template' },
                  ],
                },
              },
            },
            'patch',
            'deployments.apps',
            'app',
          )
        : undefined;
    const e = await failure(apply(c, [stack([cm('a'), web, svc, ray])], NO_PREFLIGHT, new RecordingIoHost()));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('2 field(s) are managed by another field manager; nothing after stage "operators" was applied');
    expect(e.details).toEqual(['Deployment app/web: .spec.replicas is managed by "kubectl-edit"', 'Deployment app/web: .spec.template is managed by "helm"']);
    expect(e.hint).toContain('--force-conflicts');
    expect(c.writes({ lock: false })).toEqual([
      'apply ConfigMap default/modelstack-demo',
      'apply ConfigMap app/a',
      'apply Deployment app/web',
      'apply Service app/svc',
    ]);
  });

  test('other errors are thrown as they are, stopping later stages', async () => {
    const c = cluster();
    const invalid = apiError({ status: 422, method: 'PATCH', path: '/', body: { message: 'invalid' } }, 'patch', 'configmaps', 'app');
    c.fail = (call) => (call.verb === 'apply' && call.name === 'a' ? invalid : undefined);
    const e = await failure(apply(c, [stack([cm('a'), ray])], NO_PREFLIGHT, new RecordingIoHost()));
    expect(e).toBe(invalid);
    expect(c.writes({ lock: false })).not.toContain('apply RayService app/llm');
  });

  test("preflight refuses before any write when a model's runtime is missing; --skip-preflight applies anyway", async () => {
    const c = cluster();
    const e = await failure(apply(c, [stack([cm('a'), ray])], {}, new RecordingIoHost()));
    expect(e.code).toBe('PREFLIGHT');
    expect(e.message).toContain('kuberay');
    expect(c.writes({ lock: false })).toEqual([]);
    await apply(c, [stack([cm('a'), ray])], NO_PREFLIGHT, new RecordingIoHost());
    expect(c.writes({ lock: false })).toContain('apply RayService app/llm');
  });

  test('prune: deletes what the stack applied before and no longer has (models first), never foreign objects; then narrows the parent', async () => {
    const c = cluster();
    await apply(c, [stack([ns, cm('a'), cm('old'), web, ray])], NO_PREFLIGHT, new RecordingIoHost());
    const other = applySetParent('other', 'default');
    c.put(withPartOf(cm('theirs'), other));
    c.put(cm('by-hand'));
    c.calls.length = 0;
    const io = new RecordingIoHost();
    const r = await apply(c, [stack([ns, cm('a')])], { ...NO_PREFLIGHT, prune: true, allowMassDelete: true }, io);
    expect(actions(r)).toEqual([
      'Namespace app unchanged',
      'ConfigMap app/a unchanged',
      'RayService app/llm pruned',
      'Deployment app/web pruned',
      'ConfigMap app/old pruned',
    ]);
    expect(io.messages.filter((m) => m.code === 'PRUNE').map((m) => [m.level, m.message])).toEqual([
      ['warn', 'deleting ConfigMap app/old (created by stack demo, no longer in the synth)'],
      ['warn', 'deleting Deployment app/web (created by stack demo, no longer in the synth)'],
      ['warn', 'deleting RayService app/llm (created by stack demo, no longer in the synth)'],
    ]);
    expect(c.writes({ lock: false }).filter((w) => w.startsWith('delete'))).toEqual([
      'delete RayService app/llm',
      'delete Deployment app/web',
      'delete ConfigMap app/old',
    ]);
    expect(c.writes({ lock: false }).at(-1)).toBe('apply ConfigMap default/modelstack-demo');
    expect(c.find('v1', 'ConfigMap', 'modelstack-demo', 'default')?.metadata.annotations?.[APPLYSET_GROUP_KINDS]).toBe('ConfigMap,Namespace');
    expect(c.find('v1', 'ConfigMap', 'theirs', 'app')).toBeDefined();
    expect(c.find('v1', 'ConfigMap', 'by-hand', 'app')).toBeDefined();
  });

  test('prune in a dry run: lists what would go, deletes nothing, leaves the parent', async () => {
    const c = cluster();
    await apply(c, [stack([cm('a'), cm('old')])], NO_PREFLIGHT, new RecordingIoHost());
    c.calls.length = 0;
    const r = await apply(c, [stack([cm('a')])], { ...NO_PREFLIGHT, prune: true, dryRun: true }, new RecordingIoHost());
    expect(actions(r)).toEqual(['ConfigMap app/a unchanged', 'ConfigMap app/old pruned']);
    expect(c.writes({ lock: false })).toEqual(['apply (dry run) ConfigMap app/a']);
  });

  test('without prune, objects dropped from the synth stay, and the parent keeps recording their kinds', async () => {
    const c = cluster();
    await apply(c, [stack([cm('a'), web])], NO_PREFLIGHT, new RecordingIoHost());
    await apply(c, [stack([cm('a')])], NO_PREFLIGHT, new RecordingIoHost());
    expect(c.find('apps/v1', 'Deployment', 'web', 'app')).toBeDefined();
    expect(c.find('v1', 'ConfigMap', 'modelstack-demo', 'default')?.metadata.annotations?.[APPLYSET_GROUP_KINDS]).toBe('ConfigMap,Deployment.apps');
  });

  test('the parent goes to --applyset-namespace; each stack has its own parent', async () => {
    const c = cluster();
    const r = await apply(c, [stack([cm('a')], 'one'), stack([cm('b')], 'two')], { ...NO_PREFLIGHT, applySetNamespace: 'ops' }, new RecordingIoHost());
    expect(r.stacks.map((s) => s.stack)).toEqual(['one', 'two']);
    expect(c.find('v1', 'ConfigMap', 'modelstack-one', 'ops')).toBeDefined();
    expect(c.find('v1', 'ConfigMap', 'modelstack-two', 'ops')).toBeDefined();
    expect(c.find('v1', 'ConfigMap', 'b', 'app')?.metadata.labels?.[APPLYSET_PART_OF]).toBe(applySetParent('two', 'ops').id);
  });

  test('--wait: after applying, waits for the models (a model not ready by the deadline is a TIMEOUT)', async () => {
    const c = cluster();
    const io = new RecordingIoHost();
    const e = await failure(apply(c, [stack([ray])], { ...NO_PREFLIGHT, waitMs: 0 }, io));
    expect(e.code).toBe('TIMEOUT');
    expect(c.writes({ lock: false })).toContain('apply RayService app/llm');
    expect(io.text()).toContain('waiting for models to be ready');
  });

  test('--wait: returns once the models are Ready', async () => {
    const c = cluster();
    c.put({ ...ray, status: (recorded('rayservice-ready') as { status: unknown }).status });
    const io = new RecordingIoHost();
    await apply(c, [stack([ray])], { ...NO_PREFLIGHT, waitMs: 0 }, io);
    expect(io.messages.filter((m) => m.code === 'WAIT_PROGRESS').map((m) => m.message)).toEqual([expect.stringMatching(/^ {2}RayService app\/llm: Ready /)]);
  });

  test('--wait: waits for the cache downloads first, then for the models', async () => {
    const c = cluster().serve('batch/v1', 'Job');
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'weights-download-1', namespace: 'app', labels: { 'modelstack.io/model-cache': 'weights' } },
      spec: { backoffLimit: 1 },
    };
    c.put({ ...job, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } });
    c.put({ ...ray, status: (recorded('rayservice-ready') as { status: unknown }).status });
    const io = new RecordingIoHost();
    await apply(c, [stack([ray, job])], { ...NO_PREFLIGHT, waitMs: 0 }, io);
    expect(c.writes({ lock: false }).filter((w) => /Job|RayService/.test(w))).toEqual(['apply Job app/weights-download-1', 'apply RayService app/llm']);
    expect(io.messages.filter((m) => ['DOWNLOAD_PROGRESS', 'WAIT_START', 'WAIT_PROGRESS'].includes(m.code ?? '')).map((m) => m.code)).toEqual([
      'DOWNLOAD_PROGRESS',
      'WAIT_START',
      'WAIT_PROGRESS',
    ]);
  });

  test('--wait is ignored in a dry run', async () => {
    const c = cluster();
    const io = new RecordingIoHost();
    await apply(c, [stack([ray])], { ...NO_PREFLIGHT, waitMs: 0, dryRun: true }, io);
    expect(io.text()).not.toContain('waiting for models to be ready');
  });
});
