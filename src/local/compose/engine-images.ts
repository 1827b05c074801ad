import type { Engine } from '../../runtimes/registry.js';

/**
 * Pinned images of the plain engine servers (flavor "engine"). The versions are the backend
 * versions Dynamo 1.3.x is tested with, so a model behaves the same in both flavors.
 */
export const ENGINE_IMAGES: Readonly<Record<Engine, string>> = {
  vllm: 'vllm/vllm-openai:v0.23.0',
  sglang: 'lmsysorg/sglang:v0.5.14',
  trtllm: 'nvcr.io/nvidia/tensorrt-llm/release:1.3.0rc19',
};

/** Port each engine server listens on inside its container. */
export const ENGINE_PORTS: Readonly<Record<Engine, number>> = {
  vllm: 8000,
  sglang: 30000,
  trtllm: 8000,
};

/** Readiness path of each engine's OpenAI server (vLLM, SGLang and trtllm-serve all serve GET /health). */
export const ENGINE_HEALTH_PATH = '/health';
