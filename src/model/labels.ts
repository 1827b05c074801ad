/** Labels and annotations modelstack writes on every object it synthesizes, and reads back. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'modelstack';
export const STACK_LABEL = 'modelstack.io/stack';
export const RUNTIME_LABEL = 'modelstack.io/runtime';
/** Written by an older tool that some clusters still carry; `list` reads it as a fallback. */
export const LEGACY_PROVIDER_LABEL = 'kubefoundry.io/provider';
/** `modelstack.io/runtime` of objects that serve models of both runtimes (a shared namespace). */
export const SHARED_RUNTIME_LABEL_VALUE = 'shared';
