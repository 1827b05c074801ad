/**
 * What modelstack knows about each runtime it can deploy to. The constructs read it for
 * defaults and capability rules; the driver reads it to find CRDs and operators in a cluster.
 * One entry per runtime; nothing here is looked up over the network.
 */
export type RuntimeId = 'dynamo' | 'kuberay';
export type Engine = 'vllm' | 'sglang' | 'trtllm';

export const RUNTIME_IDS: readonly RuntimeId[] = ['dynamo', 'kuberay'];
export const ENGINES: readonly Engine[] = ['vllm', 'sglang', 'trtllm'];

/** The custom resource a runtime's models are written as. */
export interface ModelResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
}

/** How an operator's Helm chart is found; used by RuntimeOperator's GitOps objects. */
export interface OperatorChart {
  readonly repoName: string;
  readonly repoUrl: string;
  readonly chart: string;
}

export interface RuntimeInfo {
  readonly id: RuntimeId;
  readonly displayName: string;
  readonly model: ModelResource;
  /** CRDs that must be present and Established for the runtime to count as installed. */
  readonly crdNames: readonly string[];
  readonly defaultNamespace: string;
  /** Operator version the constructs pin when none is given (matches the CRDs we validate against). */
  readonly defaultOperatorVersion: string;
  /**
   * Oldest operator version that serves the model resource the constructs write; apply's
   * preflight refuses an older one.
   */
  readonly minOperatorVersion: string;
  /**
   * Label selectors that find the operator Deployment, tried in order. The version is read
   * from the `app.kubernetes.io/version` label, else from the tag of the operator image.
   */
  readonly operatorSelectors: readonly string[];
  /** Substring of the operator container image, used to pick the container the version comes from. */
  readonly operatorImageHint: string;
  readonly engines: readonly Engine[];
  readonly features: {
    readonly kvRouting: boolean;
    readonly disaggregation: boolean;
  };
  readonly chart: OperatorChart;
  /** One line telling a user how to install the operator. */
  readonly installHint: string;
}

const DYNAMO: RuntimeInfo = {
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
};

const KUBERAY: RuntimeInfo = {
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
  features: { kvRouting: false, disaggregation: false },
  chart: {
    repoName: 'kuberay',
    repoUrl: 'https://ray-project.github.io/kuberay-helm/',
    chart: 'kuberay-operator',
  },
  installHint:
    'install the KubeRay operator chart (helm install kuberay-operator kuberay/kuberay-operator -n kuberay-system), ' +
    'or declare new RuntimeOperator(stack, "kuberay", { runtime: "kuberay", install: OperatorInstall.flux() }) in your stack',
};

const REGISTRY: Readonly<Record<RuntimeId, RuntimeInfo>> = { dynamo: DYNAMO, kuberay: KUBERAY };

export function runtimeInfo(id: RuntimeId): RuntimeInfo {
  return REGISTRY[id];
}

export function allRuntimes(): readonly RuntimeInfo[] {
  return RUNTIME_IDS.map((id) => REGISTRY[id]);
}

/** The runtime whose model resource has this apiVersion group and kind, if any. */
export function runtimeForKind(group: string, kind: string): RuntimeInfo | undefined {
  return allRuntimes().find((r) => r.model.group === group && r.model.kind === kind);
}

export function isRuntimeId(value: unknown): value is RuntimeId {
  return typeof value === 'string' && (RUNTIME_IDS as readonly string[]).includes(value);
}
