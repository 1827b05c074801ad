import type { ModelDraft, ModelObject, ServiceDraft } from '../../local/compose/service-draft.js';
import { vllm } from '../../engines/vllm.js';

/**
 * vLLM's CPU build as published by the vLLM project for x86_64 (vLLM docs, "Using Docker" and
 * the CPU installation page; the release script copies the same image to
 * vllm/vllm-openai-cpu), at the vLLM version of the engine flavor's GPU server image.
 */
export const VLLM_CPU_IMAGE = `public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:${vllm.serverImage.split(':')[1]}`;
/** A model small enough for a CPU (vLLM docs use it in their Docker examples). */
export const CPU_MODEL = 'Qwen/Qwen3-0.6B';

/**
 * The `cpu` profile of a Ray Serve LLM model: there is no published image with both Ray Serve
 * LLM and vLLM's CPU build, so the model's service runs vLLM's own OpenAI server from the CPU
 * image with a small model, under the same service name and served model name, on the same
 * port; readiness is vLLM's GET /health. The OpenAI API a client calls is the same.
 */
export function rayCpuServices(m: ModelObject, draft: ModelDraft): ModelDraft {
  const served = m.descriptor?.servedModelName ?? m.name;
  const services = draft.services.map((s): ServiceDraft => {
    if (s.role !== 'ray') return s;
    const port = s.health?.port ?? vllm.serverPort;
    const { configs: _configs, ...rest } = s;
    return {
      ...rest,
      image: VLLM_CPU_IMAGE,
      entrypoint: ['vllm', 'serve'],
      command: [CPU_MODEL, '--served-model-name', served, '--host', '0.0.0.0', '--port', String(port)],
      gpus: 0,
      engine: false,
      health: { port, path: vllm.serverHealthPath, probe: 'status', startup: 'model' },
    };
  });
  const { configs: _unused, ...rest } = draft;
  const note = `${m.name}: cpu profile: Ray is not run; vLLM's CPU build (${VLLM_CPU_IMAGE}) serves ${CPU_MODEL} as "${served}" instead of ${m.descriptor?.model ?? 'the model'}`;
  return { ...rest, services, notes: [...(draft.notes ?? []), note] };
}
