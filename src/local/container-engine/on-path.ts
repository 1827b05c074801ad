import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** Whether an executable `name` is in one of `dirs` (a PATH split on its delimiter). */
export function onPath(name: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => {
    try {
      accessSync(join(d, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
