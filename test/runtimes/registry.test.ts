import { allRuntimes, ENGINES, isRuntimeId, RUNTIME_IDS, runtimeForKind, runtimeInfo } from '../../src/runtimes/registry.js';

describe('runtime registry', () => {
  test('two runtimes, three engines', () => {
    expect(RUNTIME_IDS).toEqual(['dynamo', 'kuberay']);
    expect(ENGINES).toEqual(['vllm', 'sglang', 'trtllm']);
    expect(allRuntimes().map((r) => r.id)).toEqual(['dynamo', 'kuberay']);
  });

  test('Dynamo: every engine, KV routing and disaggregation, DynamoGraphDeployment nvidia.com/v1beta1', () => {
    const d = runtimeInfo('dynamo');
    expect(d.engines).toEqual(['vllm', 'sglang', 'trtllm']);
    expect(d.features).toEqual({ kvRouting: true, disaggregation: true });
    expect(d.model).toEqual({ group: 'nvidia.com', version: 'v1beta1', kind: 'DynamoGraphDeployment', plural: 'dynamographdeployments' });
    expect(d.crdNames).toContain('dynamographdeployments.nvidia.com');
    expect(d.defaultNamespace).toBe('dynamo-system');
    expect(d.defaultOperatorVersion).toBe('1.4.0');
    expect(d.chart).toEqual({ repoName: 'ai-dynamo', repoUrl: 'https://helm.ngc.nvidia.com/nvidia/ai-dynamo', chart: 'dynamo-platform' });
  });

  test('KubeRay: vLLM only, no KV routing, prefill/decode disaggregation (Ray Serve LLM), RayService ray.io/v1', () => {
    const r = runtimeInfo('kuberay');
    expect(r.engines).toEqual(['vllm']);
    expect(r.features).toEqual({ kvRouting: false, disaggregation: true });
    expect(r.model).toEqual({ group: 'ray.io', version: 'v1', kind: 'RayService', plural: 'rayservices' });
    expect(r.crdNames).toContain('rayservices.ray.io');
    expect(r.defaultNamespace).toBe('kuberay-system');
    expect(r.defaultOperatorVersion).toBe('1.7.0');
    expect(r.chart).toEqual({ repoName: 'kuberay', repoUrl: 'https://ray-project.github.io/kuberay-helm/', chart: 'kuberay-operator' });
  });

  test('every runtime tells how to install its operator and how to find it', () => {
    for (const r of allRuntimes()) {
      expect(r.installHint).toContain(r.chart.chart);
      expect(r.installHint).toContain(`runtime: "${r.id}"`);
      expect(r.operatorSelectors.length).toBeGreaterThan(0);
      expect(r.displayName).not.toBe('');
    }
  });

  test('runtimeForKind matches group and kind', () => {
    expect(runtimeForKind('nvidia.com', 'DynamoGraphDeployment')?.id).toBe('dynamo');
    expect(runtimeForKind('ray.io', 'RayService')?.id).toBe('kuberay');
    expect(runtimeForKind('ray.io', 'RayCluster')).toBeUndefined();
    expect(runtimeForKind('nvidia.com', 'RayService')).toBeUndefined();
  });

  test('isRuntimeId', () => {
    expect(isRuntimeId('dynamo')).toBe(true);
    expect(isRuntimeId('kuberay')).toBe(true);
    expect(isRuntimeId('ray')).toBe(false);
    expect(isRuntimeId(undefined)).toBe(false);
    expect(isRuntimeId(1)).toBe(false);
  });
});
