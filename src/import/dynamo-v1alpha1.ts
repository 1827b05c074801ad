import type { KubeObject } from '../model/kube-object.js';

/**
 * DynamoGraphDeployment nvidia.com/v1alpha1 -> v1beta1, for the fields both versions can hold.
 *
 * The differences, from the DGD CRD (Dynamo 1.4.0, ../shared/crds/dynamo/
 * nvidia.com_dynamographdeployments.yaml: both versions served, v1beta1 stored, conversion by
 * the operator's webhook) and the operator's conversion code (ai-dynamo/dynamo
 * deploy/operator/api/v1alpha1/shared_spec_conversion.go and dynamographdeployment_conversion.go):
 * - spec.services (a map by name) becomes spec.components (a list; the map key is `name`);
 * - spec.envs becomes spec.env;
 * - componentType "worker" with subComponentType "prefill"/"decode" becomes type "prefill"/"decode";
 * - the ten flat pod fields of a service (extraPodSpec with mainContainer, extraPodMetadata,
 *   envs, envFromSecret, resources, livenessProbe, readinessProbe) become one podTemplate whose
 *   container "main" carries the main container's fields;
 * - resources.{requests,limits}.gpu becomes the `gpuType` resource, "nvidia.com/gpu" by default;
 * - sharedMemory {disabled, size} becomes sharedMemorySize ("0" when disabled);
 * - the volumeMount marked useAsCompilationCache becomes compilationCache {pvcName, mountPath};
 * - scalingAdapter {enabled: true} becomes scalingAdapter {} (absent when not enabled).
 * Fields v1beta1 has no place for (the operator keeps them in conversion annotations, which a
 * stack cannot write) are reported, never dropped silently.
 */
export interface Converted {
  readonly object: KubeObject;
  /** Fields with no v1beta1 equivalent, as `spec.services.<name>.<field>` paths. */
  readonly notConverted: readonly string[];
}

/** Service fields copied as they are (same name and shape in both versions). */
const SAME = ['replicas', 'minAvailable', 'multinode', 'globalDynamoNamespace', 'runtimeVersionOverride', 'modelRef', 'topologyConstraint', 'eppConfig'];
/** Service fields v1beta1 components have no place for. */
const NO_PLACE = ['annotations', 'labels', 'autoscaling', 'dynamoNamespace', 'ingress', 'frontendSidecar', 'gpuMemoryService', 'failover', 'checkpoint'];
/** Top-level spec fields copied as they are. */
const TOP_SAME = ['annotations', 'backendFramework', 'experimental', 'labels', 'priorityClassName', 'restart', 'topologyConstraint'];

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function isDgdV1alpha1(o: KubeObject): boolean {
  return o.kind === 'DynamoGraphDeployment' && o.apiVersion === 'nvidia.com/v1alpha1';
}

export function convertDgdV1alpha1(o: KubeObject): Converted {
  const spec = isObject(o.spec) ? o.spec : {};
  const notConverted: string[] = [];
  const out: Json = {};
  for (const k of TOP_SAME) if (spec[k] !== undefined) out[k] = spec[k];
  if (spec.envs !== undefined) out.env = spec.envs;
  for (const k of Object.keys(spec)) {
    if (!TOP_SAME.includes(k) && k !== 'envs' && k !== 'services') notConverted.push(`spec.${k}`);
  }
  const services = isObject(spec.services) ? spec.services : {};
  out.components = Object.entries(services).map(([name, s]) => convertService(name, isObject(s) ? s : {}, notConverted));
  return { object: { ...o, apiVersion: 'nvidia.com/v1beta1', spec: out } as KubeObject, notConverted };
}

