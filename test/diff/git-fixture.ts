// A throwaway git repository holding a small modelstack app, in two committed versions, for the
// offline diff tests. The app imports the project by absolute path and runs with the project's
// tsx through a node_modules link (ignored by git), as a real checkout would have it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface FixtureModel {
  readonly id: string;
  readonly model: string;
  readonly workers: number;
}

/** Version 1: one model with one worker. */
export const V1: readonly FixtureModel[] = [{ id: 'qwen', model: 'Qwen/Qwen3-0.6B', workers: 1 }];
/** Version 2: the same model with three workers, and a second model. */
export const V2: readonly FixtureModel[] = [
  { id: 'qwen', model: 'Qwen/Qwen3-0.6B', workers: 3 },
  { id: 'llama', model: 'meta-llama/Llama-3.2-1B-Instruct', workers: 1 },
];

export function appSource(models: readonly FixtureModel[]): string {
  const index = JSON.stringify(join(repoRoot, 'index.ts'));
  const lines = models.map(
    (m) => `new DynamoModel(stack, ${JSON.stringify(m.id)}, { model: ${JSON.stringify(m.model)}, replicas: { worker: ${m.workers} } });`,
  );
  return [
    `import { DynamoModel, ModelStack, ModelstackApp } from ${index};`,
    'const app = new ModelstackApp();',
    "const stack = new ModelStack(app, 'fixture', { namespace: 'llm' });",
    ...lines,
    'app.synth();',
    '',
  ].join('\n');
}

export interface FixtureRepo {
  /** The repository's root. */
  readonly root: string;
  /** The app's directory (a subdirectory, to check the worktree keeps it). */
  readonly appDir: string;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A version of the app: its models, an app that throws, or no app directory at all. */
export type FixtureVersion = readonly FixtureModel[] | 'broken' | 'absent';

/** A repository with `versions` committed in order (HEAD is the last), the app in `deploy/`. */
export function fixtureRepo(versions: readonly FixtureVersion[] = [V1, V2]): FixtureRepo {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'modelstack-diff-repo-')));
  const appDir = join(root, 'deploy');
  git(root, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(root, '.gitignore'), 'node_modules\n');
  writeFileSync(join(root, 'package.json'), '{ "private": true, "type": "module" }\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  versions.forEach((version, i) => {
    if (version === 'absent') {
      rmSync(appDir, { recursive: true, force: true });
      writeFileSync(join(root, 'README.md'), `version ${i + 1}\n`);
    } else {
      mkdirSync(appDir, { recursive: true });
      writeFileSync(join(appDir, 'cdk8s.yaml'), 'language: typescript\napp: npx tsx app.ts\n');
      writeFileSync(join(appDir, 'app.ts'), version === 'broken' ? "throw new Error('broken on purpose');\n" : appSource(version));
    }
    git(root, 'add', '-A');
    git(root, 'commit', '--quiet', '-m', `version ${i + 1}`);
  });
  return { root, appDir };
}

/** `git worktree list --porcelain` paths: only the repository itself when nothing is left over. */
export function worktrees(root: string): string[] {
  return git(root, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
}

/** Removes a fixture repository (the node_modules link only, never what it points to). */
export function removeFixture(repo: FixtureRepo): void {
  rmSync(repo.root, { recursive: true, force: true });
}
