import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { RUNTIME_LABEL } from '../src/model/labels.js';
import { DNS1123_FIX, isDns1123Label } from '../src/model/names.js';
import { isRuntimeId, RUNTIME_IDS, type RuntimeId, type RuntimeInfo, runtimeInfo } from '../src/runtimes/registry.js';
import type { PropIssue } from './common/issues.js';
import * as s from './common/schemas.js';
import { parseProps, reportIssues } from './common/validation.js';
import { ModelStack } from './model-stack.js';
import { OperatorInstall } from './operator-install.js';

export interface RuntimeOperatorProps {
  /** The runtime this operator runs. */
  readonly runtime: RuntimeId;
  /**
   * Namespace the operator runs in.
   * @default the runtime's usual namespace ("dynamo-system" or "kuberay-system")
   */
  readonly namespace?: string;
  /**
   * Operator (Helm chart) version, pinned.
   * @default the version modelstack's CRD bindings were generated from (Dynamo "1.4.0", KubeRay "1.7.0")
   */
  readonly version?: string;
  /**
   * How the operator is installed.
   * @default OperatorInstall.none(): declared only, installed outside this stack
   */
  readonly install?: OperatorInstall;
  /**
   * Helm values for the chart, when installed by GitOps objects.
   * @default none
   */
  readonly values?: Readonly<Record<string, unknown>>;
}

const schema = z.strictObject({
  runtime: z.enum(RUNTIME_IDS as [RuntimeId, ...RuntimeId[]]),
  namespace: s.dnsLabel.optional(),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { message: 'Fix: pin an exact chart version like "1.4.0"' })
    .optional(),
  install: z
    .custom<OperatorInstall>((v) => v instanceof OperatorInstall, {
      message: 'Fix: use OperatorInstall.none(), OperatorInstall.flux() or OperatorInstall.argoCd()',
    })
    .optional(),
  values: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A Flux duration as the HelmRepository and HelmRelease CRDs accept it for spec.interval
 * (pattern from the CRDs of Flux source-controller v1.7.0 and helm-controller v1.4.0).
 */
const FLUX_INTERVAL = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** What the GitOps CRDs would reject in the install's options, so it is reported here and not at apply. */
function installIssues(install: OperatorInstall | undefined): PropIssue[] {
  if (install?.kind === 'flux' && install.flux.interval !== undefined && !FLUX_INTERVAL.test(install.flux.interval)) {
    return [
      {
        prop: 'install',
        value: install.flux.interval,
        problem: 'is not a valid Flux interval',
        fix: 'use a Go duration of ms, s, m and h parts, like "10m" or "1h30m"',
      },
    ];
  }
  const ns = install?.kind === 'argocd' ? install.argoCd.namespace : undefined;
  if (ns !== undefined && !isDns1123Label(ns)) return [{ prop: 'install', value: ns, problem: 'is not a valid Argo CD namespace', fix: DNS1123_FIX }];
  return [];
}

/**
 * Declares a runtime as a prerequisite of the stack: the operator's namespace and pinned
 * version, and optionally the GitOps objects that install its Helm chart. Every model of the
 * runtime in the stack depends on it, so it is ordered (and applied) first.
 */
export class RuntimeOperator extends Construct {
  public readonly runtime: RuntimeId;
  public readonly namespace: string;
  public readonly version: string;
  public readonly install: OperatorInstall;

  public constructor(scope: Construct, id: string, props: RuntimeOperatorProps) {
    super(scope, id);
    const stack = ModelStack.of(this);
    const runtime = isRuntimeId(props?.runtime) ? props.runtime : 'dynamo';
    const info = runtimeInfo(runtime);
    this.runtime = runtime;
    this.namespace = props?.namespace ?? info.defaultNamespace;
    this.version = props?.version ?? info.defaultOperatorVersion;
    this.install = props?.install ?? OperatorInstall.none();

    const parsed = parseProps(schema, props);
    const issues: PropIssue[] = [...parsed.issues, ...(parsed.value ? installIssues(parsed.value.install) : [])];
    if (parsed.value && !stack.registerOperator(this)) {
      issues.push({
        prop: 'runtime',
        value: runtime,
        problem: 'already has a RuntimeOperator in this stack',
        fix: "declare each runtime's operator once per stack",
      });
    }
    reportIssues(this, issues);
    if (issues.length > 0) return;

    if (this.install.kind === 'flux') this.renderFlux(stack, info, props.values);
    if (this.install.kind === 'argocd') this.renderArgoCd(info, props.values);
  }

  private labels(): Record<string, string> {
    return { [RUNTIME_LABEL]: this.runtime };
  }

  private renderFlux(stack: ModelStack, info: RuntimeInfo, values: Readonly<Record<string, unknown>> | undefined): void {
    const interval = this.install.flux.interval ?? '10m';
    // The stack's one Namespace object, so models (or another operator) in this namespace share it.
    const ns = stack.namespaceObject(this.namespace, this.runtime, true);
    const repo = new ApiObject(this, 'HelmRepository', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: info.chart.repoName, namespace: this.namespace, labels: this.labels() },
      spec: { interval, url: info.chart.repoUrl },
    });
    const release = new ApiObject(this, 'HelmRelease', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: info.chart.chart, namespace: this.namespace, labels: this.labels() },
      spec: {
        interval,
        releaseName: info.chart.chart,
        targetNamespace: this.namespace,
        chart: {
          spec: {
            chart: info.chart.chart,
            version: this.version,
            sourceRef: { kind: 'HelmRepository', name: info.chart.repoName, namespace: this.namespace },
          },
        },
        install: { crds: 'CreateReplace' },
        upgrade: { crds: 'CreateReplace' },
        ...(values ? { values: { ...values } } : {}),
      },
    });
    if (ns) repo.node.addDependency(ns);
    release.node.addDependency(repo);
  }

  private renderArgoCd(info: RuntimeInfo, values: Readonly<Record<string, unknown>> | undefined): void {
    const opts = this.install.argoCd;
    new ApiObject(this, 'Application', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: `${this.runtime}-operator`, namespace: opts.namespace ?? 'argocd', labels: this.labels() },
      spec: {
        project: opts.project ?? 'default',
        source: {
          repoURL: info.chart.repoUrl,
          chart: info.chart.chart,
          targetRevision: this.version,
          helm: { releaseName: info.chart.chart, ...(values ? { valuesObject: { ...values } } : {}) },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: this.namespace },
        syncPolicy: {
          ...((opts.automated ?? true) ? { automated: { prune: true, selfHeal: true } } : {}),
          // The operators' CRDs exceed the client-side apply annotation limit.
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
        },
      },
    });
  }
}
