import type { InitProjectResult } from '../../toolkit/index.js';
import { ModelstackError } from '../../toolkit/index.js';
import { type Command, parseCommandArgs } from '../command.js';

export const initCommand: Command = {
  name: 'init',
  usage: `modelstack init [DIR] [--force] [--name NAME]

  DIR          where to create the project (default: the current directory); made if missing
  --force      write into a non-empty DIR, replacing files of the same name (each one is named)
  --name NAME  the package name (default: DIR's name)
Writes package.json (depending on modelstack), cdk8s.yaml, stacks/main.ts (one model per runtime,
a freshly generated stackId), tsconfig.json, .gitignore, README.md, crds/README.md and
.github/workflows/modelstack.yml (pull requests: synth, validate, diff as a sticky comment; the
default branch: dist/ committed to the deploy branch for Argo CD or Flux).`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('init', argv, { force: { type: 'boolean' }, name: { type: 'string' } }, true);
    if (positionals.length > 1) {
      throw new ModelstackError('USAGE', `init: one DIR at most, got ${positionals.length}`, { hint: 'run "modelstack init [DIR]"' });
    }
    const result = await ctx.toolkit.init({ dir: positionals[0], force: values.force === true, name: values.name as string | undefined });
    return { stdout: formatInit(result, ctx.cwd), exitCode: 0 };
  },
};

export function formatInit(r: InitProjectResult, cwd: string): string {
  const cd = r.dir === cwd ? '' : `  cd ${JSON.stringify(r.dir).slice(1, -1)}\n`;
  return (
    `created ${r.name} in ${r.dir} (stackId ${r.stackId}, ${r.files.length} files)\n` +
    `next:\n${cd}  git init && npm install\n  npm run synth\n` +
    "  put your operators' CRDs into crds/ (see crds/README.md), then: npm run validate\n"
  );
}
