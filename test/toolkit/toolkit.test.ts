// The Toolkit as a library user drives it: typed options in, typed results and registered
// messages (code + data) out, nothing printed. Cluster calls run against FakeKube (the KubeApi
// test double); the same calls against a real kube-apiserver are in test/integration.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListForbiddenError, MESSAGES, ModelstackError, RecordingIoHost, type StackManifest, Toolkit } from '../../src/toolkit/index.js';
import { RayModel, Testing } from '../../index.js';
import { toYaml } from '../../src/synth/render-yaml.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { FakeKube, forbidden } from '../support/fake-kube.js';
import { removeTempDirs, tempDir } from '../support/paths.js';
import { rejection } from '../support/thrown.js';

afterAll(removeTempDirs);

const cm = (name: string, data: Record<string, string> = { k: 'v' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'app' },
  data,
});
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } };
const stack = (objects: KubeObject[]): StackManifest => ({ id: 'chart', stackName: 'demo', stackId: 'demo-0000id', objects });

function toolkit(io = new RecordingIoHost(), cwd = tempDir()): Toolkit {
  return new Toolkit({ ioHost: io, cwd, env: {} });
}

describe('Toolkit against a KubeApi', () => {
  test('apply: a typed result, and one APPLIED message with typed data per object', async () => {
    const kube = new FakeKube().serveBuiltins();
    const io = new RecordingIoHost();
    const r = await toolkit(io).apply({ kube, stacks: [stack([cm('a'), ns])], skipPreflight: true });
    expect(r).toEqual({
      dryRun: false,
      stacks: [
        {
          stack: 'demo',
          outcomes: [
            { ref: 'Namespace app', action: 'created' },
            { ref: 'ConfigMap app/a', action: 'created' },
          ],
        },
      ],
    });
    expect(io.data(MESSAGES.APPLIED)).toEqual([
      { ref: 'Namespace app', apiVersion: 'v1', kind: 'Namespace', name: 'app', stack: 'demo', action: 'created', dryRun: false },
      { ref: 'ConfigMap app/a', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'app', name: 'a', stack: 'demo', action: 'created', dryRun: false },
    ]);
    expect(io.messages.every((m) => m.code !== undefined)).toBe(true);
  });

  test('live diff after apply: a change set with exactly the changed object; prune candidates with --prune', async () => {
    const kube = new FakeKube().serveBuiltins();
    const tk = toolkit();
    await tk.apply({ kube, stacks: [stack([ns, cm('a'), cm('b')])], skipPreflight: true });
    const same = await tk.diff({ kube, stacks: [stack([ns, cm('a'), cm('b')])] });
    expect(same.against).toEqual({ kind: 'live', label: 'the live cluster' });
    expect(same.hasChanges).toBe(false);
    const changed = await tk.diff({ kube, stacks: [stack([ns, cm('a', { k: 'new' })])], prune: true });
    expect(changed.hasChanges).toBe(true);
    expect(changed.changes.changes.map((c) => `${c.action} ${c.ref}`)).toEqual(['change ConfigMap app/a', 'remove ConfigMap app/b']);
    const noPrune = await tk.diff({ kube, stacks: [stack([ns, cm('a', { k: 'new' })])] });
    expect(noPrune.changes.changes.map((c) => `${c.action} ${c.ref}`)).toEqual(['change ConfigMap app/a']);
  });

  test('destroy: what was deleted per stack, and a DELETE message per object', async () => {
    const kube = new FakeKube().serveBuiltins();
    const io = new RecordingIoHost();
    const tk = toolkit(io);
    await tk.apply({ kube, stacks: [stack([ns, cm('a')])], skipPreflight: true });
    const r = await tk.destroy({ kube, stacks: [stack([ns, cm('a')])], yes: true });
    expect(r).toEqual({ dryRun: false, stacks: [{ stack: 'demo', deleted: ['ConfigMap app/a', 'Namespace app'], released: [] }] });
    expect(io.data(MESSAGES.DELETE).map((d) => `${d.stack} ${d.ref}`)).toEqual(['demo ConfigMap app/a', 'demo Namespace app']);
    expect(kube.find('v1', 'ConfigMap', 'a', 'app')).toBeUndefined();
  });

  test('list: the namespace listed is in the result; a runtime that is not served is a LIST_NOTE', async () => {
    const io = new RecordingIoHost();
    const r = await toolkit(io).list({ kube: new FakeKube().serveBuiltins() });
    expect(r.namespace).toBe('default');
    expect(r.models).toEqual([]);
    expect(io.data(MESSAGES.LIST_NOTE).map((d) => d.note)).toEqual(r.notes);
    expect(r.notes).toHaveLength(2);
    const all = await toolkit().list({ kube: new FakeKube().serveBuiltins(), allNamespaces: true });
    expect(all.namespace).toBeUndefined();
  });

  test('list: a kind that may not be listed is a ListForbiddenError carrying what was listed, not a shorter list', async () => {
    const io = new RecordingIoHost();
    const kube = new FakeKube().serveBuiltins().serve('ray.io/v1', 'RayService');
    kube.fail = (call) => (call.kind === 'RayService' ? forbidden('list', 'rayservices.ray.io', call.namespace) : undefined);
    const e = await rejection(toolkit(io).list({ kube, namespace: 'llm' }));
    expect(e).toBeInstanceOf(ListForbiddenError);
    expect([e.code, e.exitCode, e.message]).toEqual(['FORBIDDEN', 2, 'cannot list RayService in namespace llm: forbidden']);
    expect(e.details).toEqual(['KubeRay: missing permission: list rayservices.ray.io in namespace llm']);
    expect(e.hint).toBe('ask for RBAC permission to list rayservices.ray.io in namespace llm');
    expect((e as ListForbiddenError).partial).toMatchObject({ namespace: 'llm', models: [], listed: [] });
    // The runtime that is not served is still said, as before.
    expect(io.data(MESSAGES.LIST_NOTE).map((d) => d.note)).toEqual(['NVIDIA Dynamo: not installed (DynamoGraphDeployment nvidia.com/v1beta1 is not served)']);
  });

  test('status: one row per runtime', async () => {
    const r = await toolkit().status({ kube: new FakeKube().serveBuiltins() });
    expect(r.runtimes.map((s) => [s.id, s.installed])).toEqual([
      ['dynamo', false],
      ['kuberay', false],
    ]);
  });
});

