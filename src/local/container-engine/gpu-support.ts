import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { GpuSupport, ContainerEngineName } from './container-engine.js';
import { onPath } from './on-path.js';

/** Where to look; tests point these at temporary directories. */
export interface GpuLookup {
  /** Directories searched for the NVIDIA helpers. @default env.PATH */
  readonly pathDirs?: readonly string[];
  /** Directories holding CDI specs. @default /etc/cdi, /var/run/cdi */
  readonly cdiDirs?: readonly string[];
}

/**
 * Whether an engine can pass NVIDIA GPUs through, decided from what its GPU flag needs:
 * - docker `--gpus`: an `nvidia` engine in `docker info`, or the toolkit's
 *   `nvidia-container-runtime-hook` on PATH;
 * - nerdctl `--gpus`: `nvidia-container-cli` on PATH (nerdctl calls it as an OCI hook);
 * - podman `--device nvidia.com/gpu=…`: a CDI spec naming nvidia.com/gpu (`nvidia-ctk cdi generate`).
 */
export function gpuSupport(engine: ContainerEngineName, info: unknown, env: NodeJS.ProcessEnv, lookup: GpuLookup = {}): GpuSupport {
  const dirs = lookup.pathDirs ?? (env.PATH ?? '').split(delimiter).filter(Boolean);
  switch (engine) {
    case 'docker': {
      const runtimes = Object.keys(((info as { Runtimes?: Record<string, unknown> } | undefined)?.Runtimes ?? {}) as object);
      const nvidia = runtimes.find((r) => r.includes('nvidia'));
      if (nvidia) return { available: true, reason: `docker has the "${nvidia}" runtime` };
      if (onPath('nvidia-container-runtime-hook', dirs)) return { available: true, reason: 'nvidia-container-runtime-hook is on PATH' };
      return { available: false, reason: 'no NVIDIA container toolkit (no nvidia runtime in "docker info", no nvidia-container-runtime-hook on PATH)' };
    }
    case 'nerdctl':
      return onPath('nvidia-container-cli', dirs)
        ? { available: true, reason: 'nvidia-container-cli is on PATH' }
        : { available: false, reason: 'no nvidia-container-cli on PATH (NVIDIA container toolkit)' };
    case 'podman': {
      const cdiDirs = lookup.cdiDirs ?? ['/etc/cdi', '/var/run/cdi'];
      const spec = cdiDirs.flatMap((d) => specFiles(d)).find((f) => mentionsNvidiaGpu(f));
      return spec
        ? { available: true, reason: `CDI spec ${spec} names nvidia.com/gpu` }
        : { available: false, reason: `no CDI spec for nvidia.com/gpu in ${cdiDirs.join(' or ')} (generate one with "nvidia-ctk cdi generate")` };
    }
  }
}

function specFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.(json|ya?ml)$/.test(f))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function mentionsNvidiaGpu(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes('nvidia.com/gpu');
  } catch {
    return false;
  }
}
