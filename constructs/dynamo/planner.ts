import { z } from 'zod';
import type { Engine } from '../../src/model/ids.js';
import type { ServingMode } from '../common/capabilities.js';
import type { PropIssue } from '../common/issues.js';
import * as s from '../common/schemas.js';

/**
 * The Dynamo Planner (DGD component `type: planner`): scales the model's workers at runtime.
 *
 * Sources (Dynamo 1.4.0): the Planner Guide of the 1.4.0 docs
 * (docs.nvidia.com/dynamo/v1.4.0/knowledge-base/modular-components/planner/planner-guide: the
 * four optimization targets, the PlannerConfig fields); the planner's PlannerConfig model
 * (components/src/dynamo/planner/config/planner_config.py: field names, aliases and the rules
 * mirrored below); the vLLM disaggregated planner example
 * (examples/backends/vllm/deploy/disagg_planner.yaml: `python3 -m dynamo.planner --config <json>`,
 * the dedicated `dynamo-planner` image for Dynamo >= 1.1.0). The operator adds the planner's
 * service account, metrics port and PLANNER_PROMETHEUS_PORT itself
 * (deploy/operator/internal/dynamo/component_planner.go).
 */
export type PlannerOptimizationTarget = 'throughput' | 'latency' | 'load' | 'sla';

/** A scale-up / scale-down threshold pair; scaleUp must be above scaleDown. */
export interface PlannerThresholds {
  readonly scaleUp: number;
  readonly scaleDown: number;
}

export interface DynamoPlannerSettings {
  /**
   * What triggers scaling (`optimization_target`): "throughput" and "latency" use the planner's
   * built-in queue and KV-cache thresholds; "load" uses the thresholds given here
   * (prefillQueueTokens, decodeKvUtilizationPercent); "sla" targets ttftMs / itlMs.
   * @default "throughput"
   */
  readonly optimizationTarget?: PlannerOptimizationTarget;
  /** Time-to-first-token target in ms (`ttft_ms`; optimizationTarget "sla" only). @default the planner's */
  readonly ttftMs?: number;
  /** Inter-token latency target in ms (`itl_ms`; optimizationTarget "sla" only). @default the planner's */
  readonly itlMs?: number;
  /**
   * Predictive, throughput-based scaling (`enable_throughput_scaling`; optimizationTarget "sla" only).
   * @default true (the planner's)
   */
  readonly throughputScaling?: boolean;
  /** Reactive, load-based scaling (`enable_load_scaling`; optimizationTarget "sla" only). @default false (the planner's) */
  readonly loadScaling?: boolean;
  /**
   * Prefill queue tokens that scale prefill workers up / allow scaling down
   * (`prefill_scale_up_queue_tokens` / `prefill_scale_down_queue_tokens`). Required with
   * optimizationTarget "load" in disaggregated mode; aggregated mode has no prefill workers.
   */
  readonly prefillQueueTokens?: PlannerThresholds;
  /**
   * Decode KV-cache utilization, in percent (0-100), that scales decode (or aggregated) workers up /
   * allows scaling down (`decode_scale_up_kv_rate` / `decode_scale_down_kv_rate`). Required with
   * optimizationTarget "load".
   */
  readonly decodeKvUtilizationPercent?: PlannerThresholds;
  /** `load_adjustment_interval_seconds`: the reactive loop's period. @default the planner's */
  readonly loadAdjustmentIntervalSeconds?: number;
  /**
   * `throughput_adjustment_interval_seconds`: the predictive loop's period (only when
   * throughput scaling is on); must be longer than loadAdjustmentIntervalSeconds when both loops run.
   * @default the planner's
   */
  readonly throughputAdjustmentIntervalSeconds?: number;
  /** `min_endpoint`: the fewest workers per role the planner keeps. @default the planner's */
  readonly minEndpoint?: number;
  /** `max_gpu_budget`: the most GPUs the planner may use for the model. @default the planner's */
  readonly maxGpuBudget?: number;
  /**
   * Prometheus the planner reads the frontend's metrics from (`PROMETHEUS_ENDPOINT`).
   * @default the planner's (kube-prometheus-stack's in-cluster address)
   */
  readonly prometheusEndpoint?: string;
  /**
   * Planner image. Must be pinned.
   * @default "nvcr.io/nvidia/ai-dynamo/dynamo-planner:<runtimeVersion>"
   */
  readonly image?: string;
  /**
   * Other PlannerConfig fields, written as given (snake_case, as the planner names them). They may
   * not repeat a typed setting above, nor `environment`, `backend` or `mode` (modelstack writes
   * them from the model's engine and mode).
   * @default none
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

const thresholds = z.strictObject({ scaleUp: z.number().min(0), scaleDown: z.number().min(0) });

export const plannerSchema = z.strictObject({
  optimizationTarget: z.enum(['throughput', 'latency', 'load', 'sla']).optional(),
  ttftMs: z.number().positive().optional(),
  itlMs: z.number().positive().optional(),
  throughputScaling: z.boolean().optional(),
  loadScaling: z.boolean().optional(),
  prefillQueueTokens: z.strictObject({ scaleUp: s.nonNegativeInt, scaleDown: s.nonNegativeInt }).optional(),
  decodeKvUtilizationPercent: thresholds
    .refine((t) => t.scaleUp <= 100 && t.scaleDown <= 100, { message: 'is not a percentage. Fix: use values from 0 to 100' })
    .optional(),
  loadAdjustmentIntervalSeconds: s.positiveInt.optional(),
  throughputAdjustmentIntervalSeconds: s.positiveInt.optional(),
  minEndpoint: s.positiveInt.optional(),
  maxGpuBudget: s.positiveInt.optional(),
  prometheusEndpoint: z.url().optional(),
  image: z.string().min(1).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});

/** Typed settings as PlannerConfig names them. */
const KEYS = {
  optimizationTarget: 'optimization_target',
  ttftMs: 'ttft_ms',
  itlMs: 'itl_ms',
  throughputScaling: 'enable_throughput_scaling',
  loadScaling: 'enable_load_scaling',
  loadAdjustmentIntervalSeconds: 'load_adjustment_interval_seconds',
  throughputAdjustmentIntervalSeconds: 'throughput_adjustment_interval_seconds',
  minEndpoint: 'min_endpoint',
  maxGpuBudget: 'max_gpu_budget',
} as const satisfies Partial<Record<keyof DynamoPlannerSettings, string>>;

/** PlannerConfig keys each typed setting writes, aliases included (PlannerConfig's AliasChoices). */
const TYPED_KEYS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(KEYS).map(([camel, snake]) => [snake, camel])),
  ttft: 'ttftMs',
  itl: 'itlMs',
  load_adjustment_interval: 'loadAdjustmentIntervalSeconds',
  throughput_adjustment_interval: 'throughputAdjustmentIntervalSeconds',
  prefill_scale_up_queue_tokens: 'prefillQueueTokens',
  prefill_scale_down_queue_tokens: 'prefillQueueTokens',
  decode_scale_up_kv_rate: 'decodeKvUtilizationPercent',
  decode_scale_down_kv_rate: 'decodeKvUtilizationPercent',
  metric_pulling_prometheus_endpoint: 'prometheusEndpoint',
};
const OWNED_KEYS: Readonly<Record<string, string>> = { environment: 'modelstack ("kubernetes")', backend: 'engine', mode: 'mode' };

