import { parse } from 'yaml';
import { gitopsCommand } from '../../../src/cli/commands/gitops-command.js';
import { gitopsHealthChecks } from '../../../src/gitops/health-checks.js';
import { ModelstackError } from '../../../src/errors.js';
import { cliContext } from '../../support/cli-context.js';

const run = (...argv: string[]) => gitopsCommand.run(argv, cliContext());

describe('modelstack gitops health', () => {
  test('--argocd prints argocd-cm data: one resource.customizations.health.<group>_<kind> Lua script per model kind', async () => {
    const out = await run('health', '--argocd');
    expect(out.exitCode).toBe(0);
    const doc = parse(out.stdout) as { data: Record<string, string> };
    expect(Object.keys(doc.data)).toEqual([
      'resource.customizations.health.nvidia.com_DynamoGraphDeployment',
      'resource.customizations.health.ray.io_RayService',
    ]);
    // The printed scripts are the generated ones, byte for byte (block scalars keep them intact).
    for (const k of gitopsHealthChecks()) expect(doc.data[k.argocd.key]).toBe(k.argocd.script);
  });

  test('--flux prints a Kustomization spec.healthCheckExprs entry per model kind', async () => {
    const out = await run('health', '--flux');
    const doc = parse(out.stdout) as { spec: { healthCheckExprs: Array<Record<string, string>> } };
    expect(doc.spec.healthCheckExprs.map((e) => `${e.apiVersion} ${e.kind}`)).toEqual(['nvidia.com/v1beta1 DynamoGraphDeployment', 'ray.io/v1 RayService']);
    for (const [i, k] of gitopsHealthChecks().entries()) {
      expect(doc.spec.healthCheckExprs[i]).toEqual({
        apiVersion: k.flux.apiVersion,
        kind: k.kind,
        current: k.flux.current,
        inProgress: k.flux.inProgress,
        failed: k.flux.failed,
      });
    }
  });

  test('-o json prints the same snippet as JSON', async () => {
    const json = JSON.parse((await run('health', '--flux', '-o', 'json')).stdout) as unknown;
    expect(json).toEqual(parse((await run('health', '--flux')).stdout));
  });

  test.each([
    [[], /^gitops: missing subcommand$/],
    [['status'], /^gitops: unknown subcommand "status"$/],
    [['health', 'extra'], /gitops health: Unexpected argument 'extra'/],
    [['health'], /exactly one of --argocd and --flux/],
    [['health', '--argocd', '--flux'], /exactly one of --argocd and --flux/],
  ])('usage error for %j', async (argv, message) => {
    const err = await run(...argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelstackError);
    expect((err as ModelstackError).message).toMatch(message);
    expect((err as ModelstackError).code).toBe('USAGE');
  });
});
