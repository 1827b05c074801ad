import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GITOPS_CRD_SOURCES, goModuleDir, gitOpsCrdsOrSkip } from './gitops-crds.js';
import { removeTempDirs, repoRoot, tempDir } from './paths.js';

afterAll(removeTempDirs);

const SUITE = 'the pinned Flux and Argo CD CRDs come from the Go module cache';
(gitOpsCrdsOrSkip(SUITE) ? describe : describe.skip)(SUITE, () => {
  test('each pinned module holds its CRD file, outside the repository', () => {
    for (const s of GITOPS_CRD_SOURCES) {
      const dir = goModuleDir(s.module, s.version);
      expect(dir.endsWith(`@${s.version}`)).toBe(true);
      expect(dir.startsWith(repoRoot)).toBe(false);
      expect(existsSync(join(dir, s.file))).toBe(true);
    }
    expect(gitOpsCrdsOrSkip(SUITE)!.crds.map((c) => c.metadata.name)).toEqual([
      'helmrepositories.source.toolkit.fluxcd.io',
      'helmreleases.helm.toolkit.fluxcd.io',
      'applications.argoproj.io',
    ]);
  });
});

test("a module that cannot be downloaded fails with go's own reason", () => {
  // No proxy and an empty module cache: nothing can be found.
  const env = { ...process.env, GOPROXY: 'off', GOMODCACHE: tempDir('modelstack-empty-modcache-') };
  expect(() => goModuleDir('github.com/fluxcd/helm-controller', 'v1.4.0', env)).toThrow(
    /^go mod download github.com\/fluxcd\/helm-controller@v1.4.0 failed: .*GOPROXY=off/,
  );
});
