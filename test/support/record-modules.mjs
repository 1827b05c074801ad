// Preloaded with `node --import` (after tsx): appends the URL of every file module the process
// loads, one a line, to the file named by MODELSTACK_TEST_MODULES_LOG. The hooks run on Node's
// loader thread (module.register), which registers nothing itself.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function load(url, context, next) {
  const log = process.env.MODELSTACK_TEST_MODULES_LOG;
  if (log && url.startsWith('file:')) appendFileSync(log, `${url}\n`);
  return next(url, context);
}
