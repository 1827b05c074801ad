// --resynth on the commands that may reuse the app's last output: documented, and handed to the
// toolkit (a real app, counted: reused when unchanged, run again with --resynth).
import type { Command } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { cliContext } from '../support/cli-context.js';
import { removeTempDirs, tempDir } from '../support/paths.js';
import { reuseProject } from '../support/reuse-project.js';

afterAll(removeTempDirs);

const command = (name: string): Promise<Command> => COMMANDS.find((c) => c.name === name)!.load();

describe('--resynth', () => {
  test('apply, diff and destroy document it', async () => {
    for (const name of ['apply', 'diff', 'destroy']) {
      const usage = (await command(name)).usage;
      expect(usage).toContain('[--resynth]');
      expect(usage).toMatch(/ {2}--resynth +run the app even when its inputs are unchanged/);
    }
  });

  test('diff reuses the output of an unchanged app; with --resynth it runs the app again', async () => {
    const p = reuseProject();
    const ctx = cliContext(p.cwd, { MODELSTACK_CACHE_DIR: p.cacheDir });
    const against = tempDir('modelstack-resynth-against-');
    const diff = await command('diff');
    const first = await diff.run(['--against', against], ctx);
    const second = await diff.run(['--against', against], ctx);
    expect(p.runs()).toBe(1);
    expect(second).toEqual(first);
    expect(first.exitCode).toBe(1);
    await diff.run(['--against', against, '--resynth'], ctx);
    expect(p.runs()).toBe(2);
  });
});
