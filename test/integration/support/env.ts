/** Environment variables global setup hands to the integration suites (jest workers inherit them). */
export const KUBECONFIG_ENV = 'MODELSTACK_TEST_KUBECONFIG';
export const UNAVAILABLE_ENV = 'MODELSTACK_TEST_CLUSTER_UNAVAILABLE';
