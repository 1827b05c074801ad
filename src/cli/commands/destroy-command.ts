import { destroy } from '../../apply/destroy.js';
import { synthStacks } from '../../synth/synth.js';
import { type Command, parseCommandArgs } from '../command.js';
import { kubeClientFrom } from '../kube-flags.js';
import { APPLY_FLAGS } from './apply-command.js';

export const destroyCommand: Command = {
  name: 'destroy',
  summary: "delete every object the stack owns in the cluster, models before operators",
  usage: `modelstack destroy [--app CMD] [--dry-run] [--applyset-namespace NS] [--kubeconfig FILE] [--context NAME]

Only objects carrying the stack's ownership mark are deleted.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('destroy', argv, APPLY_FLAGS);
    const client = kubeClientFrom(values, ctx.env);
    const stacks = await synthStacks({ app: values.app as string | undefined, cwd: ctx.cwd }, ctx.io);
    const results = await destroy(
      client,
      stacks,
      { dryRun: values['dry-run'] === true, applySetNamespace: values['applyset-namespace'] as string | undefined },
      ctx.io,
    );
    const dry = values['dry-run'] === true ? ' (dry run: nothing deleted)' : '';
    return { stdout: results.map((r) => `stack ${r.stack}: ${r.outcomes.length} deleted${dry}\n`).join(''), exitCode: 0 };
  },
};
