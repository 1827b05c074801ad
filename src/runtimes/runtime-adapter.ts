import type { LocalServices } from '../local/compose/local-services.js';
import type { ModelState } from '../readiness/model-state.js';
import type { PhaseRules } from '../readiness/phase-rules.js';
import type { RuntimeInfo } from './runtime-info.js';

/**
 * Everything the engine does differently per runtime, in one object per runtime
 * (src/runtimes/<id>/adapter.ts): its facts (model kind, CRDs, operator, install chart), how to
 * read a model object's readiness, and how its models run locally. `list`, `apply --wait`,
 * `status` and local compose go through it instead of switching on kinds.
 */
export interface RuntimeAdapter {
  readonly info: RuntimeInfo;
  /** Where a model object of this runtime stands, from its status (any shape, even none). */
  modelState(object: unknown): ModelState;
  /** How its models run as compose services (src/runtimes/<id>/local-services.ts). */
  readonly localServices: LocalServices;
  /** The rules modelState's phase comes from, as data: the GitOps health checks are generated from them. */
  readonly phaseRules: PhaseRules;
}
