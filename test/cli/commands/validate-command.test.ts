import type { CommandContext } from '../../../src/cli/command.js';
import { cliContext } from '../../support/cli-context.js';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatValidate, validateCommand } from '../../../src/cli/commands/validate-command.js';
import { resolveCrdsDir } from '../../../src/schema/crds-dir.js';
import type { ValidateResult } from '../../../src/validate/validate-manifests.js';

describe('formatValidate', () => {
  test('each invalid object with its issues, then the totals and the CRD source', () => {
    const r: ValidateResult = {
      crdSource: '/crds',
      warnings: [],
      valid: 1,
      invalid: 2,
      skipped: 1,
      results: [
        { file: 'a.yaml', object: 'RayService llm/ok', outcome: 'valid', issues: [] },
        {
          file: 'a.yaml',
          object: 'RayService llm/bad',
          outcome: 'invalid',
          issues: [
            { path: 'spec.x', message: 'unknown field "x"' },
            { path: 'spec.y', message: 'must be integer' },
          ],
        },
        { file: 'b.yaml', object: 'DynamoGraphDeployment llm/d', outcome: 'invalid', issues: [{ path: '', message: 'no CRD' }] },
        { file: 'b.yaml', object: 'ConfigMap llm/c', outcome: 'skipped', issues: [], note: 'built-in kind' },
      ],
    };
    expect(formatValidate(r)).toBe(
      [
        'a.yaml: RayService llm/bad:',
        '  spec.x: unknown field "x"',
        '  spec.y: must be integer',
        'b.yaml: DynamoGraphDeployment llm/d:',
        '  (object): no CRD',
        '1 valid, 2 invalid, 1 skipped (not custom resources of known CRDs); schemas from /crds',
        '',
      ].join('\n'),
    );
  });

  test('all valid: the totals line alone', () => {
    expect(formatValidate({ crdSource: 'cluster https://x', valid: 0, invalid: 0, skipped: 0, results: [], warnings: [] })).toBe(
      '0 valid, 0 invalid, 0 skipped (not custom resources of known CRDs); schemas from cluster https://x\n',
    );
  });
});

describe('validate command', () => {
  let tmp: string;
  let crds: string;
  const ctx = (): CommandContext => cliContext(tmp);
  const model = (name: string, spec: object): object => ({
    apiVersion: 'nvidia.com/v1alpha1',
    kind: 'DynamoModel',
    metadata: { name, namespace: 'llm' },
    spec,
  });

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'modelstack-validate-cmd-'));
    // A small CRD is enough to check the command's wiring; the schemas are tested in test/schema.
    crds = join(tmp, 'crds');
    mkdirSync(crds);
    copyFileSync(join(resolveCrdsDir(), 'dynamo', 'nvidia.com_dynamomodels.yaml'), join(crds, 'nvidia.com_dynamomodels.yaml'));
    mkdirSync(join(tmp, 'dist'));
    writeFileSync(join(tmp, 'dist', 'ok.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
    mkdirSync(join(tmp, 'bad'));
    writeFileSync(join(tmp, 'bad', 'm.yaml'), JSON.stringify(model('m', { baseModelName: 'Qwen/Qwen3-0.6B', modelName: 'qwen3', unknownField: 1 })));
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('DIR defaults to ./dist; nothing invalid: exit 0', async () => {
    const out = await validateCommand.run(['--crds', crds], ctx());
    expect(out).toEqual({ stdout: `0 valid, 0 invalid, 1 skipped (not custom resources of known CRDs); schemas from ${crds}\n`, exitCode: 0 });
  });

  test('an invalid object: listed, exit 1; -o json gives the result', async () => {
    const text = await validateCommand.run([join(tmp, 'bad'), '--crds', crds], ctx());
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toBe(
      [
        'm.yaml: DynamoModel llm/m:',
        '  spec.unknownField: unknown field "unknownField"',
        `0 valid, 1 invalid, 0 skipped (not custom resources of known CRDs); schemas from ${crds}`,
        '',
      ].join('\n'),
    );
    const json = await validateCommand.run([join(tmp, 'bad'), '--crds', crds, '-o', 'json'], ctx());
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ crdSource: crds, invalid: 1, valid: 0, skipped: 0, results: [{ file: 'm.yaml', outcome: 'invalid' }] });
  });

  test('usage errors; --live reads the kubeconfig', async () => {
    await expect(validateCommand.run(['-o', 'yaml'], ctx())).rejects.toMatchObject({ code: 'USAGE', message: '-o "yaml" is not one of text, json' });
    await expect(validateCommand.run(['--bogus'], ctx())).rejects.toMatchObject({ code: 'USAGE' });
    await expect(validateCommand.run(['--crds', join(tmp, 'none')], ctx())).rejects.toMatchObject({ code: 'CRDS_NOT_FOUND' });
    await expect(validateCommand.run(['--live', '--kubeconfig', join(tmp, 'no-kubeconfig')], ctx())).rejects.toMatchObject({ code: 'KUBECONFIG' });
  });
});
