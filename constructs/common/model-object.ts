import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { RUNTIME_LABEL } from '../../src/model/labels.js';
import { type RuntimeId, runtimeInfo } from '../../src/runtimes/registry.js';
import type { ModelStack } from '../model-stack.js';

export interface ModelObjectProps {
  readonly runtime: RuntimeId;
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The custom resource's spec, typed by the construct through the generated CRD types (imports/). */
  readonly spec: object;
}

/**
 * The one custom resource a model renders (its runtime's model kind), labelled with the
 * runtime and ordered after the Namespace object the stack creates for it.
 */
export function renderModelObject(scope: Construct, stack: ModelStack, p: ModelObjectProps): ApiObject {
  const kind = runtimeInfo(p.runtime).model;
  const obj = new ApiObject(scope, 'Resource', {
    apiVersion: `${kind.group}/${kind.version}`,
    kind: kind.kind,
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { ...p.labels, [RUNTIME_LABEL]: p.runtime },
      ...(p.annotations ? { annotations: { ...p.annotations } } : {}),
    },
    spec: p.spec,
  });
  const ns = stack.namespaceObject(p.namespace, p.runtime);
  if (ns) scope.node.addDependency(ns);
  return obj;
}
