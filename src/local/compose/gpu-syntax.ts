import type { ContainerEngineName } from '../container-engine/container-engine.js';
import type { ComposeDeviceRequest, ComposeFile, ComposeService } from './compose-types.js';

/** The CDI kind of NVIDIA GPUs (NVIDIA Container Toolkit, `nvidia-ctk cdi generate`). */
export const CDI_NVIDIA_GPU = 'nvidia.com/gpu';

/**
 * The compose file with its GPU reservations written the way `engine`'s compose reads them:
 * - docker: `deploy.resources.reservations.devices` (Docker Compose "GPU support" docs);
 * - nerdctl: the same field (nerdctl docs/gpu.md, "Fields for nerdctl compose", v2.2);
 * - podman: CDI device names under `devices` (`nvidia.com/gpu=all`, `=0`…), since podman
 *   passes GPUs only as CDI devices (NVIDIA Container Toolkit "Support for Container Device
 *   Interface"); the deploy reservation, which podman does not act on, is removed. A count
 *   becomes the first `count` GPUs (`=0`…`=count-1`). deploy.replicas stays (podman's
 *   compose and `local up` read it).
 * `modelstack local up` reads every one of these forms and passes the engine's own flag.
 */
export function gpuSyntaxFor(engine: ContainerEngineName, file: ComposeFile): ComposeFile {
  if (engine !== 'podman') return file;
  const services: Record<string, ComposeService> = {};
  for (const [name, s] of Object.entries(file.services)) {
    const devices = s.deploy?.resources?.reservations.devices ?? [];
    const gpu = devices.find((d) => d.capabilities.includes('gpu') || d.driver === 'nvidia');
    if (!gpu) {
      services[name] = s;
      continue;
    }
    const { deploy, ...rest } = s;
    services[name] = {
      ...rest,
      ...(deploy?.replicas !== undefined ? { deploy: { replicas: deploy.replicas } } : {}),
      devices: [...(rest.devices ?? []), ...cdiNames(gpu)],
    };
  }
  return { ...file, services };
}

function cdiNames(d: ComposeDeviceRequest): string[] {
  if (d.device_ids && d.device_ids.length > 0) return d.device_ids.map((id) => `${CDI_NVIDIA_GPU}=${id}`);
  if (d.count === undefined) return [`${CDI_NVIDIA_GPU}=all`];
  return Array.from({ length: d.count }, (_, i) => `${CDI_NVIDIA_GPU}=${i}`);
}
