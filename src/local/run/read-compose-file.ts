import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorMessage, ModelstackError } from '../../errors.js';
import { type ComposeProject, loadComposeText } from './compose-model.js';

/** Reads and normalizes a compose file; relative bind mounts resolve against its directory. */
export async function readComposeFile(path: string, opts: { readonly env?: NodeJS.ProcessEnv; readonly project?: string } = {}): Promise<ComposeProject> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ModelstackError('IO', `cannot read the compose file ${file}: ${errorMessage(e)}`, {
      hint: 'write one with "modelstack local compose --out FILE", or leave out --file to use the stack',
    });
  }
  return loadComposeText(text, { projectDir: dirname(file), ...(opts.env ? { env: opts.env } : {}), ...(opts.project ? { project: opts.project } : {}) });
}
