import type { RuntimeInfo } from '../runtime-info.js';

/** The volume DynamoModel mounts a role's TensorRT-LLM engine config from (read back by `import`). */
export const ENGINE_CONFIG_VOLUME = 'modelstack-engine-config';

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
    // The operator's Grove path labels a component's Service with the graph's and the pod
    // template's labels (internal/dynamo/graph.go GetDGDComponentResourceLabels, commit
    // 0367e404b084), these two being in its selector; the pods always carry them.
    scrapeServicePods: (model) => ({ 'nvidia.com/dynamo-graph-deployment-name': model, 'nvidia.com/dynamo-component-type': 'frontend' }),
    scrapePort: { port: 'http', path: '/metrics' },
    source: 'ai-dynamo/dynamo deploy/operator/internal/consts/consts.go (operator 1.x)',
    // Checked against ai-dynamo/dynamo at commit 0367e404b084: consts.go (the label keys,
    // DynamoServicePortName/DynamoContainerPortName "http", DynamoSystemPortName "system" = 9090,
    // ComponentType* "frontend", "worker", "prefill", "decode", "planner"); internal/dynamo/graph.go
    // generateLabels (component labels: nvidia.com/dynamo-graph-deployment-name, -component-type)
    // and GenerateComponentService (frontend Service: port "http" -> container port "http", the
    // component's labels); the DCD controller's pod template (nvidia.com/metrics-enabled=true
    // unless the nvidia.com/enable-metrics annotation is "false"); internal/dynamo/component_worker.go
    // (worker containers: port "system"). Worker pods: component type worker, or prefill/decode
    // for disaggregated v1beta1 workers. Metrics on the system port: docs/observability/metrics.md.
    workerPods: {
      labelSelector: (model) => `nvidia.com/dynamo-graph-deployment-name=${model},nvidia.com/dynamo-component-type in (worker,prefill,decode)`,
      port: 'system',
      path: '/metrics',
      expected: true,
      source:
        'ai-dynamo/dynamo deploy/operator (commit 0367e404b084): internal/consts/consts.go, internal/dynamo/graph.go, internal/dynamo/component_worker.go',
    },
  },
};
