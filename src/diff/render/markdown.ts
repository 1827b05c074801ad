import { ModelstackError } from '../../errors.js';
import type { Change, ChangeSet } from '../change-set.js';
import { ACTION_SIGN, rolloutText, secretKeysText, summaryText } from './summary.js';

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
  const sections = cs.changes.map((c) => section(c));
  const total = cs.changes.length;

  const intro = introOf(cs, opts.source, '### modelstack diff');
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

/**
 * The markdown in parts of at most `limit` characters each (`--split-dir`): the first part has the
 * heading, the summary tables and every deletion, each further part a heading that says which part
 * it is; every resource section is in exactly one part, whole. A section that alone is over the
 * limit keeps its heading and rollout line and says where to see its diff instead of being cut.
 */
export function renderMarkdownParts(cs: ChangeSet, opts: MarkdownOptions = {}): string[] {
  const limit = opts.limit ?? MARKDOWN_LIMIT;
  const removes = cs.changes.filter((c) => c.action === 'remove');
  const deletions =
    removes.length === 0
      ? ''
      : `\n#### ⚠️ Deletions\n\nApplying this deletes ${removes.length === 1 ? '1 object' : `${removes.length} objects`}:\n\n` +
        removes.map((c) => `- <code>${html(c.ref)}</code>\n`).join('');
  const first = introOf(cs, opts.source, '### modelstack diff') + deletions + (cs.changes.length === 0 ? '' : '\n#### Changes\n\n');
  // The part headings are at most this long (part numbers below 10^6).
  const headRoom = partHead(999_999, 999_999).length;
  const sections = cs.changes.map((c) => {
    const full = section(c);
    return full.length + headRoom <= limit ? full : section(c, true);
  });
  if (first.length > limit) {
    throw new ModelstackError('USAGE', `the summary alone is ${first.length} characters, over the ${limit} limit of one part`, {
      hint: 'narrow the diff (fewer stacks, or --ignore noisy fields)',
    });
  }
  const parts: string[][] = [[first]];
  let size = first.length;
  for (const sec of sections) {
    if (size + sec.length > limit) {
      parts.push([]);
      size = headRoom;
    }
    parts[parts.length - 1]!.push(sec);
    size += sec.length;
  }
  const n = parts.length;
  return parts.map(
    (p, i) => (i === 0 ? '' : partHead(i + 1, n)) + p.join('') + (i === 0 && n > 1 ? `\n_Part 1 of ${n}; the resource diffs continue in part 2._\n` : ''),
  );
}

function partHead(i: number, n: number): string {
  return `### modelstack diff (part ${i} of ${n})\n\n`;
}

function introOf(cs: ChangeSet, source: string | undefined, heading: string): string {
  const lines = [heading, '', `${source === undefined ? '' : `Compared with <code>${html(source)}</code>: `}**${summaryText(cs.summary)}**`, ''];
  if (cs.byKind.length > 0) {
    lines.push('| Kind | Added | Changed | Removed | Unchanged |', '| --- | ---: | ---: | ---: | ---: |');
    for (const k of cs.byKind) lines.push(`| ${html(k.kind)} | ${k.add} | ${k.change} | ${k.remove === 0 ? 0 : `**${k.remove}**`} | ${k.unchanged} |`);
    lines.push('');
  }
  const g = cs.gpus;
  if (g.models.length > 0) {
    lines.push(
      `**GPUs: ${g.before} → ${g.after} (${signed(g.after - g.before)})**${g.extraDuringRollout > 0 ? `, and up to ${g.extraDuringRollout} more while the rollouts run` : ''}`,
      '',
    );
    lines.push('| Namespace | GPUs before | GPUs after | Extra during rollout |', '| --- | ---: | ---: | ---: |');
    for (const n of g.namespaces) lines.push(`| ${html(n.namespace || '(cluster)')} | ${n.before} | ${n.after} | ${n.extraDuringRollout} |`);
    lines.push('');
    const rollouts = new Map(cs.changes.filter((c) => c.rollout).map((c) => [c.ref, c.rollout!]));
    lines.push('| Model | GPUs before | GPUs after | Rollout |', '| --- | ---: | ---: | --- |');
    for (const m of g.models) {
      const r = rollouts.get(m.ref);
      const what = m.before === 0 ? 'new' : m.after === 0 ? '**removed**' : r ? rolloutText(r) : 'unchanged';
      lines.push(`| ${html(m.ref)}${m.autoscaled ? ' (autoscaled)' : ''} | ${m.before} | ${m.after} | ${html(what)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}

function section(c: Change, withoutDiff = false): string {
  const body = c.diff.endsWith('\n') ? c.diff : `${c.diff}\n`;
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  const loud = c.action === 'remove' ? ' ⚠️ <b>deleted</b>' : '';
  const rollout = c.rollout ? ` — <b>${html(rolloutText(c.rollout))}</b>` : '';
  const keys = c.secretKeys ? secretKeysText(c.secretKeys) : '';
  const summary = `<summary><code>${ACTION_SIGN[c.action]} ${c.action}</code> ${html(c.ref)}${loud}${rollout}</summary>\n\n`;
  const note = keys === '' ? '' : `Secret keys: ${html(keys)} (values masked)\n\n`;
  const diff = withoutDiff
    ? `The diff of this object (${thousands(body.length)} characters) is over the limit of one comment: see \`modelstack diff -o json\`.\n\n`
    : `${fence}diff\n${body}${fence}\n\n`;
  return `<details>\n${summary}${note}${diff}</details>\n\n`;
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
