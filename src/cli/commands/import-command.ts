import type { ImportResult } from '../../toolkit/index.js';
import { APP_TIMEOUT_FLAG, appTimeoutOption, appTimeoutUsage, type Command, parseCommandArgs } from '../command.js';
import { clusterFlags, KUBE_FLAGS } from '../kube-flags.js';

export const importCommand: Command = {
  name: 'import',
  usage: `modelstack import (-f FILE... | -n NS) [--out FILE] [--force] [--stack-name NAME] [--module SPEC] [--crds DIR]

  -f, --file FILE     YAML of DynamoGraphDeployments (nvidia.com v1alpha1 or v1beta1) and RayServices
                      (ray.io/v1); repeat for more files
  -n, --namespace NS  import the models of this namespace of the cluster instead
  --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  --out FILE          stack file to write (default: stacks/imported.ts)
  --force             overwrite --out when it exists
  --stack-name NAME   name of the generated stack (default: imported)
  --module SPEC       module the stack file imports the constructs from (default: modelstack)
  --crds DIR          CRDs whose schema defaults are not kept as patches (default: with -n the
                      cluster's, else $MODELSTACK_CRDS_DIR or shared/crds above the directory)
${appTimeoutUsage(22)}
Fields the props do not express are kept as JSON patches in the file; fields that cannot be
converted are listed. A following apply adopts the objects in place.`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs('import', argv, {
      ...KUBE_FLAGS,
      file: { type: 'string', short: 'f', multiple: true },
      out: { type: 'string' },
      force: { type: 'boolean' },
      'stack-name': { type: 'string' },
      module: { type: 'string' },
      crds: { type: 'string' },
      ...APP_TIMEOUT_FLAG,
    });
    const result = await ctx.toolkit.importModels({
      ...clusterFlags(values),
      ...(values.file ? { files: values.file as string[] } : {}),
      ...(values.namespace !== undefined ? { namespace: values.namespace as string } : {}),
      ...(values.out !== undefined ? { out: values.out as string } : {}),
      force: values.force === true,
      ...(values['stack-name'] !== undefined ? { stackName: values['stack-name'] as string } : {}),
      ...(values.module !== undefined ? { module: values.module as string } : {}),
      ...(values.crds !== undefined ? { crdsDir: values.crds as string } : {}),
      ...appTimeoutOption(values),
    });
    return { stdout: formatImport(result), exitCode: 0 };
  },
};

export function formatImport(r: ImportResult): string {
  const lines = [`wrote ${r.out}: stack "${r.stackName}" (stackId ${r.stackId}) with ${r.models.length} model(s)`];
  for (const m of r.models) {
    lines.push(`  ${m.ref} -> ${m.construct}${m.converted ? ` (converted ${m.converted})` : ''} from ${m.source}`);
    if (m.patches.length) lines.push(`    kept as JSON patches (${m.patches.length}):`, ...m.patches.map((p) => `      ${p}`));
    const failed = [...m.notConverted.map((f) => `${f} (no place in v1beta1)`), ...m.notes];
    if (failed.length) lines.push(`    could not convert (${failed.length}):`, ...failed.map((f) => `      ${f}`));
    if (m.normalised.length) lines.push(`    differs on purpose (a live diff shows these):`, ...m.normalised.map((f) => `      ${f}`));
  }
  if (r.alsoRendered.length) {
    lines.push('  the stack also renders objects that were not imported (apply creates them, or adopts and overwrites same-named ones):');
    lines.push(...r.alsoRendered.map((o) => `    ${o}`));
  }
  lines.push('next: modelstack diff (shows only the differences above), then modelstack apply (adopts the objects in place)');
  return `${lines.join('\n')}\n`;
}
