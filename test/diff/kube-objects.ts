// Small Kubernetes objects for the diff tests.
import type { KubeObject } from '../../src/model/kube-object.js';

export function deployment(name: string, replicas = 1, namespace = 'llm'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
  };
}

export function configMap(name: string, data: Record<string, string>, namespace = 'llm'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function secret(name: string, values: { data?: Record<string, string>; stringData?: Record<string, string> }, namespace = 'llm'): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', ...values };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
