import type { Engine } from '../model/ids.js';
import type { InferenceEngine } from './engine.js';
import { sglang } from './sglang.js';
import { trtllm } from './trtllm.js';
import { vllm } from './vllm.js';

const ENGINE_IMPLS: Readonly<Record<Engine, InferenceEngine>> = { vllm, sglang, trtllm };

/** The inference engine `id` (one file per engine in this folder). */
export function engineFor(id: Engine): InferenceEngine {
  return ENGINE_IMPLS[id];
}
