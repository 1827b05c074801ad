import { stringify } from 'yaml';
import { APP_TIMEOUT_FLAG, appTimeoutOption, appTimeoutUsage, type Command, parseCommandArgs } from '../command.js';

/** `modelstack gitops argocd-ignore`: the Argo CD ignoreDifferences for the replica counts autoscalers own. */
export const argocdIgnoreCommand: Command = {
  name: 'gitops argocd-ignore',
  usage: `modelstack gitops argocd-ignore [--app CMD] [--app-timeout SECONDS]

Prints the Argo CD Application "ignoreDifferences" entries (YAML) for the replica counts an
autoscaler owns in the stack: the workers of a Dynamo model with the planner, components with a
scaling adapter, and the targets of the stack's HorizontalPodAutoscalers. modelstack does not render
those counts, so a sync never resets them; the entries keep Argo CD from showing the autoscaler's
changes as drift. Paste them under the Application's spec.
  --app CMD      app command (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
${appTimeoutUsage(17)}`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('gitops argocd-ignore', argv, { app: { type: 'string' }, ...APP_TIMEOUT_FLAG });
    const { entries } = await ctx.toolkit.argocdIgnore({ app: values.app as string | undefined, ...appTimeoutOption(values) });
    if (entries.length === 0) return { stdout: '# no replica counts in the stack are owned by an autoscaler\nignoreDifferences: []\n', exitCode: 0 };
    return { stdout: stringify({ ignoreDifferences: entries }), exitCode: 0 };
  },
};
