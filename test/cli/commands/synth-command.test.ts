import { cliContext } from '../../support/cli-context.js';
import { formatSynth, synthCommand } from '../../../src/cli/commands/synth-command.js';
import { ModelstackError } from '../../../src/errors.js';
import type { SynthResult } from '../../../src/synth/synth.js';

const result = (removed: string[]): SynthResult => ({
  outdir: '/out',
  stacks: [],
  objectCount: 7,
  files: { written: ['a.yaml', 'b.yaml'], unchanged: ['c.yaml'], removed },
});

describe('synth command', () => {
  test('name and the flags in its usage', () => {
    expect(synthCommand.name).toBe('synth');
    for (const flag of ['--app CMD', '--app-timeout SECONDS', '--out DIR', '--layout', '--kustomization']) expect(synthCommand.usage).toContain(flag);
  });

  test('formatSynth: counts, and each removed file', () => {
    expect(formatSynth(result([]))).toBe('synthesized 7 objects from 0 stack(s) into /out\n  2 written, 1 unchanged, 0 removed\n');
    expect(formatSynth(result(['old/x.yaml', 'y.yaml']))).toBe(
      'synthesized 7 objects from 0 stack(s) into /out\n  2 written, 1 unchanged, 2 removed\n  removed old/x.yaml\n  removed y.yaml\n',
    );
  });

  test('flag errors are usage errors', async () => {
    const ctx = cliContext();
    await expect(synthCommand.run(['--layout', 'x'], ctx)).rejects.toBeInstanceOf(ModelstackError);
    await expect(synthCommand.run(['--kustomization=yes'], ctx)).rejects.toMatchObject({ code: 'USAGE' });
  });
});
