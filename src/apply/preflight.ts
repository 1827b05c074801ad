import { ModelstackError } from '../errors.js';
import type { KubeApi } from '../kube/kube-api.js';
import { allRuntimes, type RuntimeInfo } from '../runtimes/registry.js';
import { isOlder } from '../runtimes/version.js';
import { runtimeStatus, type RuntimeStatus } from '../status/runtime-status.js';
import type { KubeObject } from '../model/kube-object.js';

/** An operator version known to be older than the runtime's minimum (an unknown version is not refused). */
function tooOld(s: RuntimeStatus): boolean {
  const info = allRuntimes().find((r) => r.id === s.id);
  return info !== undefined && s.version !== null && isOlder(s.version, info.minOperatorVersion) === true;
}

/** The runtimes whose model kinds appear among the objects. */
export function requiredRuntimes(objects: readonly KubeObject[]): RuntimeInfo[] {
  return allRuntimes().filter((r) => objects.some((o) => o.kind === r.model.kind && o.apiVersion.startsWith(`${r.model.group}/`)));
}

export interface PreflightResult {
  readonly checked: readonly RuntimeStatus[];
}

/**
 * Refuses, before anything is written, when a runtime that a model needs is not installed
 * and healthy, or runs an operator older than the one that serves the model's kind, naming
 * the runtime, what is missing and how to install it. A runtime whose state the caller may
 * not read (403) is refused as "cannot be checked", naming the permission it lacks: it may
 * well be installed, so installing it is not what to do.
 */
export async function preflight(kube: KubeApi, objects: readonly KubeObject[]): Promise<PreflightResult> {
  const needed = requiredRuntimes(objects);
  if (needed.length === 0) return { checked: [] };
  const statuses = await runtimeStatus(kube);
  const checked = statuses.filter((s) => needed.some((r) => r.id === s.id));
  const failing = checked.filter((s) => s.installed !== true || s.healthy !== true || tooOld(s));
  if (failing.length > 0) {
    // A missing CRD says "not installed" whatever else could not be read.
    const unchecked = (s: RuntimeStatus): boolean => s.installed === null || (s.installed && s.healthy === null);
    const details = failing.flatMap((s) => {
      const info = needed.find((r) => r.id === s.id)!;
      if (unchecked(s)) {
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
      return [`${info.displayName} (${info.id}) ${what}: ${s.message}`, `  to install: ${info.installHint}`];
    });
    const notReady = failing.filter((s) => !unchecked(s)).map((s) => s.id);
    const cannotCheck = failing.filter(unchecked).map((s) => s.id);
    const what = [
      ...(notReady.length > 0 ? [`${notReady.join(', ')} not ready`] : []),
      ...(cannotCheck.length > 0 ? [`${cannotCheck.join(', ')} cannot be checked`] : []),
    ];
    const todo = [
      ...(notReady.length > 0 ? ['install the runtime(s) named above'] : []),
      ...(cannotCheck.length > 0 ? ['get the permissions named above (kubectl auth can-i shows what you may do)'] : []),
    ];
    throw new ModelstackError('PREFLIGHT', `preflight failed: ${what.join('; ')} for the models of this stack; nothing was written`, {
      details,
      hint: `${todo.join(' and ')}, or pass --skip-preflight to apply anyway`,
      exitCode: 2,
    });
  }
  return { checked };
}
