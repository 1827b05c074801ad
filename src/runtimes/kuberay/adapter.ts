import type { RuntimeAdapter } from '../runtime-adapter.js';
import { kuberayLocalServices } from './local-services.js';
import { KUBERAY } from './info.js';
import { RAYSERVICE_PHASE_RULES, rayServiceState } from './readiness.js';

/** KubeRay: RayService readiness and local services. */
export const kuberayAdapter: RuntimeAdapter = {
  info: KUBERAY,
  modelState: rayServiceState,
  phaseRules: RAYSERVICE_PHASE_RULES,
  localServices: kuberayLocalServices,
};
