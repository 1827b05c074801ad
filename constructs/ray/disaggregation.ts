// Prefill/decode disaggregation of a RayModel (mode "disaggregated"): the props of each phase,
// how a phase's LLMConfig is resolved from the model's settings and its own, and the rules that
// only exist in one mode. The Serve application (build_pd_openai_app, NIXL KV transfer) is written
// by serve-llm-config.ts; see its header for the Ray sources.
import { z } from 'zod';
import type { PropIssue } from '../common/issues.js';
import * as s from '../common/schemas.js';
import { RAY_PHASE_RESOURCES } from '../../src/runtimes/kuberay/info.js';
import {
  autoscalingSchema,
  type LlmConfigInput,
  RAY_PHASES,
  type RayAutoscaling,
  type RayPhase,
  type RayServeOptions,
  serveOptionsSchema,
} from './serve-llm-config.js';

export { RAY_PHASES, type RayPhase } from './serve-llm-config.js';

/** The settings of one phase (prefill or decode) of a disaggregated RayModel. */
export interface RayPhaseSettings {
  /** Tensor parallel size of this phase's engines. @default the model's tensorParallelSize */
  readonly tensorParallelSize?: number;
  /** Pipeline parallel size of this phase's engines. @default the model's pipelineParallelSize */
  readonly pipelineParallelSize?: number;
  /** vLLM engine arguments of this phase, over the model's engineKwargs key by key. @default none */
  readonly engineKwargs?: Readonly<Record<string, unknown>>;
  /** Serve replica autoscaling of this phase's deployment. @default { minReplicas: 1, maxReplicas: 1 } */
  readonly autoscaling?: RayAutoscaling;
  /** Ray Serve LLM settings of this phase, over the model's `serve` key by key. @default the model's */
  readonly serve?: RayServeOptions;
}

export const phaseSchema = z.strictObject({
  tensorParallelSize: s.positiveInt.optional(),
  pipelineParallelSize: s.positiveInt.optional(),
  engineKwargs: z.record(z.string(), z.unknown()).optional(),
  autoscaling: autoscalingSchema.optional(),
  serve: serveOptionsSchema.optional(),
});

type ParsedPhase = z.infer<typeof phaseSchema>;

/** The model-wide settings a phase starts from. */
export interface PhaseDefaults {
  readonly model: string;
  readonly modelId: string;
  readonly tensorParallelSize?: number;
  readonly pipelineParallelSize?: number;
  readonly engineKwargs?: Readonly<Record<string, unknown>>;
  readonly serve?: z.infer<typeof serveOptionsSchema>;
}

/** The LLMConfig input of one phase: the model's settings under the phase's own, pinned to its worker groups. */
export function resolvePhase(phase: RayPhase, own: ParsedPhase | undefined, m: PhaseDefaults): LlmConfigInput {
  const minReplicas = own?.autoscaling?.minReplicas ?? 1;
  const pp = own?.pipelineParallelSize ?? m.pipelineParallelSize;
  const engineKwargs = { ...m.engineKwargs, ...own?.engineKwargs };
  const serve = { ...m.serve, ...own?.serve };
  return {
    modelId: m.modelId,
    model: m.model,
    tensorParallelSize: own?.tensorParallelSize ?? m.tensorParallelSize ?? 1,
    ...(pp !== undefined ? { pipelineParallelSize: pp } : {}),
    minReplicas,
    maxReplicas: own?.autoscaling?.maxReplicas ?? Math.max(minReplicas, 1),
    ...(Object.keys(engineKwargs).length > 0 ? { engineKwargs } : {}),
    ...(own?.autoscaling ? { autoscaling: own.autoscaling } : {}),
    ...(Object.keys(serve).length > 0 ? { serve } : {}),
    pin: RAY_PHASE_RESOURCES[phase],
    kvTransfer: true,
  };
}

/** A worker group's Ray resource that pins a phase's replicas to it: one unit per GPU of the pod. */
export function phaseResource(phase: RayPhase | undefined, gpus: number): Record<string, string> {
  return phase ? { [RAY_PHASE_RESOURCES[phase]]: String(gpus) } : {};
}

function onlyIn(mode: 'disaggregated', prop: string, value: unknown): PropIssue {
  return { prop, value, problem: `applies to mode "${mode}" only`, fix: `remove it, or set mode: "${mode}"` };
}

/**
 * Props that belong to the other mode: phases and worker group phases outside "disaggregated",
 * the model-wide autoscaling inside it (each phase scales on its own).
 */
export function modeIssues(
  disaggregated: boolean,
  p: {
    readonly prefill?: unknown;
    readonly decode?: unknown;
    readonly autoscaling?: unknown;
    readonly workerGroups?: readonly { readonly phase?: RayPhase }[];
  },
): PropIssue[] {
  const issues: PropIssue[] = [];
  if (disaggregated) {
    if (p.autoscaling !== undefined) {
      issues.push({
        prop: 'autoscaling',
        value: p.autoscaling,
        problem: 'applies to mode "aggregated" only; prefill and decode scale separately',
        fix: 'move it to prefill.autoscaling and decode.autoscaling',
      });
    }
    return issues;
  }
  for (const phase of RAY_PHASES) if (p[phase] !== undefined) issues.push(onlyIn('disaggregated', phase, p[phase]));
  p.workerGroups?.forEach((g, i) => {
    if (g.phase !== undefined) issues.push(onlyIn('disaggregated', `workerGroups[${i}].phase`, g.phase));
  });
  return issues;
}

/** In mode "disaggregated": every worker group has a phase, and each phase has a GPU worker group. */
export function phaseGroupIssues(groups: readonly { readonly name: string; readonly phase?: RayPhase; readonly gpus: number }[]): PropIssue[] {
  const issues: PropIssue[] = [];
  groups.forEach((g, i) => {
    if (g.phase === undefined) {
      issues.push({
        prop: `workerGroups[${i}].phase`,
        value: undefined,
        problem: 'is required in mode "disaggregated": the group would run no replicas',
        fix: 'set phase: "prefill" or "decode", or remove the group',
      });
    }
  });
  for (const phase of RAY_PHASES) {
    if (!groups.some((g) => g.phase === phase && g.gpus > 0)) {
      issues.push({
        prop: 'workerGroups',
        value: groups.map((g) => g.name),
        problem: `has no worker group with GPUs for phase "${phase}"; its replicas would never be scheduled`,
        fix: `add a worker group with phase: "${phase}" and gpus of at least ${phase}.tensorParallelSize`,
      });
    }
  }
  return issues;
}
