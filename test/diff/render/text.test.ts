import { diffObjects } from '../../../src/diff/change-set.js';
import { renderText } from '../../../src/diff/render/text.js';
import { configMap } from '../kube-objects.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const cs = diffObjects([configMap('a', { k: 'one' }), configMap('gone', { k: 'v' })], [configMap('a', { k: 'two' })]);

describe('renderText', () => {
  it('writes a header and the diff per object, then the summary, without color', () => {
    expect(renderText(cs, { color: false })).toBe(
      [
        '~ change ConfigMap llm/a',
        '--- before: ConfigMap llm/a',
        '+++ after: ConfigMap llm/a',
        '@@ -4,4 +4,4 @@',
        '   name: a',
        '   namespace: llm',
        ' data:',
        '-  k: one',
        '+  k: two',
        '',
        '- remove ConfigMap llm/gone',
        '--- before: ConfigMap llm/gone',
        '+++ /dev/null',
        '@@ -1,7 +0,0 @@',
        '-apiVersion: v1',
        '-kind: ConfigMap',
        '-metadata:',
        '-  name: gone',
        '-  namespace: llm',
        '-data:',
        '-  k: v',
        '',
        '0 to add, 1 to change, 1 to remove, 0 unchanged',
        '',
      ].join('\n'),
    );
  });

  it('colors removals red, additions green and hunk headers cyan, and is the same text underneath', () => {
    const colored = renderText(cs, { color: true });
    expect(colored).toContain('\x1b[31m-  k: one\x1b[0m');
    expect(colored).toContain('\x1b[32m+  k: two\x1b[0m');
    expect(colored).toContain('\x1b[36m@@ -4,4 +4,4 @@\x1b[0m');
    expect(colored).toContain('\x1b[1m\x1b[31m- remove ConfigMap llm/gone\x1b[0m');
    // Context lines stay plain, and the ---/+++ headers are bold rather than red/green.
    expect(colored).toContain('\n data:\n');
    expect(colored).toContain('\x1b[1m--- before: ConfigMap llm/a\x1b[0m');
    expect(colored.replace(ANSI, '')).toBe(renderText(cs, { color: false }));
  });

  it('says when there are no changes', () => {
    expect(renderText(diffObjects([configMap('a', {})], [configMap('a', {})]), { color: false })).toBe('no changes, 1 unchanged\n');
  });
});
