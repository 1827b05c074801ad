import { ModelstackError } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import { allRuntimes, type RuntimeInfo } from '../runtimes/registry.js';
import { isOlder } from '../runtimes/version.js';
import { runtimeStatus, type RuntimeStatus } from '../status/runtime-status.js';
import type { KubeObject } from '../model/kube-object.js';
import { describeInstall, operatorInstalls, type OperatorInstallObject } from './operator-installs.js';

/** An operator version known to be older than the runtime's minimum (an unknown version is not refused). */
function tooOld(s: RuntimeStatus): boolean {
  const info = allRuntimes().find((r) => r.id === s.id);
  return info !== undefined && s.version !== null && isOlder(s.version, info.minOperatorVersion) === true;
}

/** Installed, healthy, and not known to be too old for the models: what apply waits for. */
export function runtimeReady(s: RuntimeStatus): boolean {
  return s.installed === true && s.healthy === true && !tooOld(s);
}

/** The runtimes whose model kinds appear among the objects. */
export function requiredRuntimes(objects: readonly KubeObject[]): RuntimeInfo[] {
  return allRuntimes().filter((r) => objects.some((o) => o.kind === r.model.kind && o.apiVersion.startsWith(`${r.model.group}/`)));
}

/** A runtime the models need that is not ready yet, but that this apply installs. */
export interface RuntimeToInstall {
  readonly info: RuntimeInfo;
  /** The runtime as preflight found it. */
  readonly status: RuntimeStatus;
  /** The stack's objects that install it (HelmRelease, Application, CRDs, operator Deployment). */
  readonly installs: readonly OperatorInstallObject[];
}

export interface PreflightResult {
  readonly checked: readonly RuntimeStatus[];
  /**
   * Runtimes the models need that are not installed or not healthy yet, which this apply
   * installs itself: apply applies their installs first and waits for them before the models.
   */
  readonly toInstall: readonly RuntimeToInstall[];
}

type Finding =
  | { readonly kind: 'not-ready' | 'cannot-check'; readonly status: RuntimeStatus }
  | { readonly kind: 'pinned-too-old' | 'installer-missing'; readonly status: RuntimeStatus; readonly install: OperatorInstallObject };

/**
 * Refuses, before anything is written, when a runtime that a model needs is not installed
 * and healthy (or runs an operator older than the one that serves the model's kind) and this
 * apply does not install it, naming the runtime, what is missing and how to install it. A
 * runtime the stack installs (a Flux HelmRelease or Argo CD Application of its chart, or its
 * CRDs and operator Deployment) is not refused for being absent: it is returned in `toInstall`
 * for apply to wait for, unless the stack pins an operator version too old for the models.
 * A runtime whose state the caller may not read (403) is refused as "cannot be checked",
 * naming the permission it lacks: it may well be installed, and apply could not wait for it.
 */
export async function preflight(kube: KubeApi, objects: readonly KubeObject[]): Promise<PreflightResult> {
  const needed = requiredRuntimes(objects);
  if (needed.length === 0) return { checked: [], toInstall: [] };
  const installs = operatorInstalls(objects);
  const statuses = await runtimeStatus(kube);
  const checked = statuses.filter((s) => needed.some((r) => r.id === s.id));
  // A missing CRD says "not installed" whatever else could not be read.
  const unchecked = (s: RuntimeStatus): boolean => s.installed === null || (s.installed && s.healthy === null);
  const findings: Finding[] = [];
  const toInstall: RuntimeToInstall[] = [];
  for (const s of checked) {
    const info = needed.find((r) => r.id === s.id)!;
    const mine = installs.filter((i) => i.runtime === s.id);
    const oldPin = mine.find((i) => i.version !== undefined && isOlder(i.version, info.minOperatorVersion) === true);
    if (oldPin) findings.push({ kind: 'pinned-too-old', status: s, install: oldPin });
    else if (runtimeReady(s)) continue;
    else if (unchecked(s)) findings.push({ kind: 'cannot-check', status: s });
    else if (mine.length > 0) {
      // A HelmRelease or Application does nothing where Flux or Argo CD is not installed.
      const unserved = await unservedInstall(kube, mine);
      if (unserved) findings.push({ kind: 'installer-missing', status: s, install: unserved });
      else toInstall.push({ info, status: s, installs: mine });
    } else findings.push({ kind: 'not-ready', status: s });
  }
  if (findings.length > 0) throw refusal(findings, needed, installs);
  return { checked, toInstall };
}

