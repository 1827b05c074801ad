import { STACK_CLUSTER_FLAGS } from '../../../src/cli/kube-flags.js';
import { cliContext } from '../../support/cli-context.js';
import { applyCommand, formatApply } from '../../../src/cli/commands/apply-command.js';
import { positiveNumber } from '../../../src/cli/command.js';
import { ModelstackError } from '../../../src/errors.js';

const ctx = cliContext();
const MISSING = '/nonexistent/kubeconfig';

describe('positiveNumber', () => {
  test('the fallback when unset; the number when positive (fractions too)', () => {
    expect(positiveNumber('--timeout', undefined, 600)).toBe(600);
    expect(positiveNumber('--timeout', '30', 600)).toBe(30);
    expect(positiveNumber('--timeout', '0.5', 600)).toBe(0.5);
  });

  test.each(['0', '-1', 'abc', '', 'Infinity', 'NaN'])('%j is a usage error with an example', (value) => {
    let e: unknown;
    try {
      positiveNumber('--concurrency', value, 4);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ModelstackError);
    expect(e).toMatchObject({ code: 'USAGE', message: `--concurrency ${JSON.stringify(value)} is not a positive number`, hint: 'e.g. --concurrency 4' });
  });
});

describe('formatApply', () => {
  test('one line per stack with the count of each action', () => {
    const out = formatApply({
      dryRun: false,
      stacks: [
        {
          stack: 'a',
          outcomes: [
            { ref: 'x', action: 'created' },
            { ref: 'y', action: 'created' },
            { ref: 'z', action: 'unchanged' },
          ],
        },
        {
          stack: 'b',
          outcomes: [
            { ref: 'x', action: 'configured' },
            { ref: 'y', action: 'pruned' },
          ],
        },
      ],
    });
    expect(out).toBe(
      'stack a: 2 created, 0 adopted, 0 configured, 1 unchanged, 0 pruned, 0 released\nstack b: 0 created, 0 adopted, 1 configured, 0 unchanged, 1 pruned, 0 released\n',
    );
  });

  test('a dry run says nothing was written', () => {
    expect(formatApply({ dryRun: true, stacks: [{ stack: 'a', outcomes: [] }] })).toBe(
      'stack a: 0 created, 0 adopted, 0 configured, 0 unchanged, 0 pruned, 0 released (dry run: nothing written)\n',
    );
  });
});

test('a dry run that could not check objects of a runtime not installed yet counts them as deferred', () => {
  expect(formatApply({ dryRun: true, stacks: [{ stack: 'a', outcomes: [{ ref: 'x', action: 'created' }], deferred: ['RayService llm/ray'] }] })).toBe(
    'stack a: 1 created, 0 adopted, 0 configured, 0 unchanged, 0 pruned, 0 released, 1 deferred until their runtime is installed (not checked) (dry run: nothing written)\n',
  );
});

describe('apply command', () => {
  test('the flags it shares with destroy, and every flag in its usage', () => {
    expect(Object.keys(STACK_CLUSTER_FLAGS)).toEqual(['kubeconfig', 'context', 'app', 'app-timeout', 'applyset-namespace', 'dry-run']);
    for (const flag of [
      '--app CMD',
      '--app-timeout SECONDS',
      '--dry-run',
      '--prune',
      '--force-conflicts',
      '--skip-preflight',
      '--wait',
      '--timeout SECONDS',
      '--operator-timeout SECONDS',
      '--concurrency N',
      '--applyset-namespace',
      '--kubeconfig FILE',
      '--context NAME',
    ]) {
      expect(applyCommand.usage).toContain(flag);
    }
  });

  test('bad flag values are usage errors, before the kubeconfig is read or the app run', async () => {
    await expect(applyCommand.run(['--timeout', '0', '--kubeconfig', MISSING], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: '--timeout "0" is not a positive number',
    });
    await expect(applyCommand.run(['--concurrency', 'many', '--kubeconfig', MISSING], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: '--concurrency "many" is not a positive number',
    });
    await expect(applyCommand.run(['--operator-timeout', 'soon', '--kubeconfig', MISSING], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: '--operator-timeout "soon" is not a positive number',
      hint: 'e.g. --operator-timeout 600',
    });
    await expect(applyCommand.run(['--bogus'], ctx)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/^apply: Unknown option '--bogus'/),
    });
    await expect(applyCommand.run(['-n', 'x'], ctx)).rejects.toMatchObject({ code: 'USAGE' });
  });

  test('the kubeconfig is read before the app is run', async () => {
    await expect(applyCommand.run(['--kubeconfig', MISSING, '--app', 'false'], ctx)).rejects.toMatchObject({
      code: 'KUBECONFIG',
      message: `kubeconfig ${MISSING} does not exist`,
    });
  });
});
