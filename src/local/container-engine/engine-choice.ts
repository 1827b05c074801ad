import { CONTAINER_ENGINE_NAMES } from './container-engine.js';

// How users choose a container engine: the flag, the environment variable and the choices, in a
// module of their own so that the toolkit's index and the CLI's usage text can name them without
// loading the engines (and the process library they run their CLIs with).

export const ENGINE_ENV = 'MODELSTACK_CONTAINER_ENGINE';
/** The old name of ENGINE_ENV, still read (after it) with a notice. */
export const ENGINE_ENV_ALIAS = 'MODELSTACK_CONTAINER_RUNTIME';
export const ENGINE_FLAG = '--engine';
/** The old name of ENGINE_FLAG, still accepted with a notice. */
export const ENGINE_FLAG_ALIAS = '--runtime';
export const ENGINE_CHOICES = ['auto', ...CONTAINER_ENGINE_NAMES] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];
