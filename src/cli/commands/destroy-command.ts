import type { DestroyResult } from '../../toolkit/index.js';
import { appTimeoutUsage, appTimeoutOption, type Command, parseCommandArgs } from '../command.js';
import { clusterFlags, STACK_CLUSTER_FLAGS } from '../kube-flags.js';

export const destroyCommand: Command = {
  name: 'destroy',
  summary: 'delete every object the stack owns in the cluster, models before operators',
  usage: `modelstack destroy [--app CMD] [--app-timeout SECONDS] [--dry-run] [--applyset-namespace NS] [--kubeconfig FILE] [--context NAME]

${appTimeoutUsage(24)}
Only objects carrying the stack's ownership mark are deleted.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('destroy', argv, STACK_CLUSTER_FLAGS);
    const result = await ctx.toolkit.destroy({
      ...clusterFlags(values),
      app: values.app as string | undefined,
      ...appTimeoutOption(values),
      dryRun: values['dry-run'] === true,
      applySetNamespace: values['applyset-namespace'] as string | undefined,
    });
    return { stdout: formatDestroy(result), exitCode: 0 };
  },
};

export function formatDestroy(r: DestroyResult): string {
  const dry = r.dryRun ? ' (dry run: nothing deleted)' : '';
  return r.stacks.map((s) => `stack ${s.stack}: ${s.deleted.length} deleted${dry}\n`).join('');
}
