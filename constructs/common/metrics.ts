import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { PodMonitorSpec } from '../../imports/monitoring.coreos.com-podmonitor.js';
import type { ServiceMonitorSpec } from '../../imports/monitoring.coreos.com-servicemonitor.js';
import { RUNTIME_LABEL } from '../../src/model/labels.js';
import { type RuntimeId, runtimeInfo } from '../../src/runtimes/registry.js';
import type { PropIssue } from './issues.js';

/**
 * Scrape objects for a model: prometheus-operator (monitoring.coreos.com/v1) objects selecting
 * exactly the model's metric endpoints, with the ports and paths its runtime's operator gives them
 * (RuntimeInfo.metrics). Dynamo labels the pods of a graph, so a PodMonitor selects its frontend
 * ("http") and workers ("system"); KubeRay labels only the Services of a RayService, so a
 * ServiceMonitor selects its head Service's "metrics" port.
 */
export interface ModelMetricsProps {
  /** Render a PodMonitor (Dynamo). @default false */
  readonly podMonitor?: boolean;
  /** Render a ServiceMonitor (KubeRay). @default false */
  readonly serviceMonitor?: boolean;
  /** Scrape interval, e.g. "30s". @default the Prometheus' own (scrapeInterval) */
  readonly interval?: string;
  /**
   * Extra labels on the scrape object, e.g. the one your Prometheus selects monitors by
   * (kube-prometheus-stack: `release: <its release name>`). @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The prometheus-operator duration syntax (e.g. "30s", "1m30s"), as the CRD's pattern. */
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

export const metricsSchema = z.strictObject({
  podMonitor: z.boolean().optional(),
  serviceMonitor: z.boolean().optional(),
  interval: z.string().regex(DURATION, { message: 'is not a duration. Fix: use a duration like "30s" or "1m"' }).optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/** A scrape object kind the runtime's models cannot be selected by is a problem naming the one that fits. */
export function metricsIssues(runtime: RuntimeId, metrics: ModelMetricsProps | undefined): PropIssue[] {
  if (!metrics) return [];
  const info = runtimeInfo(runtime);
  const fits = info.metrics.monitorKind;
  const issues: PropIssue[] = [];
  if (metrics.podMonitor && fits !== 'PodMonitor') {
    issues.push({
      prop: 'metrics.podMonitor',
      value: true,
      problem: `cannot select ${info.displayName} models: the operator labels a ${info.model.kind}'s Services, not its pods`,
      fix: 'use metrics: { serviceMonitor: true }',
    });
  }
  if (metrics.serviceMonitor && fits !== 'ServiceMonitor') {
    issues.push({
      prop: 'metrics.serviceMonitor',
      value: true,
      problem: `cannot select every ${info.displayName} metric endpoint: workers publish theirs on a pod port no Service exposes`,
      fix: 'use metrics: { podMonitor: true }',
    });
  }
  return issues;
}

/**
 * The scrape object the props ask for (none when they ask for none), named after the model, in
 * its namespace, labelled with its runtime (the stack adds its own labels to every object).
 */
export function renderMetricsMonitor(
  scope: Construct,
  p: { readonly runtime: RuntimeId; readonly name: string; readonly namespace: string; readonly metrics?: ModelMetricsProps },
): ApiObject | undefined {
  const m = p.metrics;
  const info = runtimeInfo(p.runtime).metrics;
  const wanted = info.monitorKind === 'PodMonitor' ? m?.podMonitor : m?.serviceMonitor;
  if (!m || !wanted) return undefined;
  const endpoints = info.monitorEndpoints.map((e) => ({ port: e.port, path: e.path, ...(m.interval ? { interval: m.interval } : {}) }));
  const common = {
    selector: { matchLabels: { ...info.monitorSelector(p.name) } },
    namespaceSelector: { matchNames: [p.namespace] },
  };
  const spec: PodMonitorSpec | ServiceMonitorSpec =
    info.monitorKind === 'PodMonitor'
      ? ({ ...common, podMetricsEndpoints: endpoints } satisfies PodMonitorSpec)
      : ({ ...common, endpoints } satisfies ServiceMonitorSpec);
  return new ApiObject(scope, 'Metrics', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: info.monitorKind,
    metadata: { name: p.name, namespace: p.namespace, labels: { ...m.labels, [RUNTIME_LABEL]: p.runtime } },
    spec,
  });
}
