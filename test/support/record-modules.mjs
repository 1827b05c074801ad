// Preloaded with `node --import` (after tsx): appends, one a line, to the file named by
// MODELSTACK_TEST_MODULES_LOG, in the order they happen: the URL of every file module the process
// loads (ES modules from the loader hooks, which Node runs on a thread of their own, registered by
// module.register; CommonJS modules loaded by require), and `spawn <file>` for every child process
// it starts.
import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import Module, { register, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const log = process.env.MODELSTACK_TEST_MODULES_LOG;
const record = (line) => log && appendFileSync(log, `${line}\n`);

export async function load(url, context, next) {
  if (url.startsWith('file:')) record(url);
  return next(url, context);
}

if (isMainThread) {
  register(import.meta.url);
  const loadCommonJs = Module._load;
  Module._load = function (request, parent, isMain) {
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      if (file.startsWith('/')) record(pathToFileURL(file).href);
    } catch {
      // Not resolvable: Module._load throws its own error below.
    }
    return loadCommonJs.apply(this, arguments);
  };
  const spawn = childProcess.spawn;
  childProcess.spawn = function (file, ...rest) {
    record(`spawn ${file}`);
    return spawn.call(this, file, ...rest);
  };
  syncBuiltinESMExports();
}