/** The first GitOps install object whose kind the cluster does not serve (Flux or Argo CD not installed). */
async function unservedInstall(kube: KubeApi, installs: readonly OperatorInstallObject[]): Promise<OperatorInstallObject | undefined> {
  for (const i of installs.filter((x) => x.installer !== 'manifests')) {
    if (!(await kube.resourceFor(i.object.apiVersion, i.object.kind))) return i;
  }
  return undefined;
}

function refusal(findings: readonly Finding[], needed: readonly RuntimeInfo[], installs: readonly OperatorInstallObject[]): ModelstackError {
  const details = findings.flatMap((f) => {
    const s = f.status;
    const info = needed.find((r) => r.id === s.id)!;
    if (f.kind === 'installer-missing') {
      const tool = f.install.installer === 'flux' ? 'Flux' : 'Argo CD';
      return [
        `${info.displayName} (${info.id}) ${s.installed ? 'is not healthy' : 'is not installed'}, and this stack installs it with ${describeInstall(f.install)}, but the cluster does not serve ${f.install.object.apiVersion} ${f.install.object.kind}: ${tool} is not installed in this cluster`,
        `  to install: install ${tool} in the cluster first, or ${info.installHint.replace(/, or declare .*$/, '')} and use OperatorInstall.none()`,
      ];
    }
    if (f.kind === 'pinned-too-old') {
      return [
        `${info.displayName} (${info.id}): this stack installs operator ${f.install.version} (${describeInstall(f.install)}), older than ${info.minOperatorVersion}, the oldest that serves ${info.model.kind} ${info.model.group}/${info.model.version}`,
        `  to fix: pin version "${info.minOperatorVersion}" or newer in the stack's RuntimeOperator (default "${info.defaultOperatorVersion}")`,
      ];
    }
    if (f.kind === 'cannot-check') {
      const missing = s.forbidden;
      return [
        `${info.displayName} (${info.id}) cannot be checked: ${s.message}`,
        ...(missing ? [`  to check it: ask for RBAC permission to ${missing.permission}${missing.user ? ` for user "${missing.user}"` : ''}`] : []),
      ];
    }
    if (s.installed === true && s.healthy === true) {
      return [
        `${info.displayName} (${info.id}) operator ${s.version} is older than ${info.minOperatorVersion}, the oldest that serves ${info.model.kind} ${info.model.group}/${info.model.version}`,
        `  to upgrade: ${info.installHint}`,
      ];
    }
    const what = s.installed ? 'is installed but not healthy' : 'is not installed';
    // When the stack installs other runtimes, say that this one is not among them.
    const others = [...new Set(installs.map((i) => i.runtime))];
    return [
      `${info.displayName} (${info.id}) ${what}: ${s.message}`,
      ...(others.length > 0 ? [`  this stack installs the operator of ${others.join(', ')} only, not of ${info.id}`] : []),
      `  to install: ${info.installHint}`,
    ];
  });
  const ids = (kind: Finding['kind']): string[] => findings.filter((f) => f.kind === kind).map((f) => f.status.id);
  const notReady = ids('not-ready');
  const cannotCheck = ids('cannot-check');
  const pinned = ids('pinned-too-old');
  const noInstaller = ids('installer-missing');
  const what = [
    ...(notReady.length > 0 ? [`${notReady.join(', ')} not ready`] : []),
    ...(pinned.length > 0 ? [`${pinned.join(', ')} would be installed too old`] : []),
    ...(noInstaller.length > 0 ? [`${noInstaller.join(', ')} cannot be installed by this cluster`] : []),
    ...(cannotCheck.length > 0 ? [`${cannotCheck.join(', ')} cannot be checked`] : []),
  ];
  const todo = [
    ...(notReady.length > 0 ? ['install the runtime(s) named above'] : []),
    ...(pinned.length > 0 ? ['pin a newer operator version'] : []),
    ...(noInstaller.length > 0 ? ['install the GitOps tool named above'] : []),
    ...(cannotCheck.length > 0 ? ['get the permissions named above (kubectl auth can-i shows what you may do)'] : []),
  ];
  return new ModelstackError('PREFLIGHT', `preflight failed: ${what.join('; ')} for the models of this stack; nothing was written`, {
    details,
    hint: `${todo.join(' and ')}, or pass --skip-preflight to apply anyway`,
    exitCode: 2,
  });
}
