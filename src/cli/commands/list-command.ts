import { ListForbiddenError, type ListModelsResult, type ListResult } from '../../toolkit/index.js';
import { choice, type Command, parseCommandArgs } from '../command.js';
import { formatTable } from '../format-table.js';
import { clusterFlags, KUBE_FLAGS, KUBE_FLAGS_USAGE } from '../kube-flags.js';

export const listCommand: Command = {
  name: 'list',
  usage: `modelstack list [-n NS | -A] [-o table|json] [--kubeconfig FILE] [--context NAME]

${KUBE_FLAGS_USAGE} (default: the context's namespace)
  -A, --all-namespaces  list across all namespaces
  -o, --output F        table (default) or json`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('list', argv, {
      ...KUBE_FLAGS,
      'all-namespaces': { type: 'boolean', short: 'A' },
      output: { type: 'string', short: 'o' },
    });
    const output = choice('-o', values.output as string | undefined, ['table', 'json'] as const, 'table');
    const render = (r: ListModelsResult): string =>
      output === 'json' ? `${JSON.stringify({ models: r.models, notes: r.notes }, null, 2)}\n` : listTable(r, r.namespace === undefined);
    try {
      const result = await ctx.toolkit.list({
        ...clusterFlags(values),
        namespace: values.namespace as string | undefined,
        allNamespaces: values['all-namespaces'] === true,
      });
      return { stdout: render(result), exitCode: 0 };
    } catch (e) {
      // One kind forbidden, the other listed: show what was listed, then the error (exit 2).
      if (e instanceof ListForbiddenError && e.partial.models.length > 0) ctx.write?.(render(e.partial));
      throw e;
    }
  },
};

export function listTable(r: ListResult, allNamespaces: boolean): string {
  if (r.models.length === 0) return 'no model deployments found\n';
  const headers = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'RUNTIME', 'KIND', 'PHASE', 'READY', 'STACK', 'MESSAGE'];
  return formatTable(
    headers,
    r.models.map((m) => [...(allNamespaces ? [m.namespace] : []), m.name, m.runtime, m.kind, m.phase, `${m.ready}/${m.desired}`, m.stack ?? '-', m.message]),
  );
}
