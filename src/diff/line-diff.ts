import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** Lines of context around each change, as `diff -u` and git show. */
export const DIFF_CONTEXT = 3;

export interface UnifiedDiffOptions {
  /** Name on the `---` line (`/dev/null` for an object that did not exist). */
  readonly beforeName: string;
  /** Name on the `+++` line (`/dev/null` for an object that is removed). */
  readonly afterName: string;
  /** @default DIFF_CONTEXT */
  readonly context?: number;
}

/** A unified line diff of two texts with `---`/`+++` headers; empty when the texts are equal. */
export function unifiedDiff(before: string, after: string, opts: UnifiedDiffOptions): string {
  if (before === after) return '';
  return createTwoFilesPatch(opts.beforeName, opts.afterName, before, after, undefined, undefined, {
    context: opts.context ?? DIFF_CONTEXT,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
