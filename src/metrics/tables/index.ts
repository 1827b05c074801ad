/**
 * Which concept tables apply to a model, by runtime and engine: the runtime's own metrics first,
 * then the engine's. For each concept the first entry whose metric the scraped text has is used.
 */
import type { ConceptTable } from '../concepts.js';
import { DYNAMO_COMPONENT, DYNAMO_FRONTEND } from './dynamo.js';
import { RAY_SERVE } from './ray-serve.js';
import { SGLANG } from './sglang.js';
import { TRTLLM } from './trtllm.js';
import { RAY_SERVE_LLM_VLLM, VLLM } from './vllm.js';

export { DYNAMO_COMPONENT, DYNAMO_FRONTEND, RAY_SERVE, RAY_SERVE_LLM_VLLM, SGLANG, TRTLLM, VLLM };

const ENGINE_TABLES: Readonly<Record<string, ConceptTable>> = { vllm: VLLM, sglang: SGLANG, trtllm: TRTLLM };

/** The tables for a model of `runtime` running `engine` (undefined: every engine's, in vllm, sglang, trtllm order). */
export function conceptTables(runtime: 'dynamo' | 'kuberay', engine?: string): ConceptTable[] {
  if (runtime === 'kuberay') return [RAY_SERVE, RAY_SERVE_LLM_VLLM];
  const engines = engine && ENGINE_TABLES[engine] ? [ENGINE_TABLES[engine]] : Object.values(ENGINE_TABLES);
  return [DYNAMO_FRONTEND, DYNAMO_COMPONENT, ...engines];
}
