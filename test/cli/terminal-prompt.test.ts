import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TerminalIoHost } from '../../src/cli/terminal-io-host.js';
import { MESSAGES } from '../../src/io/messages.js';
import { repoRoot, tempDir } from '../support/paths.js';

const plan = { stacks: [] };

describe('TerminalIoHost requests', () => {
  test('with a terminal: prints the request, asks, and only "yes" is a yes', async () => {
    for (const [answer, expected] of [
      ['yes', true],
      ['YES ', true],
      ['y', false],
      ['', false],
    ] as const) {
      let out = '';
      const host = new TerminalIoHost(
        false,
        (t) => (out += t),
        async () => answer,
      );
      expect(await host.requestResponse(MESSAGES.DESTROY_CONFIRM.request('will delete X', plan, false))).toBe(expected);
      expect(out).toBe('will delete X\n');
    }
  });

  test('without a terminal: prints the request and answers its default, saying so', async () => {
    let out = '';
    const host = new TerminalIoHost(false, (t) => (out += t));
    expect(await host.requestResponse(MESSAGES.DESTROY_CONFIRM.request('will delete X', plan, false))).toBe(false);
    expect(out).toBe('will delete X\nno terminal to confirm on: answering no\n');
  });
});

describe('terminalPrompt on a real terminal', () => {
  // A pseudo-terminal from util-linux `script` (in Debian's bsdutils, on every machine here): the
  // prompt module loads readline on demand, and this is the only path that runs it.
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  (hasScript ? test : test.skip)('asks its question on the terminal and returns the line typed', () => {
    const dir = tempDir('modelstack-prompt-');
    const file = join(dir, 'prompt.mts');
    writeFileSync(
      file,
      `import { terminalPrompt } from ${JSON.stringify(join(repoRoot, 'src', 'cli', 'terminal-io-host.ts'))};
const ask = terminalPrompt();
process.stdout.write('ANSWER=' + JSON.stringify(ask ? await ask('Go ahead? ') : 'no terminal') + '\\n');
`,
    );
    const command = [process.execPath, '--import', 'tsx', file].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, input: 'yes\n', encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Go ahead? ');
    expect(r.stdout).toMatch(/ANSWER="yes"\r?\n/);
  });
});
