import { TerminalIoHost } from '../../src/cli/terminal-io-host.js';
import { MESSAGES } from '../../src/io/messages.js';

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
