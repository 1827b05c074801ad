import { ModelstackError } from '../../errors.js';
import { runtimeForKind } from '../../runtimes/registry.js';
import { apiGroup, type KubeObject, objectRef, type StackManifest } from '../../model/kube-object.js';
import type { ModelDescriptor } from '../../model/model-descriptor.js';
import type { ModelObject } from './service-draft.js';

/**
 * The model objects (DynamoGraphDeployment, RayService) of the stacks, in stack and object
 * order; every other kind is ignored. Two models of the same name (from different namespaces
 * or stacks) would share service names, so they are refused. Each carries the descriptor its
 * stack has for it (matched by apiVersion, kind, namespace and name), when there is one.
 */
export function modelObjects(stacks: readonly StackManifest[]): ModelObject[] {
  const found: ModelObject[] = [];
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    for (const object of stack.objects) {
      const runtime = runtimeForKind(apiGroup(object.apiVersion), object.kind);
      const name = object.metadata.name;
      if (!runtime || !name) continue;
      const where = `${objectRef(object)} (stack ${stack.stackName ?? stack.id})`;
      const other = seen.get(name);
      if (other) {
        throw new ModelstackError('LOCAL', `two models are named "${name}": ${other} and ${where}`, {
          hint: 'a local run names its services after the model; give the models distinct names, or run one stack at a time',
        });
      }
      seen.set(name, where);
      const descriptor = stack.models?.find((d) => describes(d, object));
      const configMaps = new Map(
        stack.objects
          .filter((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1' && (o.metadata.namespace ?? '') === (object.metadata.namespace ?? ''))
          .map((o) => [o.metadata.name ?? '', (o as { data?: Record<string, string> }).data ?? {}] as const),
      );
      found.push({ runtime: runtime.id, name, object, ...(descriptor ? { descriptor } : {}), ...(configMaps.size ? { configMaps } : {}) });
    }
  }
  return found;
}

function describes(d: ModelDescriptor, o: KubeObject): boolean {
  return d.apiVersion === o.apiVersion && d.kind === o.kind && d.name === o.metadata.name && (d.namespace || undefined) === (o.metadata.namespace || undefined);
}
