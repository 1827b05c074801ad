// modelstack import against a real kube-apiserver (issue 15 part 2): models another tool made
// are imported from their namespace, the generated stack's live diff shows only what import
// listed (modelstack's labels), and apply adopts them in place (same uid, reported adopted).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { liveDiff } from '../../src/diff/sources/live.js';
import { isReservedKey } from '../../src/import/model-props.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import { objectRef, type KubeObject } from '../../src/model/kube-object.js';
import { RecordingIoHost, Toolkit } from '../../src/toolkit/index.js';
import { importProject, MODULE } from '../import/support.js';
import { removeTempDirs, repoRoot } from '../support/paths.js';
import { clientFor, createNamespace, describeWithCluster, uniqueNamespace } from './support/cluster.js';

/** A golden model object as another tool would write it: in `ns`, without modelstack's labels. */
function foreign(kind: string, name: string, ns: string): KubeObject {
  const file = kind === 'RayService' ? 'matrix.ray.yaml' : 'matrix.dynamo.yaml';
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'test', 'golden', 'files', file), 'utf8')).map((d) => d.toJS() as KubeObject);
  const o = docs.find((d) => d.kind === kind && d.metadata.name === name)!;
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !isReservedKey(k)));
  return { ...o, metadata: { name, namespace: ns, labels: { ...labels, team: 'search' } } };
}

function withoutOwnLabels(o: KubeObject | undefined): unknown {
  if (!o) return undefined;
  const { metadata, ...rest } = o;
  const labels = Object.fromEntries(Object.entries(metadata.labels ?? {}).filter(([k]) => !isReservedKey(k)));
  const annotations = Object.fromEntries(Object.entries(metadata.annotations ?? {}).filter(([k]) => !isReservedKey(k)));
  return { ...rest, metadata: { name: metadata.name, namespace: metadata.namespace, labels, annotations } };
}

afterAll(removeTempDirs);

describeWithCluster('modelstack import against a real kube-apiserver', (kubeconfig) => {
  let admin: KubeClient;
  beforeAll(() => {
    admin = clientFor(kubeconfig);
  });

  test('import -n of models another tool made: the live diff shows only the labels import listed, and apply adopts them with the same uid', async () => {
    const ns = uniqueNamespace('import');
    await createNamespace(admin, ns);
    const objects = [foreign('DynamoGraphDeployment', 'min-vllm-aggregated-kv', ns), foreign('RayService', 'default', ns)];
    const uids = new Map<string, string>();
    for (const o of objects) {
      const created = await admin.apply<KubeObject & { metadata: { uid: string } }>(o, { fieldManager: 'helm' });
      uids.set(objectRef(o), created.metadata.uid);
    }

    const dir = importProject();
    const toolkit = new Toolkit({ cwd: dir, ioHost: new RecordingIoHost() });
    const result = await toolkit.importModels({ namespace: ns, kubeconfig, out: 'stacks/imported.ts', module: MODULE });
    expect(result.models.map((m) => m.ref).sort()).toEqual([...uids.keys()].sort());
    for (const m of result.models) {
      expect(m.normalised).toEqual(expect.arrayContaining(['metadata.managedFields (removed)', 'metadata.uid (removed)']));
      expect(m.normalised.filter((n) => n.startsWith('metadata.labels'))).toEqual(expect.arrayContaining([expect.stringContaining('modelstack.io/stack')]));
    }

    // The head ports' protocol the API server defaulted (a list-map entry) is a listed CRD default, not a patch.
    const ray = result.models.find((m) => m.construct === 'RayModel')!;
    expect(ray.normalised).toContain('/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/0/protocol (CRD default)');
    expect(ray.patches.filter((p) => p.endsWith('/protocol'))).toEqual([]);

    const stacks = await toolkit.stacks({ app: 'npx tsx stacks/imported.ts' });
    const changes = await liveDiff(admin, stacks);
    // Every difference is one of modelstack's own labels or marks: the spec is as the other tool wrote it.
    for (const c of changes.changes) {
      expect(c.action).toBe('change');
      expect(withoutOwnLabels(c.after)).toEqual(withoutOwnLabels(c.before));
    }

    const applied = await toolkit.apply({ stacks, kubeconfig, skipPreflight: true });
    const outcomes = applied.stacks.flatMap((s) => s.outcomes);
    for (const [ref, uid] of uids) {
      expect(outcomes).toContainEqual(expect.objectContaining({ ref, action: 'adopted' }));
      const live = await admin.get<KubeObject & { metadata: { uid: string } }>(objects.find((o) => objectRef(o) === ref)!);
      expect(live!.metadata.uid).toBe(uid);
    }
  }, 180_000);
});
