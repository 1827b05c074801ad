import type { RuntimeInfo } from '../runtime-info.js';

/** NVIDIA Dynamo: models are DynamoGraphDeployments, run by the Dynamo platform's operator. */
export const DYNAMO: RuntimeInfo = {
  id: 'dynamo',
  displayName: 'NVIDIA Dynamo',
  model: { group: 'nvidia.com', version: 'v1beta1', kind: 'DynamoGraphDeployment', plural: 'dynamographdeployments' },
  crdNames: ['dynamographdeployments.nvidia.com', 'dynamocomponentdeployments.nvidia.com'],
  defaultNamespace: 'dynamo-system',
  defaultOperatorVersion: '1.4.0',
  // The v1beta1 DynamoGraphDeployment (components list) is what the 1.4.0 operator serves and stores.
  minOperatorVersion: '1.4.0',
  operatorSelectors: ['app.kubernetes.io/name=dynamo-operator', 'control-plane=controller-manager'],
  operatorImageHint: 'operator',
  engines: ['vllm', 'sglang', 'trtllm'],
  features: { kvRouting: true, disaggregation: true },
  chart: {
    repoName: 'ai-dynamo',
    repoUrl: 'https://helm.ngc.nvidia.com/nvidia/ai-dynamo',
    chart: 'dynamo-platform',
  },
  installHint:
    'install the Dynamo platform chart (helm install dynamo-platform ai-dynamo/dynamo-platform -n dynamo-system), ' +
    'or declare new RuntimeOperator(stack, "dynamo", { runtime: "dynamo", install: OperatorInstall.flux() }) in your stack',
  // Labels, port names and paths: the Dynamo operator's constants (ai-dynamo/dynamo
  // deploy/operator/internal/consts/consts.go: KubeLabelDynamoGraphDeploymentName,
  // KubeLabelDynamoComponentType, KubeLabelMetricsEnabled, DynamoContainerPortName "http" on the
  // frontend, DynamoSystemPortName "system" on workers) and docs/observability/metrics.md (both
  // serve /metrics). The operator sets nvidia.com/metrics-enabled=true on a component's pods unless
  // the nvidia.com/enable-metrics annotation is "false".
  metrics: {
    monitorKind: 'PodMonitor',
    monitorSelector: (model) => ({ 'nvidia.com/dynamo-graph-deployment-name': model, 'nvidia.com/metrics-enabled': 'true' }),
    monitorEndpoints: [
      { port: 'http', path: '/metrics' },
      { port: 'system', path: '/metrics' },
    ],
    scrapeServiceSelector: (model) => ({ 'nvidia.com/dynamo-graph-deployment-name': model, 'nvidia.com/dynamo-component-type': 'frontend' }),
    scrapePort: { port: 'http', path: '/metrics' },
    source: 'ai-dynamo/dynamo deploy/operator/internal/consts/consts.go (operator 1.x)',
  },
};
