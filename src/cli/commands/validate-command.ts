import type { ValidateResult } from '../../toolkit/index.js';
import { choice, type Command, parseCommandArgs } from '../command.js';
import { clusterFlags, KUBE_FLAGS } from '../kube-flags.js';

export const validateCommand: Command = {
  name: 'validate',
  usage: `modelstack validate [DIR] [--crds DIR | --live] [-o text|json]

  DIR          manifests to check (default: dist)
  --crds DIR   CRDs to check against (default: $MODELSTACK_CRDS_DIR, else ../shared/crds)
  --live       read the CRDs from the cluster (with --kubeconfig / --context)
  -o, --output text (default) or json
Schema defaults are applied before checking, as the API server does. Exit code 1 when any object is invalid.`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      'validate',
      argv,
      { ...KUBE_FLAGS, crds: { type: 'string' }, live: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
      true,
    );
    const output = choice('-o', values.output as string | undefined, ['text', 'json'] as const, 'text');
    const result = await ctx.toolkit.validate({
      ...clusterFlags(values),
      dir: positionals[0],
      crdsDir: values.crds as string | undefined,
      live: values.live === true,
    });
    return {
      stdout: output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatValidate(result),
      exitCode: result.invalid > 0 ? 1 : 0,
    };
  },
};

export function formatValidate(r: ValidateResult): string {
  const lines: string[] = [];
  for (const o of r.results) {
    if (o.outcome !== 'invalid') continue;
    lines.push(`${o.file}: ${o.object}:`);
    for (const i of o.issues) lines.push(`  ${i.path || '(object)'}: ${i.message}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w.file}: ${w.object}: ${w.message}`);
  lines.push(`${r.valid} valid, ${r.invalid} invalid, ${r.skipped} skipped (not custom resources of known CRDs); schemas from ${r.crdSource}`);
  return `${lines.join('\n')}\n`;
}
