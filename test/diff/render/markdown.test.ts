import { diffObjects } from '../../../src/diff/change-set.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../../../src/diff/render/markdown.js';
import type { KubeObject } from '../../../src/model/kube-object.js';
import { configMap, deployment, namespace, secret } from '../kube-objects.js';

/** The fixed change set of the snapshot: one of each action, a Secret among them. */
function fixedChangeSet() {
  return diffObjects(
    [namespace('llm'), deployment('qwen', 1), configMap('old-config', { mode: 'a' }), secret('hf-token', { data: { token: 'aGZfb25l' } })],
    [namespace('llm'), deployment('qwen', 3), secret('hf-token', { data: { token: 'aGZfdHdv' } }), configMap('router', { policy: 'kv' })],
  );
}

/** Checks that every code fence closes (a longer run of backticks closes a shorter opener only if at least as long). */
function unclosedFence(markdown: string): string | undefined {
  let open: string | undefined;
  for (const line of markdown.split('\n')) {
    const m = /^(`{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (open === undefined) open = m[1]!;
    else if (m[2] === '' && m[1]!.length >= open.length) open = undefined;
  }
  return open;
}

function bigChanges(n: number, size: number): { before: KubeObject[]; after: KubeObject[] } {
  const before: KubeObject[] = [];
  const after: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    const name = `cm-${String(i).padStart(4, '0')}`;
    before.push(configMap(name, { blob: 'a'.repeat(size) }));
    after.push(configMap(name, { blob: 'b'.repeat(size) }));
  }
  return { before, after };
}

describe('renderMarkdown', () => {
  it('renders a pull-request comment', () => {
    expect(renderMarkdown(fixedChangeSet(), { source: 'git origin/main' })).toMatchSnapshot();
  });

  it('has the counts, and lists deletions before any diff', () => {
    const md = renderMarkdown(fixedChangeSet());
    expect(md).toContain('**1 to add, 2 to change, 1 to remove, 1 unchanged**');
    const deletions = md.indexOf('⚠️ Deletions');
    expect(deletions).toBeGreaterThan(0);
    expect(md.indexOf('<code>ConfigMap llm/old-config</code>')).toBeGreaterThan(deletions);
    expect(deletions).toBeLessThan(md.indexOf('```diff'));
    expect(md.match(/<details>/g)).toHaveLength(4);
    expect(md.match(/<\/details>/g)).toHaveLength(4);
  });

  it('has no deletions section when nothing is deleted, and says when nothing changes', () => {
    expect(renderMarkdown(diffObjects([], [namespace('a')]))).not.toContain('Deletions');
    expect(renderMarkdown(diffObjects([namespace('a')], [namespace('a')]))).toBe(
      '### modelstack diff\n\n**no changes, 1 unchanged**\n\n| Kind | Added | Changed | Removed | Unchanged |\n| --- | ---: | ---: | ---: | ---: |\n| Namespace | 0 | 0 | 0 | 1 |\n',
    );
  });

  it('fences a diff that contains backticks with a longer fence', () => {
    const md = renderMarkdown(diffObjects([], [configMap('readme', { 'README.md': '```sh\nmake\n````\n' })]));
    expect(md).toContain('`````diff\n');
    expect(unclosedFence(md)).toBeUndefined();
  });

  it('escapes names and the source in HTML', () => {
    const md = renderMarkdown(diffObjects([], [namespace('a')]), { source: 'dir <x>_y' });
    expect(md).toContain('<code>dir &#60;x&#62;&#95;y</code>');
  });

  it('stays within 65,536 characters by leaving out whole sections from the end, with a note', () => {
    const { before, after } = bigChanges(150, 600);
    const cs = diffObjects(before, after);
    const md = renderMarkdown(cs);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(unclosedFence(md)).toBeUndefined();
    const kept = (md.match(/<details>/g) ?? []).length;
    expect(kept).toBeGreaterThan(10);
    expect(kept).toBeLessThan(150);
    expect(md.match(/<\/details>/g)).toHaveLength(kept);
    // The first sections are kept, in order, complete.
    expect(md).toContain('ConfigMap llm/cm-0000</summary>');
    expect(md).not.toContain('cm-0149');
    expect(md).toContain(`✂️ ${150 - kept} of 150 resource diffs were left out to keep this comment within 65,536 characters.`);
    expect(md).toContain('`modelstack diff -o json`');
    expect(md.trimEnd().endsWith('in a terminal.')).toBe(true);
  });

  it('keeps as many sections as fit', () => {
    const { before, after } = bigChanges(150, 600);
    const cs = diffObjects(before, after);
    const md = renderMarkdown(cs);
    const kept = (md.match(/<details>/g) ?? []).length;
    const more = renderMarkdown(cs, { limit: Number.MAX_SAFE_INTEGER });
    const sections = more.split('<details>');
    const withOneMore = md.length + sections[kept + 1]!.length + '<details>'.length;
    expect(withOneMore).toBeGreaterThan(MARKDOWN_LIMIT);
  });

  it('shortens a deletions list too long for any limit, keeping the count', () => {
    const many = Array.from({ length: 3000 }, (_, i) => configMap(`a-long-config-map-name-${String(i).padStart(5, '0')}`, {}));
    const md = renderMarkdown(diffObjects(many, []));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toContain('Applying this deletes 3000 objects');
    expect(md).toMatch(/- … and \d+ more \(see the full diff\)\n/);
    expect(md).toContain('3000 of 3000 resource diffs were left out');
    expect(unclosedFence(md)).toBeUndefined();
  });

  it('honours a smaller limit', () => {
    const md = renderMarkdown(fixedChangeSet(), { limit: 1000 });
    expect(md.length).toBeLessThanOrEqual(1000);
    expect(md).toContain('within 1,000 characters');
    expect(unclosedFence(md)).toBeUndefined();
  });
});
