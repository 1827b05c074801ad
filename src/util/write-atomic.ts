import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes a file through a temporary sibling and a rename, so readers never see half of it. */
export async function writeFileAtomic(path: string, content: string | Uint8Array, opts: { mode?: number; dirMode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, ...(opts.dirMode !== undefined ? { mode: opts.dirMode } : {}) });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, content, { mode: opts.mode ?? 0o644 });
    await rename(tmp, path);
  } catch (e) {
    // The write's own error is the one to report, not a failure to remove what it left.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