/** The planner's `mode` for the model's serving mode. */
function plannerMode(mode: ServingMode): 'agg' | 'disagg' {
  return mode === 'aggregated' ? 'agg' : 'disagg';
}

/** Whether the predictive loop runs (PlannerConfig turns it off for every target but "sla"). */
function throughputScalingOn(p: DynamoPlannerSettings): boolean {
  return (p.optimizationTarget ?? 'throughput') === 'sla' && p.throughputScaling !== false;
}

/** Issues of the planner settings: settings the chosen target ignores, missing thresholds, owned keys. */
export function plannerIssues(p: DynamoPlannerSettings, mode: ServingMode): PropIssue[] {
  const issues: PropIssue[] = [];
  const target = p.optimizationTarget ?? 'throughput';
  const only = (field: keyof DynamoPlannerSettings, wanted: PlannerOptimizationTarget): void => {
    if (p[field] === undefined || target === wanted) return;
    issues.push({
      prop: `planner.${field}`,
      value: p[field],
      problem: `applies to optimizationTarget "${wanted}" only (optimizationTarget is "${target}"), and the planner ignores it otherwise`,
      fix: `remove it, or set planner.optimizationTarget: "${wanted}"`,
    });
  };
  for (const field of ['ttftMs', 'itlMs', 'throughputScaling', 'loadScaling'] as const) only(field, 'sla');
  for (const field of ['prefillQueueTokens', 'decodeKvUtilizationPercent'] as const) only(field, 'load');
  if (target === 'sla' && p.throughputScaling === false && p.loadScaling !== true) {
    issues.push({
      prop: 'planner.throughputScaling',
      value: false,
      problem: 'turns off the only scaling loop (loadScaling is off too), and the planner refuses to start with none',
      fix: 'remove it, or set planner.loadScaling: true',
    });
  }
  if (target === 'load') {
    if (mode === 'aggregated' && p.prefillQueueTokens !== undefined) {
      issues.push({
        prop: 'planner.prefillQueueTokens',
        value: p.prefillQueueTokens,
        problem: 'has no prefill workers to scale in mode "aggregated"',
        fix: 'remove it (aggregated workers scale on planner.decodeKvUtilizationPercent), or set mode: "disaggregated"',
      });
    }
    const needed: (keyof DynamoPlannerSettings)[] =
      mode === 'aggregated' ? ['decodeKvUtilizationPercent'] : ['prefillQueueTokens', 'decodeKvUtilizationPercent'];
    for (const field of needed) {
      if (p[field] !== undefined) continue;
      issues.push({
        prop: 'planner.optimizationTarget',
        value: 'load',
        problem: `needs planner.${field}, and the planner refuses to start without it`,
        fix: `set planner.${field} to { scaleUp, scaleDown } thresholds, or use optimizationTarget "throughput"`,
      });
    }
  }
  for (const field of ['prefillQueueTokens', 'decodeKvUtilizationPercent'] as const) {
    const t = p[field];
    if (t && t.scaleUp <= t.scaleDown) {
      issues.push({
        prop: `planner.${field}`,
        value: t,
        problem: 'has scaleUp at or below scaleDown, so the planner would scale up and down at once',
        fix: 'make scaleUp larger than scaleDown',
      });
    }
  }
  if (p.throughputAdjustmentIntervalSeconds !== undefined && !throughputScalingOn(p)) {
    issues.push({
      prop: 'planner.throughputAdjustmentIntervalSeconds',
      value: p.throughputAdjustmentIntervalSeconds,
      problem: 'has no effect: throughput-based scaling runs only with optimizationTarget "sla" and throughputScaling on',
      fix: 'remove it, or set planner.optimizationTarget: "sla"',
    });
  } else if (
    p.throughputAdjustmentIntervalSeconds !== undefined &&
    p.loadAdjustmentIntervalSeconds !== undefined &&
    p.loadScaling === true &&
    p.loadAdjustmentIntervalSeconds >= p.throughputAdjustmentIntervalSeconds
  ) {
    issues.push({
      prop: 'planner.loadAdjustmentIntervalSeconds',
      value: p.loadAdjustmentIntervalSeconds,
      problem: `is not shorter than throughputAdjustmentIntervalSeconds (${p.throughputAdjustmentIntervalSeconds}); the planner refuses to start unless the reactive loop is the faster one`,
      fix: 'make loadAdjustmentIntervalSeconds shorter than throughputAdjustmentIntervalSeconds',
    });
  }
  for (const [key, value] of Object.entries(p.extra ?? {})) {
    const typed = TYPED_KEYS[key];
    const owner = OWNED_KEYS[key];
    if (typed) {
      issues.push({ prop: `planner.extra.${key}`, value, problem: `is a typed setting`, fix: `remove it and set planner.${typed}` });
    } else if (owner) {
      issues.push({ prop: `planner.extra.${key}`, value, problem: `is written by modelstack from ${owner}`, fix: 'remove it' });
    }
  }
  return issues;
}

