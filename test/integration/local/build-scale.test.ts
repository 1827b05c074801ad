// compose build: and replicas on each real engine, one engine after the other (build-scale-suite.ts).
import { buildScaleSuite } from './build-scale-suite.js';
import { describeWith, gate } from './engine-env.js';

for (const name of ['docker', 'podman', 'nerdctl'] as const) {
  const g = await gate(name);
  describeWith(`build and replicas on ${name}`, [g], ([rt]) => buildScaleSuite(rt!));
}
