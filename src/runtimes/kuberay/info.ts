import type { RuntimeInfo } from '../runtime-info.js';

/**
 * Ray resource a worker group of a disaggregated model offers (one unit per GPU), and each engine
 * worker of that phase's replicas asks for (one unit per placement bundle), so prefill and decode
 * replicas land on their own worker groups. Only constructs write it; local runs (one Ray node)
 * drop it from the Serve config.
 */
export const RAY_PHASE_RESOURCES = { prefill: 'modelstack_prefill', decode: 'modelstack_decode' } as const;

/**
 * Ray Serve LLM facts that both the RayModel construct and `import` (reading RayServices back
 * into props) need: the default Ray version and its image, the NVIDIA accelerator types Ray Serve
 * LLM accepts as `accelerator_type`, and Ray's placement group strategies.
 */
export const DEFAULT_RAY_VERSION = '2.52.0';
/** The Ray Serve LLM image of a Ray version (the rayproject/ray-llm CUDA 12.8, Python 3.11 tag). */
export const rayLlmImage = (rayVersion: string): string => `rayproject/ray-llm:${rayVersion}-py311-cu128`;
export const RAY_ACCELERATOR_TYPES = [
  'V100',
  'P100',
  'T4',
  'P4',
  'K80',
  'A10G',
  'L4',
  'L40S',
  'A100',
  'A100-40G',
  'A100-80G',
  'H100',
  'H200',
  'H20',
  'B200',
] as const;
export const RAY_PLACEMENT_STRATEGIES = ['PACK', 'STRICT_PACK', 'SPREAD', 'STRICT_SPREAD'] as const;

/** KubeRay: models are RayServices (Ray Serve with vLLM), run by the KubeRay operator. */
export const KUBERAY: RuntimeInfo = {
  id: 'kuberay',
  displayName: 'KubeRay',
  model: { group: 'ray.io', version: 'v1', kind: 'RayService', plural: 'rayservices' },
  crdNames: ['rayservices.ray.io', 'rayclusters.ray.io'],
  defaultNamespace: 'kuberay-system',
  defaultOperatorVersion: '1.7.0',
  // ray.io/v1 RayService with serveConfigV2 is served from KubeRay 1.0.
  minOperatorVersion: '1.0.0',
  operatorSelectors: ['app.kubernetes.io/name=kuberay-operator', 'app.kubernetes.io/component=kuberay-operator'],
  operatorImageHint: 'kuberay',
  engines: ['vllm'],
  // Prefill/decode disaggregation: Ray Serve LLM's ray.serve.llm:build_pd_openai_app (vLLM with a
  // KV connector); KV-aware routing stays Dynamo's (Ray's own routers are not modelled).
  features: { kvRouting: false, disaggregation: true },
  chart: {
    repoName: 'kuberay',
    repoUrl: 'https://ray-project.github.io/kuberay-helm/',
    chart: 'kuberay-operator',
  },
  installHint:
    'install the KubeRay operator chart (helm install kuberay-operator kuberay/kuberay-operator -n kuberay-system), ' +
    'or declare new RuntimeOperator(stack, "kuberay", { runtime: "kuberay", install: OperatorInstall.flux() }) in your stack',
  // KubeRay (ray-operator/controllers/ray/utils/constant.go, v1.4.2): the Services a RayService
  // manages carry ray.io/originated-from-crd=RayService and ray.io/originated-from-cr-name=<name>;
  // of them only the head Service has the port named "metrics" (DefaultMetricsPort 8080, where
  // Ray's metrics agent serves /metrics). Pods carry neither label (their ray.io/cluster names the
  // generated RayCluster, which changes on upgrade), so a ServiceMonitor is what selects exactly
  // the model's head.
  metrics: {
    monitorKind: 'ServiceMonitor',
    monitorSelector: (model) => ({ 'ray.io/originated-from-crd': 'RayService', 'ray.io/originated-from-cr-name': model }),
    monitorEndpoints: [{ port: 'metrics', path: '/metrics' }],
    scrapeServiceSelector: (model) => ({ 'ray.io/originated-from-crd': 'RayService', 'ray.io/originated-from-cr-name': model }),
    scrapePort: { port: 'metrics', path: '/metrics' },
    source: 'ray-project/kuberay ray-operator/controllers/ray/utils/constant.go (v1.4.2)',
    // Ray's metrics agent on every node serves that node's metrics, so the engine metrics
    // (ray_vllm:*) of Serve LLM replicas on worker nodes are on the workers' metrics port, not the
    // head's. KubeRay ray-operator/controllers/ray/common/pod.go (commit dc85903b61ab)
    // DefaultWorkerPodTemplate: labelPod(WorkerNode, cluster, group) gives ray.io/node-type=worker
    // and ray.io/cluster=<RayCluster>, and the Ray container gets port "metrics" (8080) when it has
    // none. The RayCluster a RayService serves from is status.activeServiceStatus.rayClusterName.
    workerPods: {
      labelSelector: (_model, object) => {
        const cluster = (object as { status?: { activeServiceStatus?: { rayClusterName?: unknown } } } | undefined)?.status?.activeServiceStatus
          ?.rayClusterName;
        return typeof cluster === 'string' && cluster !== '' ? `ray.io/cluster=${cluster},ray.io/node-type=worker` : undefined;
      },
      port: 'metrics',
      path: '/metrics',
      expected: false,
      source:
        'ray-project/kuberay ray-operator/controllers/ray/common/pod.go (commit dc85903b61ab); Ray docs "Collecting and monitoring metrics" (a metrics agent per node)',
    },
  },
};
