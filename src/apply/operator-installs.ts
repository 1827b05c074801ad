import { RUNTIME_LABEL } from '../model/labels.js';
import { apiGroup, objectRef, type KubeObject } from '../model/kube-object.js';
import { allRuntimes, type RuntimeId, type RuntimeInfo } from '../runtimes/registry.js';

/**
 * How an object of the stack installs a runtime's operator:
 * - `flux`: a Flux HelmRelease (helm.toolkit.fluxcd.io) of the runtime's chart; Flux's
 *   helm-controller installs the chart (CRDs and operator Deployment) once it is applied;
 * - `argocd`: an Argo CD Application (argoproj.io) of the runtime's chart; Argo CD syncs it;
 * - `manifests`: the runtime's CRDs or operator Deployment, rendered into the stack itself.
 */
export type Installer = 'flux' | 'argocd' | 'manifests';

export interface OperatorInstallObject {
  readonly runtime: RuntimeId;
  readonly installer: Installer;
  readonly object: KubeObject;
  /** The chart version the object pins (HelmRelease chart version, Application targetRevision), if any. */
  readonly version?: string;
}

const FLUX_HELM_GROUP = 'helm.toolkit.fluxcd.io';
const ARGOCD_GROUP = 'argoproj.io';

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject): Spec => ((o as { spec?: unknown }).spec ?? {}) as Spec;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The chart and version a Flux HelmRelease installs (spec.chart.spec; a chartRef names no chart). */
function fluxChart(o: KubeObject): { chart?: string; version?: string } {
  const spec = ((specOf(o).chart as Spec | undefined)?.spec ?? {}) as Spec;
  return { chart: str(spec.chart), version: str(spec.version) };
}

/** The chart and version an Argo CD Application installs (spec.source, or any of spec.sources). */
function argoChart(o: KubeObject, chartName: string): { chart?: string; version?: string } {
  const spec = specOf(o);
  const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])].filter((s): s is Spec => typeof s === 'object' && s !== null);
  const source = sources.find((s) => s.chart === chartName) ?? sources[0];
  return { chart: str(source?.chart), version: str(source?.targetRevision) };
}

/** Whether `labels` satisfy a `k=v,k2=v2` selector (the registry's operator selectors). */
function matches(labels: Readonly<Record<string, string>> | undefined, selector: string): boolean {
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k !== undefined && v !== undefined && labels?.[k.trim()] === v.trim();
  });
}

/** What, if anything, `o` installs of runtime `info`. */
function installOf(o: KubeObject, info: RuntimeInfo): OperatorInstallObject | undefined {
  const group = apiGroup(o.apiVersion);
  const labelled = o.metadata.labels?.[RUNTIME_LABEL] === info.id;
  if (group === FLUX_HELM_GROUP && o.kind === 'HelmRelease') {
    const { chart, version } = fluxChart(o);
    if (chart === info.chart.chart || labelled) return { runtime: info.id, installer: 'flux', object: o, ...(version ? { version } : {}) };
  }
  if (group === ARGOCD_GROUP && o.kind === 'Application') {
    const { chart, version } = argoChart(o, info.chart.chart);
    if (chart === info.chart.chart || labelled) return { runtime: info.id, installer: 'argocd', object: o, ...(version ? { version } : {}) };
  }
  if (group === 'apiextensions.k8s.io' && o.kind === 'CustomResourceDefinition' && info.crdNames.includes(o.metadata.name ?? '')) {
    return { runtime: info.id, installer: 'manifests', object: o };
  }
  if (group === 'apps' && o.kind === 'Deployment' && info.operatorSelectors.some((s) => matches(o.metadata.labels, s))) {
    return { runtime: info.id, installer: 'manifests', object: o };
  }
  return undefined;
}

/**
 * The objects among `objects` that install a runtime's operator: a Flux HelmRelease or Argo CD
 * Application of the runtime's chart (by chart name, or by the `modelstack.io/runtime` label
 * RuntimeOperator writes), or the runtime's own CRDs or operator Deployment. A RuntimeOperator
 * with OperatorInstall.none() renders none of these: the stack does not install that runtime.
 */
export function operatorInstalls(objects: readonly KubeObject[]): OperatorInstallObject[] {
  return objects.flatMap((o) => allRuntimes().flatMap((info) => installOf(o, info) ?? []));
}

/** The installs of one runtime among `objects`. */
export function installsOf(objects: readonly KubeObject[], runtime: RuntimeId): OperatorInstallObject[] {
  return operatorInstalls(objects).filter((i) => i.runtime === runtime);
}

/** "Flux HelmRelease dynamo-system/dynamo-platform", "Argo CD Application argocd/dynamo-operator", "the stack's CRD ...". */
export function describeInstall(i: OperatorInstallObject): string {
  const ref = objectRef(i.object);
  if (i.installer === 'flux') return `Flux ${ref}`;
  if (i.installer === 'argocd') return `Argo CD ${ref}`;
  return `the stack's ${ref}`;
}

/**
 * Objects that can only be applied once a runtime is installed: those in the API groups of the
 * runtime's CRDs (its models, and any other kind of the runtime such as a RayCluster), but not
 * the CRDs themselves.
 */
export function dependsOnRuntime(o: KubeObject, info: RuntimeInfo): boolean {
  const groups = new Set(info.crdNames.map((n) => n.slice(n.indexOf('.') + 1)));
  return o.kind !== 'CustomResourceDefinition' && groups.has(apiGroup(o.apiVersion));
}
