/** Environment variables global setup hands to the integration suites (jest workers inherit them). */
export const KUBECONFIG_ENV = 'MODELSTACK_TEST_KUBECONFIG';
export const UNAVAILABLE_ENV = 'MODELSTACK_TEST_CLUSTER_UNAVAILABLE';
/** Set when the shared cluster runs without the KubeRay operator (outside CI only): why. */
export const KUBERAY_UNAVAILABLE_ENV = 'MODELSTACK_TEST_KUBERAY_UNAVAILABLE';
/**
 * The namespaces the shared cluster's real KubeRay operator watches (-watch-namespace). Only
 * suites about the operator use them; every other suite's RayServices stay untouched, their
 * status played by the test, as before.
 */
export const KUBERAY_NAMESPACES = ['kuberay-real-1', 'kuberay-real-2', 'kuberay-real-3', 'kuberay-real-4'] as const;
