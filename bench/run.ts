// Benchmarks with targets: `npm run bench`. Not part of `npm test` (timings vary by machine);
// exits 1 when a median misses its target, so a regression is visible when someone runs it.
import { DynamoModel, ModelStack, ModelstackApp, RayModel } from '../index.js';
import { diffObjects } from '../src/diff/change-set.js';
import { loadCrds } from '../src/schema/crd-store.js';
import { resolveCrdsDir } from '../src/schema/crds-dir.js';
import { validateObject } from '../src/schema/validate.js';
import { layoutFiles } from '../src/synth/layout.js';
import type { KubeObject } from '../src/model/kube-object.js';

interface Bench {
  readonly name: string;
  /** Target for the median, in milliseconds. */
  readonly targetMs: number;
  readonly run: () => unknown | Promise<unknown>;
}

const ENGINES = ['vllm', 'sglang', 'trtllm'] as const;

function bigStack(models: number): KubeObject[] {
  const app = new ModelstackApp();
  const stack = new ModelStack(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < models; i++) {
    if (i % 4 === 3) new RayModel(stack, `ray-${i}`, { model: 'Qwen/Qwen2.5-7B-Instruct', tensorParallelSize: 2 });
    else new DynamoModel(stack, `dgd-${i}`, { model: 'Qwen/Qwen3-0.6B', engine: ENGINES[i % 3], mode: i % 2 ? 'disaggregated' : 'aggregated', router: 'kv' });
  }
  return stack.toJson() as KubeObject[];
}

async function main(): Promise<void> {
  const objects = bigStack(200);
  const edited = bigStack(200).map((o, i) => (i % 10 === 0 ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, edited: 'yes' } } } : o));
  const store = await loadCrds(resolveCrdsDir(), {
    include: (p) => p.endsWith('nvidia.com_dynamographdeployments.yaml') || p.endsWith('ray.io_rayservices.yaml'),
  });
  const crs = objects.filter((o) => o.kind !== 'Namespace');

  const benches: Bench[] = [
    { name: 'synth 200 models in-process', targetMs: 400, run: () => bigStack(200) },
    { name: 'validate 200 custom resources against the CRD schemas', targetMs: 300, run: () => crs.forEach((o) => validateObject(o, store)) },
    {
      name: 'render 200 models as file-per-resource YAML',
      targetMs: 500,
      run: () => layoutFiles([{ id: 'bench', objects }], { layout: 'file-per-resource', kustomization: true }),
    },
    { name: 'diff 200 models (20 changed)', targetMs: 300, run: () => diffObjects(objects, edited) },
  ];

  let missed = 0;
  for (const b of benches) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await b.run();
      times.push(performance.now() - t0);
    }
    times.sort((a, c) => a - c);
    const median = times[2]!;
    const ok = median <= b.targetMs;
    if (!ok) missed++;
    console.log(`${ok ? 'ok  ' : 'MISS'} ${b.name}: median ${median.toFixed(0)} ms (target ${b.targetMs} ms)`);
  }
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  const heapOk = heapMb <= 512;
  if (!heapOk) missed++;
  console.log(`${heapOk ? 'ok  ' : 'MISS'} heap after all benchmarks: ${heapMb.toFixed(0)} MiB (target 512 MiB)`);
  console.log(`bench: ${benches.length + 1 - missed} passed, ${missed} failed`);
  process.exitCode = missed > 0 ? 1 : 0;
}

await main();
