// What RuntimeOperator renders for a Flux or Argo CD install, checked by `modelstack validate`
// against the real upstream CRDs (pinned Flux and Argo CD releases, test/support/gitops-crds.ts),
// given as a CRD directory the way a user would pass them with --crds.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { OperatorInstall, RuntimeOperator } from '../../index.js';
import { validateCommand } from '../../src/cli/commands/validate-command.js';
import { cliContext } from '../support/cli-context.js';
import { gitOpsCrdsOrSkip } from '../support/gitops-crds.js';
import { type Json, objectsOf, single } from '../support/stacks.js';

const yaml = (objects: readonly object[]): string => objects.map((o) => JSON.stringify(o)).join('\n---\n');

/** Every way a stack can install an operator by GitOps: both runtimes, both installers, the options set and not. */
const installs = (): Json[] => [
  ...objectsOf((stack) => {
    new RuntimeOperator(stack, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.flux() });
    new RuntimeOperator(stack, 'kuberay', { runtime: 'kuberay', install: OperatorInstall.flux({ interval: '1h30m' }), values: { image: { tag: 'v1.7.0' } } });
  }),
  ...objectsOf((stack) => {
    new RuntimeOperator(stack, 'dynamo', { runtime: 'dynamo', install: OperatorInstall.argoCd() });
    new RuntimeOperator(stack, 'kuberay', {
      runtime: 'kuberay',
      version: '1.6.1',
      install: OperatorInstall.argoCd({ namespace: 'gitops', project: 'platform', automated: false }),
      values: { replicas: 2 },
    });
  }),
];

const SUITE = 'modelstack validate checks Flux and Argo CD installs against the real CRDs';
(gitOpsCrdsOrSkip(SUITE) ? describe : describe.skip)(SUITE, () => {
  let tmp: string;
  let crds: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-gitops-validate-'));
    crds = join(tmp, 'crds');
    mkdirSync(crds);
    for (const f of gitOpsCrdsOrSkip(SUITE)!.files) copyFileSync(f, join(crds, basename(f)));
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const validate = async (objects: readonly object[], dir: string) => {
    mkdirSync(join(tmp, dir));
    writeFileSync(join(tmp, dir, 'stack.yaml'), yaml(objects));
    return validateCommand.run([join(tmp, dir), '--crds', crds], cliContext(tmp));
  };

  test('every HelmRepository, HelmRelease and Application the constructs render is valid', async () => {
    const objects = installs();
    const gitops = objects.filter((o) => ['HelmRepository', 'HelmRelease', 'Application'].includes(o.kind));
    expect(gitops.map((o) => o.kind).sort()).toEqual(['Application', 'Application', 'HelmRelease', 'HelmRelease', 'HelmRepository', 'HelmRepository']);
    const out = await validate(objects, 'good');
    expect(out).toEqual({
      stdout: `6 valid, 0 invalid, ${objects.length - 6} skipped (not custom resources of known CRDs); schemas from ${crds}\n`,
      exitCode: 0,
    });
  });

  test('a HelmRelease with a misspelled field and a value out of its enum is invalid, each issue named', async () => {
    const release = single(
      objectsOf((stack) => new RuntimeOperator(stack, 'kuberay', { runtime: 'kuberay', install: OperatorInstall.flux() })),
      'HelmRelease',
    );
    const bad = structuredClone(release);
    bad.spec.chart.spec.versoin = bad.spec.chart.spec.version;
    bad.spec.install.crds = 'Replace';
    const out = await validate([bad], 'bad');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe(
      [
        'stack.yaml: HelmRelease kuberay-system/kuberay-operator:',
        '  spec.chart.spec.versoin: unknown field "versoin"',
        '  spec.install.crds: unsupported value "Replace"; supported values: "Skip", "Create", "CreateReplace"',
        `0 valid, 1 invalid, 0 skipped (not custom resources of known CRDs); schemas from ${crds}`,
        '',
      ].join('\n'),
    );
  });
});
