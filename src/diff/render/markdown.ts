import type { Change, ChangeSet } from '../change-set.js';
import { ACTION_SIGN, summaryText } from './summary.js';

/** GitHub's limit on the body of an issue or pull-request comment, in characters. */
export const MARKDOWN_LIMIT = 65_536;

export interface MarkdownOptions {
  /** What the after side was compared with, e.g. "git HEAD~1" or "directory dist". */
  readonly source?: string;
  /**
   * Most characters (UTF-16 code units, which never undercounts) of the output. Over it, whole
   * resource sections are left out from the end and a note says so. @default MARKDOWN_LIMIT
   */
  readonly limit?: number;
}

/**
 * The change set as a pull-request comment: a heading, the counts, deletions first and
 * prominently, then one collapsed section per object with its diff in a ```diff block. Output
 * stays within `limit` by leaving out whole sections, never by cutting inside one.
 */
export function renderMarkdown(cs: ChangeSet, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? MARKDOWN_LIMIT;
  const removes = cs.changes.filter((c) => c.action === 'remove');
  const sections = cs.changes.map(section);
  const total = cs.changes.length;

  const intro = [
    '### modelstack diff',
    '',
    `${opts.source === undefined ? '' : `Compared with <code>${html(opts.source)}</code>: `}**${summaryText(cs.summary)}**`,
    '',
  ].join('\n');
  const items = removes.map((c) => `- <code>${html(c.ref)}</code>\n`);
  const deletionsHead =
    removes.length === 0 ? '' : `\n#### ⚠️ Deletions\n\nApplying this deletes ${removes.length === 1 ? '1 object' : `${removes.length} objects`}:\n\n`;
  const changesHead = total === 0 ? '' : '\n#### Changes\n\n';

  // Lengths add up, so the cut is found by arithmetic, not by building every candidate.
  const itemsLength = prefixLengths(items);
  const sectionsLength = prefixLengths(sections);
  const lengthOf = (listed: number, kept: number): number =>
    intro.length +
    deletionsHead.length +
    itemsLength[listed]! +
    moreLine(removes.length - listed).length +
    changesHead.length +
    sectionsLength[kept]! +
    cutNote(total - kept, total, limit).length;
  let listed = items.length;
  let kept = sections.length;
  while (kept > 0 && lengthOf(listed, kept) > limit) kept--;
  while (listed > 0 && lengthOf(listed, kept) > limit) listed--;

  return (
    intro +
    deletionsHead +
    items.slice(0, listed).join('') +
    moreLine(removes.length - listed) +
    changesHead +
    sections.slice(0, kept).join('') +
    cutNote(total - kept, total, limit)
  );
}

function section(c: Change): string {
  const body = c.diff.endsWith('\n') ? c.diff : `${c.diff}\n`;
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return (
    `<details>\n<summary><code>${ACTION_SIGN[c.action]} ${c.action}</code> ${html(c.ref)}</summary>\n\n` + `${fence}diff\n${body}${fence}\n\n</details>\n\n`
  );
}

function moreLine(notListed: number): string {
  return notListed > 0 ? `- … and ${notListed} more (see the full diff)\n` : '';
}

function cutNote(cut: number, total: number, limit: number): string {
  if (cut === 0) return '';
  const what = cut === 1 ? `1 of ${total} resource diffs was` : `${cut} of ${total} resource diffs were`;
  return (
    `---\n\n✂️ ${what} left out to keep this comment within ${thousands(limit)} characters. ` +
    'The full diff: `modelstack diff -o json`, or `modelstack diff` in a terminal.\n'
  );
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** `out[i]` is the total length of the first `i` parts. */
function prefixLengths(parts: readonly string[]): number[] {
  const out = [0];
  for (const p of parts) out.push(out[out.length - 1]! + p.length);
  return out;
}

/** Escapes text for inline HTML in Markdown (markup characters too, so nothing is formatted). */
function html(text: string): string {
  return text.replace(/[&<>"'`*_\\[\]]/g, (c) => `&#${c.codePointAt(0)!};`);
}
