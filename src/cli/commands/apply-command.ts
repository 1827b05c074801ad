import type { ApplyResult } from '../../toolkit/index.js';
import { appTimeoutUsage, appTimeoutOption, RESYNTH_FLAG, resynthOption, resynthUsage, type Command, parseCommandArgs, positiveNumber } from '../command.js';
import { clusterFlags, LOCK_FLAGS, LOCK_FLAGS_USAGE, lockFlags, STACK_CLUSTER_FLAGS } from '../kube-flags.js';

export const applyCommand: Command = {
  name: 'apply',
  usage: `modelstack apply [--app CMD] [--app-timeout SECONDS] [--resynth] [--dry-run] [--prune] [--allow-mass-delete] [--force-conflicts] [--skip-preflight] [--wait] [--timeout SECONDS] [--operator-timeout SECONDS] [--concurrency N]

  --app CMD             app command (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
${appTimeoutUsage(24)}
${resynthUsage(24)}
  --dry-run             let the server check everything, write nothing
  --prune               take objects out of the stack that it applied before and no longer has:
                        deleted when the stack created them, released (kept, without the stack's
                        marks and fields) when it adopted them; a namespace that holds anything
                        else is released, never deleted; unmarked objects are never touched
  --allow-mass-delete   let --prune remove every object of a stack, or more than half of 3 or more
  --force-conflicts     take over fields another field manager owns (otherwise conflicts stop the apply)
  --skip-preflight      apply even when a model's runtime is not installed and healthy (no check,
                        no waiting for operators the stack installs: everything in stage order)
  --wait                wait until every model is Ready, showing progress
  --timeout SECONDS     how long --wait waits (default 600)
  --operator-timeout SECONDS
                        when the stack installs an operator its models need that is not ready yet
                        (Flux HelmRelease, Argo CD Application, or its CRDs and Deployment): how
                        long to wait for it after applying everything else, before the models (default 600)
  --concurrency N       requests in flight within one stage (default 4)
  --applyset-namespace  namespace of the stack's ownership record (default: default)
${LOCK_FLAGS_USAGE}
  --kubeconfig FILE, --context NAME  as kubectl
Order: CRDs, namespaces, RBAC and config, operators, models. Field manager: modelstack/<stack>.
A stack that installs the operators its models need applies them first and waits for them.
The stack needs a stackId (ModelStack prop); objects that existed before are shown as adopted.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('apply', argv, {
      ...STACK_CLUSTER_FLAGS,
      ...LOCK_FLAGS,
      ...RESYNTH_FLAG,
      prune: { type: 'boolean' },
      'allow-mass-delete': { type: 'boolean' },
      'force-conflicts': { type: 'boolean' },
      'skip-preflight': { type: 'boolean' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      concurrency: { type: 'string' },
      'operator-timeout': { type: 'string' },
    });
    const timeout = positiveNumber('--timeout', values.timeout as string | undefined, 600);
    const concurrency = positiveNumber('--concurrency', values.concurrency as string | undefined, 4);
    const operatorTimeout = positiveNumber('--operator-timeout', values['operator-timeout'] as string | undefined, 600);
    const result = await ctx.toolkit.apply({
      ...clusterFlags(values),
      app: values.app as string | undefined,
      ...appTimeoutOption(values),
      ...resynthOption(values),
      dryRun: values['dry-run'] === true,
      forceConflicts: values['force-conflicts'] === true,
      prune: values.prune === true,
      allowMassDelete: values['allow-mass-delete'] === true,
      ...lockFlags(values),
      skipPreflight: values['skip-preflight'] === true,
      waitMs: values.wait ? timeout * 1000 : undefined,
      concurrency,
      operatorTimeoutMs: operatorTimeout * 1000,
      applySetNamespace: values['applyset-namespace'] as string | undefined,
    });
    return { stdout: formatApply(result), exitCode: 0 };
  },
};

export function formatApply(r: ApplyResult): string {
  const lines: string[] = [];
  for (const s of r.stacks) {
    const count = (a: string): number => s.outcomes.filter((o) => o.action === a).length;
    const deferred = s.deferred && s.deferred.length > 0 ? `, ${s.deferred.length} deferred until their runtime is installed (not checked)` : '';
    lines.push(
      `stack ${s.stack}: ${count('created')} created, ${count('adopted')} adopted, ${count('configured')} configured, ${count('unchanged')} unchanged, ${count('pruned')} pruned, ${count('released')} released${deferred}${r.dryRun ? ' (dry run: nothing written)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
