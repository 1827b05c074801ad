import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { rayDraft } from '../../src/import/ray-props.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { repoRoot } from '../support/paths.js';

type Ray = KubeObject & { spec: { serveConfigV2: string; rayClusterConfig: Record<string, any> } };

function goldenRay(file: string, name: string): Ray {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'test', 'golden', 'files', file), 'utf8')).map((d) => d.toJS() as Ray);
  return docs.find((o) => o.kind === 'RayService' && o.metadata.name === name)!;
}

/** The serve config of `o` edited by `edit` (on its parsed form), written back as YAML. */
function withServe(o: Ray, edit: (app: any) => void): Ray {
  const serve = parseYaml(o.spec.serveConfigV2);
  edit(serve.applications[0]);
  return { ...o, spec: { ...o.spec, serveConfigV2: stringify(serve, { lineWidth: 0 }) } };
}

// Each prop is taken only when the object has exactly the shape RayModel renders; the synth diff
// then keeps what differs as a patch (test/import/import-stack.test.ts runs that part).
describe('RayModel props read back (ray-props.ts)', () => {
  test('placement bundles RayModel would not write (one CPU count per bundle differs) leave the serve props and the Serve settings out', () => {
    const o = goldenRay('matrix.ray-production.yaml', 'production');
    expect(rayDraft(o, 'p').props).toMatchObject({ serve: { placement: { strategy: 'PACK' } }, autoscaling: { maxReplicas: 2 } });
    const edited = withServe(structuredClone(o), (app) => {
      app.args.llm_configs[0].placement_group_config.bundles[1].CPU = 2;
    });
    const props = rayDraft(edited, 'p').props;
    for (const k of ['serve', 'autoscaling', 'engineKwargs', 'workerGroups']) expect(props).not.toHaveProperty(k);
    // What the object says about the model alone is still read.
    expect(props).toMatchObject({ model: 'Qwen/Qwen2.5-72B-Instruct', modelId: 'qwen-72b', rayVersion: '2.52.0' });
  });

  test('a memory-backed /dev/shm without a size on a one-GPU group is no sharedMemory RayModel writes: the worker groups are not read', () => {
    const o = structuredClone(goldenRay('matrix.ray.yaml', 'full'));
    expect(rayDraft(o, 'f').props).toHaveProperty('workerGroups');
    const group = o.spec.rayClusterConfig.workerGroupSpecs[2];
    group.template.spec.volumes = [{ name: 'shm', emptyDir: { medium: 'Memory' } }];
    group.template.spec.containers[0].volumeMounts = [{ name: 'shm', mountPath: '/dev/shm' }];
    expect(rayDraft(o, 'f').props).not.toHaveProperty('workerGroups');
  });

  test('env that differs between head and workers is not an env prop; a Serve application of another shape keeps only the basic props', () => {
    const o = structuredClone(goldenRay('matrix.ray.yaml', 'full'));
    o.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].env.push({ name: 'C', value: '3' });
    const props = rayDraft(o, 'f').props;
    expect(props).not.toHaveProperty('env');
    expect(props).not.toHaveProperty('hfTokenSecret');
    const renamed = withServe(structuredClone(goldenRay('matrix.ray.yaml', 'full')), (app) => {
      app.route_prefix = '/v1';
    });
    const draft = rayDraft(renamed, 'f');
    expect(Object.keys(draft.props).filter((k) => !(k in draft.basic!))).toEqual(['head', 'hfTokenSecret', 'env']);
  });
});
