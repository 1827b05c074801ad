/**
 * The facts modelstack knows about a runtime: its model resource, CRDs, operator, engines and
 * features. Each runtime's facts are in src/runtimes/<id>/info.ts; registry.ts lists them.
 */
import type { Engine, RuntimeId } from '../model/ids.js';

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
  /** Where its models publish metrics (scrape objects, `modelstack metrics`). */
  readonly metrics: MetricsEndpointInfo;
}

/** A port (by its name on the pod or Service) and path that serve Prometheus text. */
export interface MetricsPort {
  readonly port: string;
  readonly path: string;
}

/**
 * Where a runtime's models publish Prometheus metrics, as its operator labels and names them:
 * what a scrape object (PodMonitor or ServiceMonitor) selects, and which Service `modelstack
 * metrics` scrapes through the API server's proxy.
 */
export interface MetricsEndpointInfo {
  /** The prometheus-operator kind that selects the model's metric endpoints. */
  readonly monitorKind: 'PodMonitor' | 'ServiceMonitor';
  /** Labels the operator puts on the model's pods (PodMonitor) or Services (ServiceMonitor). */
  monitorSelector(model: string): Readonly<Record<string, string>>;
  /** The ports of the selected pods or Services that serve metrics. */
  readonly monitorEndpoints: readonly MetricsPort[];
  /** Labels of the Service `modelstack metrics` scrapes, and its port. */
  scrapeServiceSelector(model: string): Readonly<Record<string, string>>;
  /**
   * Labels of the pods behind that Service: when no Service carries `scrapeServiceSelector` as
   * labels, the Service whose selector picks these pods is scraped.
   */
  scrapeServicePods?(model: string): Readonly<Record<string, string>>;
  readonly scrapePort: MetricsPort;
  /** Where the labels, port names and paths come from (operator source, version). */
  readonly source: string;
  /**
   * The model's engine worker pods `modelstack metrics` also scrapes (through the API server's
   * pod proxy), for the numbers only workers publish (KV cache, prefix cache); absent when the
   * runtime's Service endpoint has them all.
   */
  readonly workerPods?: WorkerPodsInfo;
}

/** How the operator labels a model's worker pods, and the container port that serves metrics. */
export interface WorkerPodsInfo {
  /**
   * The label selector of the model's worker pods, from its name and the model object as read
   * from the cluster (KubeRay: the active RayCluster in its status); undefined when the object
   * does not name them yet.
   */
  labelSelector(model: string, object: unknown): string | undefined;
  /** The container port's name. */
  readonly port: string;
  readonly path: string;
  /** Whether a Ready model always has worker pods (Dynamo), or may run on its head alone (KubeRay). */
  readonly expected: boolean;
  /** Where the labels and the port name come from (operator source, version). */
  readonly source: string;
}
