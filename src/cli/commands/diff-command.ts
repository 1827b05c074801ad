import { resolve } from 'node:path';
import { type ChangeSet, diffObjects, hasChanges } from '../../diff/change-set.js';
import { renderJson } from '../../diff/render/json.js';
import { renderMarkdown } from '../../diff/render/markdown.js';
import { renderText } from '../../diff/render/text.js';
import { synthAtGitRef } from '../../diff/sources/git-base.js';
import { readManifestDir } from '../../diff/sources/manifest-dir.js';
import { synthObjects } from '../../diff/sources/synth-objects.js';
import { ModelstackError } from '../../errors.js';
import type { KubeObject } from '../../model/kube-object.js';
import { synthStacks } from '../../synth/synth.js';
import { FIELD_MANAGER } from '../../apply/apply.js';
import { groupKind, stackApplySet } from '../../apply/applyset.js';
import { ownedObjects, pruneCandidates, readParent } from '../../apply/owned-objects.js';
import { liveSides } from '../../diff/sources/live.js';
import { KUBE_FLAGS, kubeClientFrom } from '../kube-flags.js';
import { choice, type Command, type CommandContext, parseCommandArgs } from '../command.js';

const OUTPUTS = ['text', 'markdown', 'json'] as const;
type DiffOutput = (typeof OUTPUTS)[number];

export const diffCommand: Command = {
  name: 'diff',
  summary: 'show what would change: against the live cluster, a git revision or a directory',
  usage: `modelstack diff [--base REF | --against DIR] [--app CMD] [-o text|markdown|json]

  (neither)      compare with the live cluster: each object as the cluster has it against a
                 server-side apply dry run of it; --kubeconfig FILE, --context NAME as kubectl;
                 --prune also shows objects the stack owns that apply --prune would delete

  --base REF     compare with the app as it was at a git revision (HEAD~1, origin/main); it is
                 synthesized in a temporary worktree that is removed afterwards
  --against DIR  compare with the manifests in a directory (e.g. an earlier "modelstack synth")
  --app CMD      app command, for both sides (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
  -o, --output   text (default), markdown (a pull-request comment) or json
Secret values are never shown, only whether they changed.
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
      output: { type: 'string', short: 'o' },
    });
    const output = choice('-o', values.output as string | undefined, OUTPUTS, 'text');
    const base = values.base as string | undefined;
    const against = values.against as string | undefined;
    const app = values.app as string | undefined;
    if (base !== undefined && against !== undefined) {
      throw new ModelstackError('USAGE', 'diff: --base and --against cannot be used together', { hint: 'compare with one of them' });
    }

    let before: Promise<readonly KubeObject[]>;
    let source: string;
    if (against !== undefined) {
      before = readManifestDir(resolve(ctx.cwd, against));
      source = against;
    } else if (base !== undefined) {
      before = synthAtGitRef({ ref: base, cwd: ctx.cwd, app }, ctx.io);
      source = `git ${base}`;
    } else {
      const cs = await liveDiff(values, ctx);
      return { stdout: render(cs, output, 'the live cluster', ctx), exitCode: hasChanges(cs) ? 1 : 0 };
    }
    const after = synthObjects({ app, cwd: ctx.cwd }, ctx.io);
    const [b, a] = await both(before, after);
    const cs = diffObjects(b, a);
    return { stdout: render(cs, output, source, ctx), exitCode: hasChanges(cs) ? 1 : 0 };
  },
};

/** Live mode: the cluster as it is against a dry run of `apply` (ownership marks included). */
async function liveDiff(values: Record<string, unknown>, ctx: CommandContext): Promise<ChangeSet> {
  const client = kubeClientFrom(values, ctx.env);
  const stacks = await synthStacks({ app: values.app as string | undefined, cwd: ctx.cwd }, ctx.io);
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  for (const s of stacks) {
    const { parent, desired } = stackApplySet(s, values['applyset-namespace'] as string | undefined);
    const prune = values.prune ? pruneCandidates(await ownedObjects(client, parent, await readParent(client, parent), desired.map(groupKind)), desired) : [];
    const sides = await liveSides(client, desired, { fieldManager: FIELD_MANAGER, pruneCandidates: prune });
    before.push(...sides.before);
    after.push(...sides.after);
  }
  return diffObjects(before, after);
}

function render(cs: ChangeSet, output: DiffOutput, source: string, ctx: CommandContext): string {
  switch (output) {
    case 'json':
      return renderJson(cs);
    case 'markdown':
      return renderMarkdown(cs, { source });
    case 'text':
      return renderText(cs, { color: useColor(process.stdout.isTTY, ctx.env) });
  }
}

/** Colors only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** Waits for both sides, so no work (a worktree being removed) is left running on an error. */
async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
