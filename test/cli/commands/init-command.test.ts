import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCommand } from '../../../src/cli/commands/init-command.js';
import { ModelstackError } from '../../../src/errors.js';
import { cliContext } from '../../support/cli-context.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'modelstack-init-cli-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('modelstack init', () => {
  test('DIR is relative to the working directory; the summary names the project, its stackId and the next steps', async () => {
    const out = await initCommand.run(['proj', '--name', 'team-models'], cliContext(tmp));
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^created team-models in ${join(tmp, 'proj')} \\(stackId inference-[0-9a-f]{8}, 8 files\\)\\n`));
    expect(out.stdout).toContain(`cd ${join(tmp, 'proj')}`);
    expect(readdirSync(join(tmp, 'proj'))).toContain('stacks');
  });

  test('without DIR it fills the working directory, and says no "cd"', async () => {
    const out = await initCommand.run([], cliContext(tmp));
    // A line of its own: the temporary directory's random name can end in "cd".
    expect(out.stdout).not.toMatch(/^\s*cd /m);
    expect(out.stdout).toMatch(/^\s*git init && npm install$/m);
    expect(readdirSync(tmp)).toContain('package.json');
  });

  test('more than one DIR is a usage error', async () => {
    const err = await initCommand.run(['a', 'b'], cliContext(tmp)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelstackError);
    expect((err as ModelstackError).message).toMatch(/one DIR at most, got 2/);
  });
});
