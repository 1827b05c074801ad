import { capabilityIssues } from '../../../constructs/common/capabilities.js';

describe('capabilityIssues', () => {
  test('Dynamo can do everything', () => {
    for (const engine of ['vllm', 'sglang', 'trtllm'] as const) {
      expect(capabilityIssues('dynamo', { engine, router: 'kv', mode: 'disaggregated' })).toEqual([]);
    }
  });

  test('KubeRay: vLLM and round-robin only, aggregated or disaggregated', () => {
    expect(capabilityIssues('kuberay', { engine: 'vllm', router: 'round-robin', mode: 'aggregated' })).toEqual([]);
    expect(capabilityIssues('kuberay', { engine: 'vllm', mode: 'disaggregated' })).toEqual([]);
    expect(capabilityIssues('kuberay', {})).toEqual([]);
    expect(capabilityIssues('kuberay', { engine: 'sglang', router: 'kv' })).toEqual([
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
    ]);
    expect(capabilityIssues('kuberay', { engine: 'trtllm', mode: 'disaggregated' })).toEqual([
      {
        prop: 'engine',
        value: 'trtllm',
        problem: 'is not served by runtime "kuberay" (KubeRay serves vllm only, aggregated or disaggregated)',
        fix: 'use engine: "vllm", or runtime: "dynamo"',
      },
    ]);
  });
});
