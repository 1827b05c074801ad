// The context the CLI hands a command: a Toolkit on a silent IoHost, in `cwd` with `env`.
import type { CommandContext } from '../../src/cli/command.js';
import { type IoHost, silentIoHost, Toolkit } from '../../src/toolkit/index.js';

export function cliContext(cwd = '/nonexistent', env: NodeJS.ProcessEnv = {}): CommandContext {
  return { toolkit: new Toolkit({ ioHost: silentIoHost, cwd, env }), cwd, env };
}

/** The same, with a given IoHost (to read the messages a command's toolkit call sent). */
export function cliContextWith(io: IoHost, cwd: string, env: NodeJS.ProcessEnv): CommandContext {
  return { toolkit: new Toolkit({ ioHost: io, cwd, env }), cwd, env };
}
