/** The runtimes modelstack deploys to, and the inference engines they run. */
export type RuntimeId = 'dynamo' | 'kuberay';
export type Engine = 'vllm' | 'sglang' | 'trtllm';

export const RUNTIME_IDS: readonly RuntimeId[] = ['dynamo', 'kuberay'];
export const ENGINES: readonly Engine[] = ['vllm', 'sglang', 'trtllm'];

export function isRuntimeId(value: unknown): value is RuntimeId {
  return typeof value === 'string' && (RUNTIME_IDS as readonly string[]).includes(value);
}
