import { cliContext } from '../../support/cli-context.js';
import { destroyCommand } from '../../../src/cli/commands/destroy-command.js';

const ctx = cliContext();
const MISSING = '/nonexistent/kubeconfig';

describe('destroy command', () => {
  test('usage: what it deletes and its flags', () => {
    expect(destroyCommand.name).toBe('destroy');
    expect(destroyCommand.usage).toContain('only objects the stack created are deleted');
    for (const flag of [
      '--app CMD',
      '--app-timeout SECONDS',
      '--yes',
      '--wait-for-lock SECONDS',
      '--break-lock',
      '--dry-run',
      '--applyset-namespace NS',
      '--kubeconfig FILE',
      '--context NAME',
    ])
      expect(destroyCommand.usage).toContain(flag);
  });

  test('apply-only flags are usage errors (destroy never prunes, waits or forces)', async () => {
    for (const flag of ['--prune', '--wait', '--force-conflicts', '--skip-preflight']) {
      await expect(destroyCommand.run([flag], ctx)).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringMatching(new RegExp(`^destroy: Unknown option '${flag}'`)),
      });
    }
    await expect(destroyCommand.run(['stray'], ctx)).rejects.toMatchObject({ code: 'USAGE' });
  });

  test('the kubeconfig is read before the app is run', async () => {
    await expect(destroyCommand.run(['--kubeconfig', MISSING, '--dry-run'], ctx)).rejects.toMatchObject({
      code: 'KUBECONFIG',
      message: `kubeconfig ${MISSING} does not exist`,
    });
  });
});
