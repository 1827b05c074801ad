import type { RuntimeInfo } from '../runtime-info.js';

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
