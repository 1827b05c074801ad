import { TerminalIoHost } from '../../src/cli/terminal-io-host.js';

describe('TerminalIoHost', () => {
  test('info plain, other levels prefixed, debug only with --debug', () => {
    let text = '';
    const quiet = new TerminalIoHost(false, (t) => (text += t));
    quiet.notify({ level: 'info', message: 'hello' });
    quiet.notify({ level: 'warn', message: 'careful' });
    quiet.notify({ level: 'error', message: 'bad' });
    quiet.notify({ level: 'debug', message: 'hidden' });
    expect(text).toBe('hello\nwarn: careful\nerror: bad\n');

    text = '';
    new TerminalIoHost(true, (t) => (text += t)).notify({ level: 'debug', message: 'shown' });
    expect(text).toBe('debug: shown\n');
  });
});