/** The planner's `--config` JSON: owned keys, then typed settings, then `extra`. */
export function plannerConfigJson(p: DynamoPlannerSettings, engine: Engine, mode: ServingMode): string {
  const config: Record<string, unknown> = { environment: 'kubernetes', backend: engine, mode: plannerMode(mode) };
  for (const [camel, snake] of Object.entries(KEYS)) {
    const value = p[camel as keyof typeof KEYS];
    if (value !== undefined) config[snake] = value;
  }
  if (p.prefillQueueTokens) {
    config.prefill_scale_up_queue_tokens = p.prefillQueueTokens.scaleUp;
    config.prefill_scale_down_queue_tokens = p.prefillQueueTokens.scaleDown;
  }
  if (p.decodeKvUtilizationPercent) {
    config.decode_scale_up_kv_rate = p.decodeKvUtilizationPercent.scaleUp;
    config.decode_scale_down_kv_rate = p.decodeKvUtilizationPercent.scaleDown;
  }
  Object.assign(config, p.extra);
  return JSON.stringify(config);
}

/** The dedicated planner image of a Dynamo version (Dynamo >= 1.1.0; see the example cited above). */
export function defaultPlannerImage(version: string): string {
  return `nvcr.io/nvidia/ai-dynamo/dynamo-planner:${version}`;
}
