import { LAYOUTS, type SynthResult } from '../../toolkit/index.js';
import { APP_TIMEOUT_FLAG, appTimeoutUsage, appTimeoutOption, choice, type Command, parseCommandArgs } from '../command.js';

export const synthCommand: Command = {
  name: 'synth',
  usage: `modelstack synth [--app CMD] [--app-timeout SECONDS] [--out DIR] [--layout file-per-chart|file-per-resource] [--kustomization]

  --app CMD         app command (default: "app" in cdk8s.yaml, else "npx tsx stacks/main.ts")
${appTimeoutUsage(20)}
  --out DIR         output directory (default: dist)
  --layout L        file-per-chart (default) or file-per-resource
  --kustomization   also write kustomization.yaml listing every file in apply order
Files an earlier synth wrote and this one does not are removed; other files are left alone.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('synth', argv, {
      app: { type: 'string' },
      ...APP_TIMEOUT_FLAG,
      out: { type: 'string' },
      layout: { type: 'string' },
      kustomization: { type: 'boolean' },
    });
    const result = await ctx.toolkit.synth({
      app: values.app as string | undefined,
      ...appTimeoutOption(values),
      out: values.out as string | undefined,
      layout: choice('--layout', values.layout as string | undefined, LAYOUTS, 'file-per-chart'),
      kustomization: values.kustomization === true,
    });
    return { stdout: formatSynth(result), exitCode: 0 };
  },
};

export function formatSynth(r: SynthResult): string {
  const f = r.files;
  const lines = [
    `synthesized ${r.objectCount} objects from ${r.stacks.length} stack(s) into ${r.outdir}`,
    `  ${f.written.length} written, ${f.unchanged.length} unchanged, ${f.removed.length} removed`,
  ];
  for (const p of f.removed) lines.push(`  removed ${p}`);
  return `${lines.join('\n')}\n`;
}
