// The real container engines for the local-run suites, as .ci/setup-containers.sh set them up
// (see test/local/RUNTIMES.md). The suites read its env file; the library itself never does.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ContainerEngine, ProbeResult, ContainerEngineName } from '../../../src/local/container-engine/container-engine.js';
import { createContainerEngine } from '../../../src/local/container-engine/detect.js';

export const ENV_FILE = join(process.env.MODELSTACK_CACHE_DIR || join(homedir(), '.cache', 'modelstack'), 'containers.env');
const SETUP = 'sudo bash .ci/setup-containers.sh';

/** KEY=VALUE lines, no quoting (the format setup-containers.sh writes). */
export function readEnvFile(path = ENV_FILE): Record<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * The environment the engines run with: ours, plus every key of the env file unchanged, with
 * MODELSTACK_EXTRA_PATH (where nerdctl lives) in front of PATH. Variables that would send the
 * CLIs elsewhere, and an engine choice of the caller, are removed.
 */
export function testEnv(file: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...file };
  for (const k of ['CONTAINER_HOST', 'CONTAINER_CONNECTION', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'MODELSTACK_CONTAINER_ENGINE'])
    delete env[k];
  if (file.MODELSTACK_EXTRA_PATH) env.PATH = [file.MODELSTACK_EXTRA_PATH, process.env.PATH ?? ''].join(delimiter);
  return env;
}

export interface EngineUnderTest {
  readonly name: ContainerEngineName;
  readonly engine: ContainerEngine;
  readonly probe: ProbeResult;
  readonly env: NodeJS.ProcessEnv;
  readonly image: string;
}

export type Gate = { readonly ok: true; readonly rt: EngineUnderTest } | { readonly ok: false; readonly reason: string };

/** Probes one engine the way the suites use it; never throws. */
export async function gate(name: ContainerEngineName): Promise<Gate> {
  const file = readEnvFile();
  if (!file) return { ok: false, reason: `no ${ENV_FILE} (run "${SETUP}" first)` };
  const env = testEnv(file);
  const engine = createContainerEngine(name, { env });
  const probe = await engine.probe();
  if (!probe.available) return { ok: false, reason: `${name} is not usable: ${probe.reason ?? '?'} (run "${SETUP}")` };
  return { ok: true, rt: { name, engine, probe, env, image: file.MODELSTACK_TEST_IMAGE ?? 'localhost/modelstack-busybox:test' } };
}

/**
 * `describe` for a suite that needs real engines: under CI=true a missing engine fails the
 * suite; elsewhere the suite is skipped with a loud warning saying why.
 */
export function describeWith(title: string, gates: readonly Gate[], body: (rts: EngineUnderTest[]) => void): void {
  const missing = gates.filter((g): g is Extract<Gate, { ok: false }> => !g.ok);
  if (missing.length === 0) {
    describe(title, () => body(gates.map((g) => (g as Extract<Gate, { ok: true }>).rt)));
    return;
  }
  const reasons = missing.map((m) => m.reason).join('; ');
  if (process.env.CI === 'true') {
    describe(title, () => {
      test('container engines are available (required under CI=true)', () => {
        throw new Error(`container engine unavailable under CI=true: ${reasons}`);
      });
    });
    return;
  }
  console.warn(`\n\n!!! ${title}: SKIPPED, container engine unavailable: ${reasons}\n\n`);
  describe.skip(title, () => {
    test(`needs: ${reasons}`, () => {});
  });
}

/** A project name no other run uses. */
export function uniqueProject(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}
