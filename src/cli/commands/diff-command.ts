import { resolve } from 'node:path';
import { type DiffResult, ModelstackError, renderJson, renderMarkdown, renderMarkdownParts, renderText, writeMarkdownParts } from '../../toolkit/index.js';
import {
  APP_TIMEOUT_FLAG,
  appTimeoutUsage,
  appTimeoutOption,
  RESYNTH_FLAG,
  resynthOption,
  resynthUsage,
  choice,
  type Command,
  parseCommandArgs,
} from '../command.js';
import { clusterFlags, KUBE_FLAGS } from '../kube-flags.js';

const OUTPUTS = ['text', 'markdown', 'json'] as const;
type DiffOutput = (typeof OUTPUTS)[number];

export const diffCommand: Command = {
  name: 'diff',
  usage: `modelstack diff [--base REF | --against DIR] [--app CMD] [--app-timeout SECONDS] [--resynth] [-o text|markdown|json]
                [--ignore PATH]... [--split-dir DIR]

  (neither)      compare with the live cluster: each object as the cluster has it against a
                 server-side apply dry run of it; --kubeconfig FILE, --context NAME as kubectl;
                 --prune also shows objects the stack owns that apply --prune would delete

  --base REF     compare with the app as it was at a git revision (HEAD~1, origin/main); it is
                 synthesized in a temporary worktree that is removed afterwards
  --against DIR  compare with the manifests in a directory (e.g. an earlier "modelstack synth")
  --app CMD      app command, for both sides (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
${appTimeoutUsage(17)}
${resynthUsage(17)}
  -o, --output   text (default), markdown (a pull-request comment) or json
  --ignore PATH  leave this field out of both sides (repeatable): dot-separated keys, [] for every
                 list element, [N], [key=value], ["key.with.dots"], optional Kind: prefix, e.g.
                 --ignore 'metadata.annotations["example.com/build"]'
                 --ignore 'DynamoGraphDeployment:spec.components[type=decode].replicas'
  --split-dir DIR  with -o markdown: write numbered files DIR/modelstack-diff-N.md, each at most
                 65,536 characters (one pull-request comment) and complete on its own, instead of
                 leaving resource diffs out; stdout lists the files
Changed models are labelled with their rollout (in place, rolling restart of a role, new RayCluster,
recreate) and the GPUs they need before, after and during the rollout.
Secret values are never shown, only which keys changed.
Exit code 0 when nothing changes, 1 when something does, 2 on an error.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('diff', argv, {
      kubeconfig: KUBE_FLAGS.kubeconfig,
      context: KUBE_FLAGS.context,
      prune: { type: 'boolean' },
      'applyset-namespace': { type: 'string' },
      base: { type: 'string' },
      against: { type: 'string' },
      app: { type: 'string' },
      ...APP_TIMEOUT_FLAG,
      ...RESYNTH_FLAG,
      output: { type: 'string', short: 'o' },
      ignore: { type: 'string', multiple: true },
      'split-dir': { type: 'string' },
    });
    const output = choice('-o', values.output as string | undefined, OUTPUTS, 'text');
    const splitDir = values['split-dir'] as string | undefined;
    if (splitDir !== undefined && output !== 'markdown') {
      throw new ModelstackError('USAGE', 'diff: --split-dir works with -o markdown only', { hint: 'add -o markdown, or drop --split-dir' });
    }
    const result = await ctx.toolkit.diff({
      ...clusterFlags(values),
      app: values.app as string | undefined,
      ...appTimeoutOption(values),
      ...resynthOption(values),
      base: values.base as string | undefined,
      against: values.against as string | undefined,
      prune: values.prune === true,
      applySetNamespace: values['applyset-namespace'] as string | undefined,
      ignore: (values.ignore as string[] | undefined) ?? [],
    });
    const exitCode = result.hasChanges ? 1 : 0;
    if (splitDir !== undefined) {
      const paths = await writeMarkdownParts(resolve(ctx.cwd, splitDir), renderMarkdownParts(result.changes, { source: result.against.label }));
      return { stdout: `${paths.join('\n')}\n`, exitCode };
    }
    return { stdout: render(result, output, ctx.env), exitCode };
  },
};

function render(r: DiffResult, output: DiffOutput, env: NodeJS.ProcessEnv): string {
  switch (output) {
    case 'json':
      return renderJson(r.changes);
    case 'markdown':
      return renderMarkdown(r.changes, { source: r.against.label });
    case 'text':
      return renderText(r.changes, { color: useColor(process.stdout.isTTY, env) });
  }
}

/** Colors only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
