import { COMMANDS } from '../../../src/cli/commands/index.js';

/** The cluster workflow, in the order the help lists it (other commands may follow). */
const WORKFLOW = ['synth', 'validate', 'diff', 'status', 'list', 'apply', 'destroy'];

describe('COMMANDS', () => {
  test('the workflow commands, in the order the help lists them', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(names.slice(0, WORKFLOW.length)).toEqual(WORKFLOW);
  });

  test('names are unique', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('each has a one-line summary, and loads the command of its name, whose usage starts with its own invocation', async () => {
    for (const c of COMMANDS) {
      expect(c.summary).toMatch(/^\S.*\S$/);
      expect(c.summary).not.toContain('\n');
      const command = await c.load();
      expect(command.name).toBe(c.name);
      expect(command.usage.startsWith(`modelstack ${c.name}`)).toBe(true);
    }
  });
});
