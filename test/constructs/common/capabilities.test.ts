import { capabilityIssues } from '../../../constructs/common/capabilities.js';

describe('capabilityIssues', () => {
  test('Dynamo can do everything', () => {
    for (const engine of ['vllm', 'sglang', 'trtllm'] as const) {
      expect(capabilityIssues('dynamo', { engine, router: 'kv', mode: 'disaggregated' })).toEqual([]);
    }
  });

  test('KubeRay: vLLM, round-robin and aggregated only', () => {
    expect(capabilityIssues('kuberay', { engine: 'vllm', router: 'round-robin', mode: 'aggregated' })).toEqual([]);
    expect(capabilityIssues('kuberay', {})).toEqual([]);
    expect(capabilityIssues('kuberay', { engine: 'sglang', router: 'kv', mode: 'disaggregated' })).toEqual([
      {
        prop: 'engine',
        value: 'sglang',
        problem: 'is not served by runtime "kuberay" (KubeRay serves vllm only)',
        fix: 'use engine: "vllm", or runtime: "dynamo"',
      },
      {
        prop: 'router',
        value: 'kv',
        problem: 'is not available on runtime "kuberay" (KV-aware routing is Dynamo-only)',
        fix: 'remove router (round-robin is used), or set runtime: "dynamo"',
      },
      {
        prop: 'mode',
        value: 'disaggregated',
        problem: 'is not available on runtime "kuberay" (prefill/decode disaggregation is Dynamo-only)',
        fix: 'use mode: "aggregated", or set runtime: "dynamo"',
      },
    ]);
  });
});
