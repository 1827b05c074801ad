// Builds a small Go program from a module folder in test/gitops (its own go.mod and go.sum) once,
// and caches the binary under $MODELSTACK_CACHE_DIR (default ~/.cache/modelstack)/gitops, keyed
// by a hash of the module's go.mod, go.sum and *.go files and the package built. Without a Go
// toolchain the tests that need the tool are skipped, except under CI=true, where that fails.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD_TIMEOUT_MS = 10 * 60_000;

export interface GoTool {
  /** Folder under test/gitops holding go.mod and go.sum. */
  readonly module: string;
  /** The package to build: '.' or an import path the module requires (a `tool` line). */
  readonly pkg: string;
  readonly name: string;
}

export const HEALTH_EVAL: GoTool = { module: 'health-eval', pkg: '.', name: 'health-eval' };
export const ACTIONLINT: GoTool = { module: 'actionlint', pkg: 'github.com/rhysd/actionlint/cmd/actionlint', name: 'actionlint' };

function goCommand(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin']) {
    if (dir && fs.existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return undefined;
}

export function toolPath(tool: GoTool): string {
  const dir = path.join(HERE, tool.module);
  const hash = createHash('sha256').update(`${tool.pkg}\0`);
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort()) {
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(dir, file)))
      .update('\0');
  }
  const cacheRoot = process.env.MODELSTACK_CACHE_DIR || path.join(os.homedir(), '.cache', 'modelstack');
  return path.join(cacheRoot, 'gitops', `${tool.name}-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * The tool's binary, built if not cached; undefined when there is no Go toolchain outside CI
 * (the caller skips). A build failure always throws.
 */
export async function ensureTool(tool: GoTool): Promise<string | undefined> {
  const bin = toolPath(tool);
  if (fs.existsSync(bin)) return bin;
  const go = goCommand();
  if (!go) {
    if (process.env.CI === 'true') throw new Error(`${tool.name}: no Go toolchain on PATH or in /usr/local/go/bin, and CI=true needs it`);
    return undefined;
  }
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  try {
    await execa(go, ['build', '-trimpath', '-buildvcs=false', '-o', tmp, tool.pkg], {
      cwd: path.join(HERE, tool.module),
      timeout: BUILD_TIMEOUT_MS,
      forceKillAfterDelay: 5_000,
      stdin: 'ignore',
    });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return bin;
}
