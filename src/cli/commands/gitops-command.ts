import { ModelstackError } from '../../toolkit/index.js';
import type { Command } from '../command.js';

/** The `gitops` subcommands: name and how to load it, each in its own file. */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  'argocd-ignore': async () => (await import('./gitops-argocd-ignore-command.js')).argocdIgnoreCommand,
  health: async () => (await import('./gitops-health-command.js')).gitopsHealthCommand,
};

export const gitopsCommand: Command = {
  name: 'gitops',
  usage: `modelstack gitops <subcommand>

  argocd-ignore  print Argo CD ignoreDifferences for the replica counts autoscalers own
  health         print Argo CD (--argocd, Lua) or Flux (--flux, CEL) health checks for the model kinds`,
  async usageFor(argv) {
    const load = argv[0] === undefined ? undefined : SUBCOMMANDS[argv[0]];
    return load ? (await load()).usage : gitopsCommand.usage;
  },
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    const load = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (!load) {
      throw new ModelstackError('USAGE', sub === undefined ? 'gitops: missing subcommand' : `gitops: unknown subcommand "${sub}"`, {
        hint: `use one of: ${Object.keys(SUBCOMMANDS).join(', ')}`,
      });
    }
    return (await load()).run(rest, ctx);
  },
};