function convertService(name: string, s: Json, notConverted: string[]): Json {
  const c: Json = { name };
  const type = s.componentType === 'worker' && (s.subComponentType === 'prefill' || s.subComponentType === 'decode') ? s.subComponentType : s.componentType;
  if (type !== undefined) c.type = type;
  for (const k of SAME) if (s[k] !== undefined) c[k] = s[k];
  const at = (field: string): string => `spec.services.${name}.${field}`;
  for (const k of NO_PLACE) if (s[k] !== undefined) notConverted.push(at(k));
  if (s.subComponentType !== undefined && type === s.componentType) notConverted.push(at('subComponentType'));
  if (s.serviceName !== undefined && s.serviceName !== name) notConverted.push(at('serviceName'));

  const shm = isObject(s.sharedMemory) ? s.sharedMemory : undefined;
  if (shm?.disabled === true) c.sharedMemorySize = '0';
  else if (shm?.size !== undefined && shm.size !== 0 && shm.size !== '0') c.sharedMemorySize = shm.size;

  const mounts = Array.isArray(s.volumeMounts) ? (s.volumeMounts as Json[]) : [];
  mounts.forEach((m, i) => {
    if (m.useAsCompilationCache === true && c.compilationCache === undefined) {
      c.compilationCache = { pvcName: m.name, ...(m.mountPoint !== undefined ? { mountPath: m.mountPoint } : {}) };
    } else {
      // A flat PVC mount: the operator's conversion keeps it only in an annotation.
      notConverted.push(at(`volumeMounts[${i}]`));
    }
  });
  if (isObject(s.scalingAdapter) && s.scalingAdapter.enabled === true) c.scalingAdapter = {};

  const template = podTemplate(s);
  if (template) c.podTemplate = template;
  return c;
}

/** The service's pod fields as one pod template with a "main" container (absent when none is set). */
function podTemplate(s: Json): Json | undefined {
  const extra = isObject(s.extraPodSpec) ? s.extraPodSpec : {};
  const { mainContainer, ...podSpec } = extra;
  const main: Json = { ...(isObject(mainContainer) ? mainContainer : {}) };
  main.name = 'main';
  const env = [...(Array.isArray(main.env) ? main.env : []), ...(Array.isArray(s.envs) ? s.envs : [])];
  if (env.length) main.env = env;
  if (typeof s.envFromSecret === 'string') {
    main.envFrom = [...(Array.isArray(main.envFrom) ? main.envFrom : []), { secretRef: { name: s.envFromSecret } }];
  }
  const resources = containerResources(s.resources);
  if (resources) main.resources = { ...(isObject(main.resources) ? main.resources : {}), ...resources };
  if (s.livenessProbe !== undefined) main.livenessProbe = s.livenessProbe;
  if (s.readinessProbe !== undefined) main.readinessProbe = s.readinessProbe;
  const hasMain = Object.keys(main).length > 1;
  const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as Json[]) : [];
  const spec: Json = { ...podSpec, ...(hasMain || containers.length ? { containers: [...(hasMain ? [main] : []), ...containers] } : {}) };
  if (!hasMain && containers.length === 0) delete spec.containers;
  const metadata = isObject(s.extraPodMetadata) ? s.extraPodMetadata : undefined;
  if (Object.keys(spec).length === 0 && !metadata) return undefined;
  return { ...(metadata ? { metadata } : {}), spec };
}

/** v1alpha1's resources (cpu, memory, gpu of gpuType, custom) as a container's resources. */
function containerResources(r: unknown): Json | undefined {
  if (!isObject(r)) return undefined;
  const out: Json = {};
  for (const side of ['requests', 'limits'] as const) {
    const v = isObject(r[side]) ? r[side] : undefined;
    if (!v) continue;
    const list: Json = {};
    if (v.cpu !== undefined) list.cpu = v.cpu;
    if (v.memory !== undefined) list.memory = v.memory;
    if (v.gpu !== undefined) list[typeof v.gpuType === 'string' && v.gpuType ? v.gpuType : 'nvidia.com/gpu'] = v.gpu;
    if (isObject(v.custom)) Object.assign(list, v.custom);
    if (Object.keys(list).length) out[side] = list;
  }
  if (Array.isArray(r.claims)) out.claims = r.claims;
  return Object.keys(out).length ? out : undefined;
}
