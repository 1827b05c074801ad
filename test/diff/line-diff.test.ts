import { unifiedDiff } from '../../src/diff/line-diff.js';

const names = { beforeName: 'before: Thing a', afterName: 'after: Thing a' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', names)).toBe('');
  });

  it('writes ---/+++ headers and hunks with 3 lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', ''].join('\n');
    const after = before.replace('5\n', 'five\n');
    expect(unifiedDiff(before, after, names)).toBe(
      ['--- before: Thing a', '+++ after: Thing a', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'),
    );
  });

  it('diffs against nothing for an added text', () => {
    const d = unifiedDiff('', 'x\ny\n', { beforeName: '/dev/null', afterName: 'after: Thing a' });
    expect(d).toBe(['--- /dev/null', '+++ after: Thing a', '@@ -0,0 +1,2 @@', '+x', '+y', ''].join('\n'));
  });

  it('honours another context size', () => {
    const d = unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', { ...names, context: 0 });
    expect(d.split('\n').slice(2)).toEqual(['@@ -2,1 +2,1 @@', '-b', '+B', '']);
  });
});
