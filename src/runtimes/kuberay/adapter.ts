import type { RuntimeAdapter } from '../runtime-adapter.js';
import { kuberayLocalServices } from './local-services.js';
import { KUBERAY } from './info.js';
import { rayServiceState } from './readiness.js';

/** KubeRay: RayService readiness and local services. */
export const kuberayAdapter: RuntimeAdapter = {
  info: KUBERAY,
  modelState: rayServiceState,
  localServices: kuberayLocalServices,
};
