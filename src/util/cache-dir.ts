import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where modelstack keeps what it may rebuild: MODELSTACK_CACHE_DIR, else ~/.cache/modelstack. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELSTACK_CACHE_DIR || join(homedir(), '.cache', 'modelstack');
}
