import { formatTable } from '../../src/cli/format-table.js';

describe('formatTable', () => {
  test('columns padded to their widest cell, two spaces apart; the last column unpadded; one line per row', () => {
    expect(
      formatTable(
        ['NAME', 'READY', 'MESSAGE'],
        [
          ['a', '1/1', 'ok'],
          ['longer-name', '10/12', 'rolling out'],
        ],
      ),
    ).toBe('NAME         READY  MESSAGE\n' + 'a            1/1    ok\n' + 'longer-name  10/12  rolling out\n');
  });

  test('no trailing spaces when the last cells are empty', () => {
    const out = formatTable(['A', 'B', 'C'], [['x', '', '']]);
    expect(out).toBe('A  B  C\nx\n');
    expect(out.split('\n').every((l) => l === l.trimEnd())).toBe(true);
  });

  test('a missing cell counts as empty', () => {
    expect(formatTable(['A', 'BB', 'C'], [['x'], ['y', 'z', 'w']])).toBe('A  BB  C\nx\ny  z   w\n');
  });

  test('no rows: the header alone', () => {
    expect(formatTable(['RUNTIME', 'NAME'], [])).toBe('RUNTIME  NAME\n');
  });
});
