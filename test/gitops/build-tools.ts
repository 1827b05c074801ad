// Builds (or finds cached) the Go tools the GitOps tests run, ahead of the tests: `.ci/run` calls it
// next to the test cluster's build, so a cold build is timed as a build step, not inside a test.
import { ACTIONLINT, ensureTool, HEALTH_EVAL } from './go-tool.js';

for (const tool of [HEALTH_EVAL, ACTIONLINT]) {
  const started = Date.now();
  const bin = await ensureTool(tool);
  if (!bin) throw new Error(`${tool.name}: no Go toolchain, cannot build it`);
  process.stdout.write(`${tool.name}: ${bin} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
