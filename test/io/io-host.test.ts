import { RecordingIoHost, silentIoHost } from '../../src/io/io-host.js';

describe('IoHost', () => {
  test('the recording host keeps messages and filters them by level', () => {
    const io = new RecordingIoHost();
    io.notify({ level: 'info', message: 'a' });
    io.notify({ level: 'debug', message: 'b', code: 'X' });
    expect(io.text()).toEqual(['a', 'b']);
    expect(io.text('debug')).toEqual(['b']);
    expect(io.messages[1]).toEqual({ level: 'debug', message: 'b', code: 'X' });
  });

  test('the silent host accepts anything', () => {
    expect(() => silentIoHost.notify({ level: 'error', message: 'x' })).not.toThrow();
  });
});
