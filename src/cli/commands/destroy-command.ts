import type { DestroyResult } from '../../toolkit/index.js';
import { appTimeoutUsage, appTimeoutOption, RESYNTH_FLAG, resynthOption, resynthUsage, type Command, parseCommandArgs } from '../command.js';
import { clusterFlags, LOCK_FLAGS, LOCK_FLAGS_USAGE, lockFlags, STACK_CLUSTER_FLAGS } from '../kube-flags.js';

export const destroyCommand: Command = {
  name: 'destroy',
  usage: `modelstack destroy [--app CMD] [--app-timeout SECONDS] [--resynth] [--yes] [--dry-run] [--applyset-namespace NS] [--wait-for-lock SECONDS] [--break-lock] [--kubeconfig FILE] [--context NAME]

  -y, --yes     delete without asking (scripts, CI); without it destroy lists everything it
                will delete and release and asks on the terminal, and refuses when it cannot ask
  --dry-run     list what would be deleted and released, change nothing
${appTimeoutUsage(24)}
${resynthUsage(24)}
${LOCK_FLAGS_USAGE}

Only objects carrying the stack's ownership mark are considered, found in every kind the
cluster serves. Of those, only objects the stack created are deleted (models first, namespaces
and CRDs last); objects it adopted are released: kept, without the stack's marks and fields.
A namespace is deleted only when nothing in it belongs to anyone else, and is listed with
everything in it.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('destroy', argv, { ...STACK_CLUSTER_FLAGS, ...LOCK_FLAGS, ...RESYNTH_FLAG, yes: { type: 'boolean', short: 'y' } });
    const result = await ctx.toolkit.destroy({
      ...clusterFlags(values),
      ...lockFlags(values),
      yes: values.yes === true,
      app: values.app as string | undefined,
      ...appTimeoutOption(values),
      ...resynthOption(values),
      dryRun: values['dry-run'] === true,
      applySetNamespace: values['applyset-namespace'] as string | undefined,
    });
    return { stdout: formatDestroy(result), exitCode: 0 };
  },
};

export function formatDestroy(r: DestroyResult): string {
  const dry = r.dryRun ? ' (dry run: nothing deleted)' : '';
  return r.stacks.map((s) => `stack ${s.stack}: ${s.deleted.length} deleted, ${s.released.length} released${dry}\n`).join('');
}
