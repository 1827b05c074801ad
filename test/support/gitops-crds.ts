// The real CRDs of the GitOps kinds a RuntimeOperator renders (Flux HelmRepository and
// HelmRelease, Argo CD Application), fetched at test time from the Go module proxy at pinned
// versions with `go mod download -json`. Nothing is copied into the repository: the files are
// read where the Go module cache keeps them ($GOMODCACHE), so only the first run downloads.
// Under CI=true a failed download fails the suite; elsewhere the suite is skipped, saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type CustomResourceDefinition, parseCrdText } from '../../src/schema/crd-store.js';

/**
 * The pinned sources. The versions are the newest whose module downloads with Go 1.26 (later
 * source-controller and argo-cd modules need a newer Go; helm-controller v1.3.0 is refused by the
 * proxy). The CRDs served are helm.toolkit.fluxcd.io/v2 HelmRelease, source.toolkit.fluxcd.io/v1
 * HelmRepository and argoproj.io/v1alpha1 Application.
 */
export const GITOPS_CRD_SOURCES = [
  { module: 'github.com/fluxcd/source-controller', version: 'v1.7.0', file: 'config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml' },
  { module: 'github.com/fluxcd/helm-controller', version: 'v1.4.0', file: 'config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml' },
  { module: 'github.com/argoproj/argo-cd/v3', version: 'v3.1.0', file: 'manifests/crds/application-crd.yaml' },
] as const;

/** Per module; a cached module answers in well under a second, a first download of argo-cd takes longer. */
const DOWNLOAD_TIMEOUT_MS = 180_000;

export interface GitOpsCrds {
  readonly crds: readonly CustomResourceDefinition[];
  /** The CRD files, in the Go module cache (read-only there: copy before writing next to them). */
  readonly files: readonly string[];
}

/** `go` from PATH, else the standard install location (non-login shells often lack it on PATH). */
function goCommand(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'go')));
  return !onPath && existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

/** The module's directory in the Go module cache, downloading it if needed. Throws saying why it could not. */
export function goModuleDir(module: string, version: string, baseEnv: NodeJS.ProcessEnv = process.env): string {
  const at = `${module}@${version}`;
  const env: NodeJS.ProcessEnv = { ...baseEnv, GOTOOLCHAIN: 'local', GOFLAGS: '' };
  let out: string;
  try {
    // Run outside any Go module (a go.mod around would change what `go mod download` means).
    out = execFileSync(goCommand(), ['mod', 'download', '-json', at], {
      cwd: tmpdir(),
      env,
      encoding: 'utf8',
      timeout: DOWNLOAD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { code?: string; signal?: string; stdout?: string; stderr?: string; message: string };
    // On failure `go mod download -json` still prints the module with an Error field.
    const reported = /"Error":\s*"((?:[^"\\]|\\.)*)"/.exec(err.stdout ?? '')?.[1];
    const why =
      err.code === 'ENOENT'
        ? 'go is not installed'
        : err.signal === 'SIGKILL'
          ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000}s`
          : (reported ?? (err.stderr?.trim() || err.message));
    throw new Error(`go mod download ${at} failed: ${why}`);
  }
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${at} failed: ${info.Error ?? 'no Dir in its answer'}`);
  return info.Dir;
}

let loaded: GitOpsCrds | { unavailable: string } | undefined;

/** The pinned GitOps CRDs, or why they are unavailable (downloaded once per test process). */
export function loadGitOpsCrds(): GitOpsCrds | { unavailable: string } {
  loaded ??= (() => {
    try {
      const files = GITOPS_CRD_SOURCES.map((s) => join(goModuleDir(s.module, s.version), s.file));
      const crds = files.flatMap((f) => parseCrdText(readFileSync(f, 'utf8'), f));
      return { crds, files };
    } catch (e) {
      return { unavailable: (e as Error).message };
    }
  })();
  return loaded;
}

/** The pinned GitOps CRDs; throws when they are unavailable (guard the suite with gitOpsCrdsOrSkip). */
export function gitOpsCrds(): GitOpsCrds {
  const g = loadGitOpsCrds();
  if ('unavailable' in g) throw new Error(`the Flux and Argo CD CRDs are unavailable: ${g.unavailable}`);
  return g;
}

/**
 * For a suite that needs the GitOps CRDs: them, or undefined after saying loudly that `suite` is
 * skipped. Under CI=true an unavailable CRD throws instead, failing the suite.
 */
export function gitOpsCrdsOrSkip(suite: string): GitOpsCrds | undefined {
  const g = loadGitOpsCrds();
  if (!('unavailable' in g)) return g;
  if (process.env.CI === 'true') throw new Error(`"${suite}" needs the Flux and Argo CD CRDs: ${g.unavailable}`);
  console.warn(`SKIPPED "${suite}": the Flux and Argo CD CRDs are unavailable: ${g.unavailable}`);
  return undefined;
}
