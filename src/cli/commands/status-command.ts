import type { RuntimeStatus } from '../../toolkit/index.js';
import { choice, type Command, parseCommandArgs } from '../command.js';
import { formatTable } from '../format-table.js';
import { clusterFlags, KUBE_FLAGS, KUBE_FLAGS_USAGE } from '../kube-flags.js';

export const statusCommand: Command = {
  name: 'status',
  usage: `modelstack status [-o table|json] [--kubeconfig FILE] [--context NAME] [-n NS]

${KUBE_FLAGS_USAGE} (where to look for operators; default: all namespaces)
  -o, --output F      table (default) or json`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('status', argv, { ...KUBE_FLAGS, output: { type: 'string', short: 'o' } });
    const output = choice('-o', values.output as string | undefined, ['table', 'json'] as const, 'table');
    const { runtimes } = await ctx.toolkit.status({ ...clusterFlags(values), namespace: values.namespace as string | undefined });
    return { stdout: output === 'json' ? `${JSON.stringify(runtimes, null, 2)}\n` : statusTable(runtimes), exitCode: 0 };
  },
};

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

export function statusTable(rows: readonly RuntimeStatus[]): string {
  return formatTable(
    ['RUNTIME', 'NAME', 'INSTALLED', 'HEALTHY', 'VERSION', 'MESSAGE'],
    rows.map((r) => [r.id, r.name, yesNo(r.installed), yesNo(r.healthy), r.version ?? '-', r.message]),
  );
}
