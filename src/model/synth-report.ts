import type { ModelDescriptor } from './model-descriptor.js';

/**
 * The contract between an app and `modelstack synth`: the app (a ModelstackApp) writes a
 * SynthReport as JSON to the file named by SYNTH_REPORT_ENV instead of printing YAML.
 */

/** Where `modelstack synth` asks the app to write its SynthReport (JSON). */
export const SYNTH_REPORT_ENV = 'MODELSTACK_SYNTH_REPORT';

export interface StackValidationError {
  /** Construct path, e.g. "inference/llama". */
  readonly path: string;
  readonly message: string;
}

export interface SynthesizedChart {
  /** The chart's construct id (the file name of its manifest in file-per-chart layout). */
  readonly id: string;
  /** The stack name (label value), when the chart is a ModelStack. */
  readonly stackName?: string;
  /** The stack's identity (ModelStack's stackId), when it sets one. */
  readonly stackId?: string;
  readonly objects: readonly Record<string, unknown>[];
  /** Typed descriptions of the chart's models (see ModelDescriptor). */
  readonly models?: readonly ModelDescriptor[];
}

/** What an app tells `modelstack synth`: every validation error, or every chart's objects. */
export interface SynthReport {
  readonly ok: boolean;
  readonly errors: readonly StackValidationError[];
  readonly charts: readonly SynthesizedChart[];
}