describe('Toolkit offline', () => {
  test('diff against a directory: typed change set, nothing printed', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'old.yaml'), toYaml([cm('a'), cm('gone')]));
    const r = await toolkit(new RecordingIoHost(), cwd).diff({ against: '.', stacks: [stack([cm('a', { k: 'new' }), cm('added')])] });
    expect(r.against).toEqual({ kind: 'dir', label: '.' });
    expect(r.changes.summary).toEqual({ add: 1, change: 1, remove: 1, unchanged: 0 });
  });

  test('usage mistakes are ModelstackErrors with a hint, before anything runs', async () => {
    const e = await rejection(toolkit().diff({ base: 'HEAD', against: 'dist' }));
    expect(e).toBeInstanceOf(ModelstackError);
    expect([e.code, e.message, e.hint]).toEqual(['USAGE', 'diff: --base and --against cannot be used together', 'compare with one of them']);
    const l = await rejection(toolkit().list({ kube: new FakeKube(), namespace: 'a', allNamespaces: true }));
    expect([l.code, l.message]).toEqual(['USAGE', 'list: -n and -A cannot be used together']);
  });

  test('local.compose from ready stacks: the compose file as data and as YAML', async () => {
    const s = Testing.stack({ namespace: 'llm' });
    new RayModel(s, 'qwen', { model: 'Qwen/Qwen2.5-0.5B-Instruct' });
    const r = await toolkit().local.compose({ stacks: [Testing.manifest(s)], project: 'p', flavor: 'engine' });
    expect(r.compose.name).toBe('p');
    expect(Object.keys(r.compose.services)).toEqual(['qwen-engine']);
    expect(r.text).toMatch(/^name: p\n/);
    expect(r.path).toBeUndefined();
    const wrongSource = await rejection(toolkit().local.up({ file: 'compose.yaml', stacks: [Testing.manifest(s)] }));
    expect(wrongSource.code).toBe('USAGE');
  });
});
