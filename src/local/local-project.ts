import { resolve } from 'node:path';
import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import type { StackManifest } from '../model/kube-object.js';
import { synthStacks } from '../synth/synth.js';
import { buildCompose } from './compose/build-compose.js';
import type { ComposeFile, ComposeFlavor, ComposeProfile } from './compose/compose-types.js';
import { type ComposeProject, normalizeCompose, projectName } from './run/compose-model.js';
import { readComposeFile } from './run/read-compose-file.js';

/**
 * Where a local project comes from: a compose file, else the stack (synthesized by the app)
 * built into a compose file in memory.
 */
export interface ProjectSource {
  /** A compose file (relative to `cwd`). */
  readonly file?: string;
  /** The app command that synthesizes the stack (default: "app" in cdk8s.yaml, else `npx tsx stacks/main.ts`). */
  readonly app?: string;
  /** Stacks already synthesized; the app is then not run. */
  readonly stacks?: readonly StackManifest[];
  /** How long the app may run. @default 120000 (DEFAULT_APP_TIMEOUT_MS) */
  readonly appTimeoutMs?: number;
  /** How the stack becomes a compose file. @default 'runtime' */
  readonly flavor?: ComposeFlavor;
  /** `cpu`: CPU stand-ins for the GPU engines (Dynamo's mocker, vLLM's CPU build). @default 'gpu' */
  readonly profile?: ComposeProfile;
  /** The project name (default: the file's name, else the stack's). */
  readonly project?: string;
  readonly cwd: string;
  /** For `${VAR}` interpolation in the compose file. */
  readonly env: NodeJS.ProcessEnv;
  /** Progress of the synthesis. */
  readonly io: IoHost;
}

/** Synthesizes the stack and builds it into a compose file. */
export async function composeFromStacks(src: Omit<ProjectSource, 'file'>): Promise<ComposeFile> {
  const stacks = src.stacks ?? (await synthStacks({ app: src.app, cwd: src.cwd, appTimeoutMs: src.appTimeoutMs }, src.io));
  return buildCompose(stacks, {
    flavor: src.flavor ?? 'runtime',
    ...(src.profile ? { profile: src.profile } : {}),
    ...(src.project ? { project: src.project } : {}),
  });
}

/** The project to run: the file, else the stack built into a compose file in memory. */
export async function loadProject(src: ProjectSource): Promise<ComposeProject> {
  const project = src.project;
  if (src.file !== undefined) {
    if (src.app !== undefined || src.flavor !== undefined || src.stacks !== undefined || src.profile !== undefined) {
      throw new ModelstackError('USAGE', 'local: --file cannot be combined with --app, --flavor or --profile', {
        hint: 'they choose how the compose file is built from the stack',
      });
    }
    return readComposeFile(resolve(src.cwd, src.file), { env: src.env, ...(project ? { project } : {}) });
  }
  return normalizeCompose(await composeFromStacks(src), { projectDir: src.cwd, env: src.env, ...(project ? { project } : {}) });
}

/** down/ps/logs only need the name: the given one, else from the file or the stack. */
export async function resolveProjectName(src: ProjectSource): Promise<string> {
  if (src.project !== undefined && src.file === undefined) return projectName(src.project);
  return (await loadProject(src)).name;
}
