import { resolve } from 'node:path';
import { type ChangeSet, diffObjects, hasChanges } from '../../diff/change-set.js';
import { renderJson } from '../../diff/render/json.js';
import { renderMarkdown } from '../../diff/render/markdown.js';
import { renderText } from '../../diff/render/text.js';
import { synthAtGitRef } from '../../diff/sources/git-base.js';
import { readManifestDir } from '../../diff/sources/manifest-dir.js';
import { synthObjects } from '../../diff/sources/synth-objects.js';
import { ModelstackError } from '../../errors.js';
import type { KubeObject } from '../../synth/manifest.js';
import { choice, type Command, type CommandContext, parseCommandArgs } from '../command.js';

const OUTPUTS = ['text', 'markdown', 'json'] as const;
type DiffOutput = (typeof OUTPUTS)[number];

export const diffCommand: Command = {
  name: 'diff',
  summary: 'show what would change: the current synth against a git revision or a directory',
  usage: `modelstack diff [--base REF | --against DIR] [--app CMD] [-o text|markdown|json]

  --base REF     compare with the app as it was at a git revision (HEAD~1, origin/main); it is
                 synthesized in a temporary worktree that is removed afterwards
  --against DIR  compare with the manifests in a directory (e.g. an earlier "modelstack synth")
  --app CMD      app command, for both sides (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
  -o, --output   text (default), markdown (a pull-request comment) or json
Secret values are never shown, only whether they changed.
Exit code 0 when nothing changes, 1 when something does, 2 on an error.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('diff', argv, {
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
      // PLACEHOLDER(live diff): with neither flag, `modelstack diff` will compare with the live
      // cluster; that mode plugs in here as one more source of the before side.
      throw new ModelstackError('USAGE', 'live diff needs a cluster, and is not available yet', {
        hint: 'compare with a git revision (--base HEAD~1) or a directory (--against dist)',
      });
    }
    const after = synthObjects({ app, cwd: ctx.cwd }, ctx.io);
    const [b, a] = await both(before, after);
    const cs = diffObjects(b, a);
    return { stdout: render(cs, output, source, ctx), exitCode: hasChanges(cs) ? 1 : 0 };
  },
};

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
